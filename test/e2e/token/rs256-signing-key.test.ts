import { createLocalJWKSet, jwtVerify } from 'jose';
import { bindDevice, issueDevice, makeOrganisationPki, requestToken, sha256Base64Url, uploadRoot } from '../../support/device-fleet';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../../support/test-idp';

/* docs/contract.md §4.5: RS256 with an RSA_2048 KMS key is a stack option; the same contract holds. */
describe('token endpoint with an RSA_2048 signing key', () => {
  let idp: TestIdp;
  let env: EnvironmentInfo;

  beforeAll(async () => {
    idp = await startTestIdp({ signingKeySpec: 'RSA_2048', tokenTtlSeconds: 900 });
    env = await idp.createEnvironment();
  });
  afterAll(() => idp?.stop());

  it('publishes one RSA key and signs RS256 tokens that verify against it', async () => {
    const pki = await makeOrganisationPki();
    await uploadRoot(idp, env.clientPoolId, pki.root.pem);
    const device = await issueDevice(pki.root, pki.intermediate, { deviceId: 'kiosk-1', keyAlgorithm: 'RSA-2048', alg: 'PS256' });
    await bindDevice(idp, env, device.deviceId, 'client', ['device']);

    const jwksResponse = await fetch(env.jwksUri);
    expect(jwksResponse.status).toBe(200);
    const jwks = (await jwksResponse.json()) as { keys: Record<string, string>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' });
    expect(Buffer.from(jwks.keys[0].n, 'base64url')).toHaveLength(256);
    expect(jwks.keys[0]).not.toHaveProperty('d');

    const result = await requestToken(device, env);
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900, scope: 'device' });
    const { payload, protectedHeader } = await jwtVerify(result.body.access_token!, createLocalJWKSet(jwks as never), {
      issuer: env.issuer,
      audience: env.issuer,
      typ: 'at+jwt',
      algorithms: ['RS256'],
    });
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: jwks.keys[0].kid, typ: 'at+jwt' });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(payload).toMatchObject({ sub: 'kiosk-1', client_id: 'client', cnf: { 'x5t#S256': sha256Base64Url(device.device.der) } });
  });
});
