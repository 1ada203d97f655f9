import { serverMetadata } from '../../../src/domain/server-metadata';
import { ACCESS_TOKEN_TYPE, accessTokenClaims } from '../../../src/domain/token-claims';

describe('accessTokenClaims (RFC 9068 §2.2, RFC 8705 §3.1)', () => {
  const input = {
    issuer: 'https://idp.example.com/pools/pool-abc',
    audience: 'https://idp.example.com/pools/pool-abc',
    deviceId: 'device-1',
    clientAppId: 'client',
    scopes: ['device', 'read'],
    orgId: 'acme',
    envId: 'prod',
    businessUnitId: 'Stores North',
    certificateThumbprint: 'dGh1bWJwcmludA',
    issuedAt: new Date('2030-06-15T12:00:00.999Z'),
    lifetimeSeconds: 3600,
  };

  it('has exactly the docs/contract.md §4.5 claims', () => {
    const iat = Date.parse('2030-06-15T12:00:00Z') / 1000;
    expect(accessTokenClaims(input)).toEqual({
      iss: input.issuer,
      sub: 'device-1',
      aud: input.audience,
      client_id: 'client',
      scope: 'device read',
      iat,
      exp: iat + 3600,
      jti: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      org_id: 'acme',
      env_id: 'prod',
      business_unit_id: 'Stores North',
      cnf: { 'x5t#S256': 'dGh1bWJwcmludA' },
    });
  });

  it('honours the configured audience and lifetime', () => {
    const claims = accessTokenClaims({ ...input, audience: 'https://api.example.com', lifetimeSeconds: 900 });
    expect(claims.aud).toBe('https://api.example.com');
    expect(claims.exp - claims.iat).toBe(900);
  });

  it('gives every token its own jti', () => {
    expect(accessTokenClaims(input).jti).not.toBe(accessTokenClaims(input).jti);
  });

  it('sets business_unit_id to null when the certificate has no O', () => {
    expect(accessTokenClaims({ ...input, businessUnitId: undefined }).business_unit_id).toBeNull();
  });

  it('is typed at+jwt (RFC 9068 §2.1)', () => {
    expect(ACCESS_TOKEN_TYPE).toBe('at+jwt');
  });
});

describe('serverMetadata (RFC 8414 §2)', () => {
  it('describes one pool', () => {
    expect(serverMetadata('https://idp.example.com/', 'pool-abc')).toEqual({
      issuer: 'https://idp.example.com/pools/pool-abc',
      token_endpoint: 'https://idp.example.com/pools/pool-abc/oauth2/token',
      jwks_uri: 'https://idp.example.com/pools/pool-abc/.well-known/jwks.json',
      grant_types_supported: ['urn:ietf:params:oauth:grant-type:jwt-bearer', 'client_credentials'],
      response_types_supported: [],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'],
      scopes_supported: ['device'],
    });
  });
});
