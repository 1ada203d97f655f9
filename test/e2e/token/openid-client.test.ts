import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { base64Der } from '../../support/device-client';
import { bindDevice, type EnrolledDevice, getDevice, issueDevice } from '../../support/device-fleet';
import { useTokenPool } from '../../support/token-pool';

/*
 * docs/contract.md §4.1 with an off-the-shelf OAuth client, panva's openid-client, used
 * as its documentation shows: RFC 8414 discovery from the pool's issuer, then
 * client_credentials with private_key_jwt (iss = sub = client_id = deviceId).
 * The one addition is the device's x5c in the assertion header, through the
 * library's documented `modifyAssertion` hook. Plain http is allowed because
 * the local server is http on 127.0.0.1.
 */
describe('token endpoint: openid-client (private_key_jwt)', () => {
  const pool = useTokenPool();

  /** openid-client takes a CryptoKey of this realm; the PKI helper's keys are exported and imported again. */
  async function clientKey(device: EnrolledDevice): Promise<CryptoKey> {
    const pkcs8 = await crypto.subtle.exportKey('pkcs8', device.device.keys.privateKey);
    return crypto.subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  }

  async function configure(device: EnrolledDevice, algorithm: 'oidc' | 'oauth2'): Promise<client.Configuration> {
    const x5c = [base64Der(device.device.der), base64Der(device.intermediate.der)];
    const auth = client.PrivateKeyJwt(await clientKey(device), {
      [client.modifyAssertion]: (header) => {
        header.x5c = x5c;
      },
    });
    return client.discovery(new URL(pool.env.issuer), device.deviceId, undefined, auth, { algorithm, execute: [client.allowInsecureRequests] });
  }

  /** A device that is its own OAuth client: binding registered with clientAppId = deviceId. */
  async function selfClientDevice(): Promise<EnrolledDevice> {
    const device = await issueDevice(pool.pki.root, pool.pki.intermediate, { deviceId: pool.nextId('oidc-client') });
    await bindDevice(pool.idp, pool.env, device.deviceId, device.deviceId, ['device']);
    return device;
  }

  it.each<'oauth2' | 'oidc'>(['oauth2', 'oidc'])(
    'discovers the pool (%s well-known) and gets a token that jose verifies against the JWKS',
    async (algorithm) => {
      const device = await selfClientDevice();
      const config = await configure(device, algorithm);
      const metadata = config.serverMetadata();
      expect(metadata).toMatchObject({ issuer: pool.env.issuer, token_endpoint: pool.env.tokenEndpoint, jwks_uri: pool.env.jwksUri });
      expect(metadata.token_endpoint_auth_methods_supported).toContain('private_key_jwt');

      const tokens = await client.clientCredentialsGrant(config, { scope: 'device' });
      expect({ token_type: tokens.token_type, scope: tokens.scope, expires_in: tokens.expires_in }).toEqual({
        token_type: 'bearer',
        scope: 'device',
        expires_in: 3600,
      });

      const { payload, protectedHeader } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(metadata.jwks_uri!)), {
        issuer: pool.env.issuer,
        audience: pool.env.issuer,
        typ: 'at+jwt',
      });
      expect(protectedHeader.alg).toBe('ES256');
      expect(payload).toMatchObject({ sub: device.deviceId, client_id: device.deviceId, scope: 'device', org_id: pool.env.orgId, env_id: pool.env.envId });
      expect((await getDevice(pool.idp, pool.env, device.deviceId))?.provisioning).toBeDefined();
    },
  );

  it('asks for a configured audience with resource (RFC 8707)', async () => {
    const resource = 'https://api.example.com';
    expect((await pool.patchEnv({ audiences: [resource] })).status).toBe(200);
    const config = await configure(await selfClientDevice(), 'oauth2');
    const tokens = await client.clientCredentialsGrant(config, { resource });
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(pool.env.jwksUri)), { issuer: pool.env.issuer, audience: resource });
    expect(payload.aud).toBe(resource);
  });

  it('a client without a binding for clientAppId = deviceId is refused: 401 invalid_client with a challenge', async () => {
    const device = await pool.boundDevice(); // bound for clientAppId "client" only
    const config = await configure(device, 'oauth2');
    const refused = await client.clientCredentialsGrant(config).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(client.WWWAuthenticateChallengeError);
    const challenge = refused as client.WWWAuthenticateChallengeError;
    expect(challenge.status).toBe(401);
    expect(challenge.cause).toEqual([expect.objectContaining({ scheme: 'private_key_jwt', parameters: expect.objectContaining({ error: 'invalid_client' }) })]);
    const body = (await challenge.response.json()) as { error: string; error_description: string };
    expect(body).toEqual({ error: 'invalid_client', error_description: expect.stringMatching(/^binding_not_found: /) });
    await pool.expectNotProvisioned(device.deviceId);
  });
});
