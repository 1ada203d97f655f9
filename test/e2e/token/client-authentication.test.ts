import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { type TokenRequestForm, tokenRequestBody } from '../../support/device-client';
import {
  bindDevice,
  deviceAssertion,
  type EnrolledDevice,
  expectTokenError,
  getDevice,
  issueDevice,
  makeOrganisationPki,
  postToken,
} from '../../support/device-fleet';
import { useTokenPool } from '../../support/token-pool';

/*
 * docs/contract.md §4.1 as off-the-shelf private_key_jwt clients use it: both assertion
 * shapes (iss = clientAppId, or iss = sub = deviceId), the client_id
 * parameter, form 2 refusals as 401 invalid_client (RFC 7523 §3.2, RFC 6749
 * §5.2) against form 1's 400 invalid_grant, `resource` against the pool's
 * audiences (RFC 8707), and the RFC 8414 §3 metadata location.
 */
describe('token endpoint: OAuth client shapes', () => {
  const pool = useTokenPool();
  const { patchEnv } = pool;

  /** A device that is its own OAuth client: its binding is registered with clientAppId = deviceId. */
  async function selfClientDevice(): Promise<EnrolledDevice> {
    const device = await issueDevice(pool.pki.root, pool.pki.intermediate, { deviceId: pool.nextId('self') });
    await bindDevice(pool.idp, pool.env, device.deviceId, device.deviceId, ['device']);
    return device;
  }

  async function post(
    device: EnrolledDevice,
    options: { form?: TokenRequestForm; iss?: string; clientId?: string; resource?: string; aud?: string; sub?: string } = {},
  ) {
    const { jwt } = await deviceAssertion(device, pool.env, {
      clientAppId: options.iss,
      aud: options.aud ?? pool.env.tokenEndpoint,
      ...(options.sub ? { sub: options.sub } : {}),
    });
    const body = tokenRequestBody(jwt, { form: options.form });
    if (options.clientId !== undefined) body.set('client_id', options.clientId);
    if (options.resource !== undefined) body.set('resource', options.resource);
    return postToken(pool.env.tokenEndpoint, body);
  }

  describe('assertion shapes', () => {
    it.each<TokenRequestForm>(['client-credentials', 'jwt-bearer'])(
      'iss = sub = deviceId with client_id = deviceId (%s): the binding with clientAppId = deviceId',
      async (form) => {
        const device = await selfClientDevice();
        const result = await post(device, { form, iss: device.deviceId, clientId: device.deviceId, aud: pool.env.issuer });
        expect(result.status).toBe(200);
        expect(decodeJwt(result.body.access_token!)).toMatchObject({ sub: device.deviceId, client_id: device.deviceId, aud: pool.env.issuer });
        expect((await getDevice(pool.idp, pool.env, device.deviceId))?.provisioning).toBeDefined();
      },
    );

    it.each<TokenRequestForm>(['client-credentials', 'jwt-bearer'])(
      'iss = clientAppId, sub = deviceId keeps working, with or without client_id (%s)',
      async (form) => {
        const device = await pool.boundDevice();
        expect((await post(device, { form })).status).toBe(200);
        const withClientId = await post(device, { form, clientId: 'client' });
        expect(withClientId.status).toBe(200);
        expect(decodeJwt(withClientId.body.access_token!)).toMatchObject({ sub: device.deviceId, client_id: 'client' });
      },
    );

    it('iss = sub = deviceId without a binding for clientAppId = deviceId is an unknown client', async () => {
      const device = await pool.boundDevice();
      expectTokenError(
        await post(device, { form: 'client-credentials', iss: device.deviceId, clientId: device.deviceId }),
        401,
        'invalid_client',
        'binding_not_found',
      );
      expectTokenError(await post(device, { form: 'jwt-bearer', iss: device.deviceId }), 400, 'invalid_grant', 'binding_not_found');
      await pool.expectNotProvisioned(device.deviceId);
    });
  });

  describe('client_id', () => {
    it.each<TokenRequestForm>(['client-credentials', 'jwt-bearer'])(
      'differing from iss: 400 invalid_request client_id_mismatch, nothing spent (%s)',
      async (form) => {
        const device = await selfClientDevice();
        const { jwt } = await deviceAssertion(device, pool.env, { clientAppId: device.deviceId });
        const body = tokenRequestBody(jwt, { form });
        body.set('client_id', 'someone-else');
        const refused = await postToken(pool.env.tokenEndpoint, body);
        expectTokenError(refused, 400, 'invalid_request', 'client_id_mismatch');
        expect(refused.headers.get('www-authenticate')).toBeNull();
        await pool.expectNotProvisioned(device.deviceId);
        body.set('client_id', device.deviceId);
        expect((await postToken(pool.env.tokenEndpoint, body)).status).toBe(200);
      },
    );
  });

  describe('refusals: form 2 is client authentication', () => {
    const cases: Array<[string, (device: EnrolledDevice) => Promise<Parameters<typeof post>[1]>, string]> = [
      ['a wrong aud', async () => ({ aud: `${pool.idp.baseUrl}/pools/pool-other` }), 'aud_mismatch'],
      ['sub not the certificate CN', async () => ({ sub: 'someone-else' }), 'sub_mismatch'],
      ['an unknown client', async () => ({ iss: 'no-such-app' }), 'binding_not_found'],
    ];

    it.each(cases)('%s: 401 invalid_client with WWW-Authenticate in form 2, 400 invalid_grant in form 1', async (_what, options, code) => {
      const device = await pool.boundDevice();
      const form2 = await post(device, { form: 'client-credentials', ...(await options(device)) });
      expectTokenError(form2, 401, 'invalid_client', code);
      expect(form2.headers.get('www-authenticate')).toBe('private_key_jwt error="invalid_client"');
      const form1 = await post(device, { form: 'jwt-bearer', ...(await options(device)) });
      expectTokenError(form1, 400, 'invalid_grant', code);
      expect(form1.headers.get('www-authenticate')).toBeNull();
      await pool.expectNotProvisioned(device.deviceId);
    });

    it('a chain of another organisation: 401 untrusted_root; a replayed assertion: 401 assertion_replayed', async () => {
      const stranger = await makeOrganisationPki('Stranger');
      const outsider = await issueDevice(stranger.root, stranger.intermediate, { deviceId: pool.nextId('outsider') });
      expectTokenError(await post(outsider, { form: 'client-credentials' }), 401, 'invalid_client', 'untrusted_root');

      const device = await pool.boundDevice();
      const body = tokenRequestBody((await deviceAssertion(device, pool.env)).jwt, { form: 'client-credentials' });
      expect((await postToken(pool.env.tokenEndpoint, body)).status).toBe(200);
      expectTokenError(await postToken(pool.env.tokenEndpoint, body), 401, 'invalid_client', 'assertion_replayed');
    });

    it('scope refusals stay 400 invalid_scope in form 2 (the client did authenticate)', async () => {
      const device = await pool.boundDevice({ scopes: ['device'] });
      const { jwt } = await deviceAssertion(device, pool.env);
      const refused = await postToken(pool.env.tokenEndpoint, tokenRequestBody(jwt, { form: 'client-credentials', scope: 'device admin' }));
      expectTokenError(refused, 400, 'invalid_scope', 'scope_not_granted');
      expect(refused.headers.get('www-authenticate')).toBeNull();
    });
  });

  describe('resource and the pool audiences (RFC 8707)', () => {
    const API = 'https://api.example.com';
    const PAY = 'https://pay.example.com/v1';
    const jwks = () => createRemoteJWKSet(new URL(pool.env.jwksUri));

    it('without audiences configured, any resource is 400 invalid_target; without resource the default aud stays', async () => {
      const device = await pool.boundDevice();
      expectTokenError(await post(device, { form: 'client-credentials', resource: API }), 400, 'invalid_target', 'resource_not_allowed');
      expectTokenError(await post(device, { resource: 'not a uri' }), 400, 'invalid_target', 'resource_invalid');
      await pool.expectNotProvisioned(device.deviceId);
      const plain = await post(device);
      expect(decodeJwt(plain.body.access_token!).aud).toBe(pool.env.issuer);
    });

    it('PATCH env audiences: validated strictly, shown in the environment view, then selected by resource', async () => {
      for (const bad of [
        ['http://api.example.com'],
        'https://api.example.com',
        [API, API],
        Array.from({ length: 11 }, (_, i) => `https://a${i}.example.com`),
        ['https://api.example.com/#x'],
      ]) {
        expect(await patchEnv({ audiences: bad })).toMatchObject({ status: 400, body: { error: 'invalid_field' } });
      }
      const patched = await patchEnv({ audiences: [API, PAY] });
      expect(patched).toMatchObject({ status: 200, body: { audiences: [API, PAY], clientPoolId: pool.env.clientPoolId } });
      expect(await pool.readEnv()).toMatchObject({ audiences: [API, PAY] });

      const device = await pool.boundDevice();
      for (const [form, resource] of [
        ['client-credentials', PAY],
        ['jwt-bearer', API],
      ] as const) {
        const result = await post(device, { form, resource });
        expect(result.status).toBe(200);
        const { payload } = await jwtVerify(result.body.access_token!, jwks(), { issuer: pool.env.issuer, audience: resource, typ: 'at+jwt' });
        expect(payload.aud).toBe(resource);
      }
      expect(decodeJwt((await post(device)).body.access_token!).aud).toBe(pool.env.issuer);
      expectTokenError(
        await post(device, { form: 'client-credentials', resource: 'https://other.example.com' }),
        400,
        'invalid_target',
        'resource_not_allowed',
      );
      expectTokenError(await post(device, { resource: `${API}/` }), 400, 'invalid_target', 'resource_not_allowed');

      expect(await patchEnv({ audiences: [] })).toMatchObject({ status: 200, body: { audiences: [] } });
      expectTokenError(await post(device, { resource: API }), 400, 'invalid_target', 'resource_not_allowed');
    });
  });

  describe('metadata (RFC 8414)', () => {
    it('is served at {issuer}/.well-known/openid-configuration and at the RFC 8414 §3 location, identically', async () => {
      const issuerPath = new URL(pool.env.issuer).pathname;
      const rfc8414 = await fetch(`${new URL(pool.env.issuer).origin}/.well-known/oauth-authorization-server${issuerPath}`);
      const oidc = await fetch(`${pool.env.issuer}/.well-known/openid-configuration`);
      expect([rfc8414.status, oidc.status]).toEqual([200, 200]);
      const metadata = (await rfc8414.json()) as Record<string, unknown>;
      expect(metadata).toEqual(await oidc.json());
      expect(metadata).toMatchObject({
        issuer: pool.env.issuer,
        token_endpoint: pool.env.tokenEndpoint,
        jwks_uri: pool.env.jwksUri,
        grant_types_supported: ['urn:ietf:params:oauth:grant-type:jwt-bearer', 'client_credentials'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
        token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'],
      });
    });

    it('answers 404 pool_not_found at the RFC 8414 location for an unknown pool', async () => {
      const response = await fetch(`${pool.idp.baseUrl}/.well-known/oauth-authorization-server/pools/pool-doesnotexist`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/^pool_not_found: /) });
    });
  });
});
