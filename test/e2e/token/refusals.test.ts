import { base64urlJson, signRaw, tokenRequestBody } from '../../support/device-client';
import { bindDevice, deviceAssertion, expectTokenError, getDevice, issueDevice, postToken, preRegisterDevice, requestToken } from '../../support/device-fleet';
import { useTokenPool } from '../../support/token-pool';

/*
 * docs/contract.md §4.2/§4.4 refusals over real HTTP: exact status, RFC 6749 error, the
 * domain code (error_description prefix), no token, and no provisioning.
 */
describe('token endpoint: refusals', () => {
  const pool = useTokenPool();
  const { nextId, boundDevice, expectNotProvisioned } = pool;

  describe('assertion and identity → 400 invalid_grant', () => {
    it('sub differs from the certificate CN: sub_mismatch (even with a binding for that sub)', async () => {
      const device = await boundDevice();
      const impersonated = await boundDevice();
      expectTokenError(await requestToken(device, pool.env, { sub: impersonated.deviceId }), 400, 'invalid_grant', 'sub_mismatch');
      await expectNotProvisioned(impersonated.deviceId);
      await expectNotProvisioned(device.deviceId);
    });

    it('a signature made with another key than the device certificate: assertion_signature_invalid', async () => {
      const device = await boundDevice();
      const stranger = await issueDevice(pool.pki.root, pool.pki.intermediate, { deviceId: device.deviceId });
      expectTokenError(
        await requestToken(device, pool.env, { privateKey: stranger.device.keys.privateKey }),
        400,
        'invalid_grant',
        'assertion_signature_invalid',
      );
      await expectNotProvisioned(device.deviceId);
    });

    it('alg none and HS256 are refused: alg_not_allowed', async () => {
      const device = await boundDevice();
      const { claims, jwt } = await deviceAssertion(device, pool.env);
      const x5c = [Buffer.from(device.device.der).toString('base64'), Buffer.from(pool.pki.intermediate.der).toString('base64')];
      const none = `${base64urlJson({ alg: 'none', x5c })}.${base64urlJson(claims)}.`;
      const hs256 = `${base64urlJson({ alg: 'HS256', x5c })}.${base64urlJson(claims)}.${jwt.split('.')[2]}`;
      expectTokenError(await postToken(pool.env.tokenEndpoint, tokenRequestBody(none)), 400, 'invalid_grant', 'alg_not_allowed');
      expectTokenError(await postToken(pool.env.tokenEndpoint, tokenRequestBody(hs256)), 400, 'invalid_grant', 'alg_not_allowed');
    });

    it('an ES384 header over an ES256 key: assertion_signature_invalid', async () => {
      const device = await boundDevice();
      expectTokenError(await requestToken(device, pool.env, { alg: 'ES384' }), 400, 'invalid_grant', 'assertion_signature_invalid');
    });

    it('an expired assertion, a far exp, a wrong aud, a missing jti', async () => {
      const device = await boundDevice();
      const hourAgo = new Date(Date.now() - 3_600_000);
      expectTokenError(await requestToken(device, pool.env, { now: hourAgo }), 400, 'invalid_grant', 'assertion_expired');
      expectTokenError(await requestToken(device, pool.env, { lifetimeSeconds: 3600 }), 400, 'invalid_grant', 'exp_too_far');
      expectTokenError(await requestToken(device, pool.env, { aud: `${pool.idp.baseUrl}/pools/pool-other` }), 400, 'invalid_grant', 'aud_mismatch');
      expectTokenError(await requestToken(device, pool.env, { claims: { jti: undefined } }), 400, 'invalid_grant', 'jti_missing');
      await expectNotProvisioned(device.deviceId);
    });

    it('an assertion over 16 KiB: assertion_too_large', async () => {
      const device = await boundDevice();
      expectTokenError(await requestToken(device, pool.env, { claims: { pad: 'x'.repeat(13 * 1024) } }), 400, 'invalid_grant', 'assertion_too_large');
    });

    it('no binding for (device, clientAppId): binding_not_found, and no device record appears', async () => {
      const device = await issueDevice(pool.pki.root, pool.pki.intermediate, { deviceId: nextId('unbound') });
      expectTokenError(await requestToken(device, pool.env), 400, 'invalid_grant', 'binding_not_found');
      expect(await getDevice(pool.idp, pool.env, device.deviceId)).toBeUndefined();

      await bindDevice(pool.idp, pool.env, device.deviceId, 'other-app', ['device']);
      expectTokenError(await requestToken(device, pool.env, { clientAppId: 'client' }), 400, 'invalid_grant', 'binding_not_found');
      await expectNotProvisioned(device.deviceId);
      expect((await requestToken(device, pool.env, { clientAppId: 'other-app' })).status).toBe(200);
    });

    it('a pre-registered device whose business_unit_id differs from the certificate O: business_unit_mismatch', async () => {
      const device = await issueDevice(pool.pki.root, pool.pki.intermediate, { deviceId: nextId('pinned'), businessUnit: 'Stores South' });
      await preRegisterDevice(pool.idp, pool.env, { id: device.deviceId, tags: { business_unit_id: 'Stores North' } });
      await bindDevice(pool.idp, pool.env, device.deviceId, 'client', ['device']);
      expectTokenError(await requestToken(device, pool.env), 400, 'invalid_grant', 'business_unit_mismatch');
      await expectNotProvisioned(device.deviceId);
    });
  });

  describe('scopes → 400 invalid_scope', () => {
    it('a binding without the device scope: device_scope_missing', async () => {
      const device = await boundDevice({ scopes: ['read', 'write'] });
      expectTokenError(await requestToken(device, pool.env), 400, 'invalid_scope', 'device_scope_missing');
      expectTokenError(await requestToken(device, pool.env, { scope: 'read' }), 400, 'invalid_scope', 'device_scope_missing');
      await expectNotProvisioned(device.deviceId);
    });

    it('a requested scope outside the binding: scope_not_granted', async () => {
      const device = await boundDevice({ scopes: ['device', 'read'] });
      expectTokenError(await requestToken(device, pool.env, { scope: 'device admin' }), 400, 'invalid_scope', 'scope_not_granted');
      expectTokenError(await requestToken(device, pool.env, { scope: 'device "quoted"' }), 400, 'invalid_scope', 'malformed_scope');
      await expectNotProvisioned(device.deviceId);
    });
  });

  describe('malformed requests', () => {
    let assertion: string;
    beforeAll(async () => {
      assertion = (await deviceAssertion(await boundDevice(), pool.env)).jwt;
    });

    it('an unknown pool: 404 invalid_request pool_not_found', async () => {
      const device = await boundDevice();
      const { jwt } = await deviceAssertion(device, pool.env);
      expectTokenError(
        await postToken(`${pool.idp.baseUrl}/pools/pool-doesnotexist/oauth2/token`, tokenRequestBody(jwt)),
        404,
        'invalid_request',
        'pool_not_found',
      );
      expectTokenError(
        await postToken(`${pool.idp.baseUrl}/pools/${'x'.repeat(65)}/oauth2/token`, tokenRequestBody(jwt)),
        404,
        'invalid_request',
        'pool_not_found',
      );
      // The refused request did not consume the jti: it is still good at the right pool.
      expect((await postToken(pool.env.tokenEndpoint, tokenRequestBody(jwt))).status).toBe(200);
    });

    it('a JSON body: 400 invalid_request unsupported_media_type', async () => {
      const body = JSON.stringify({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
      expectTokenError(await postToken(pool.env.tokenEndpoint, body, 'application/json'), 400, 'invalid_request', 'unsupported_media_type');
    });

    it('no Content-Type at all: 400 invalid_request', async () => {
      const response = await fetch(pool.env.tokenEndpoint, { method: 'POST', body: new Blob([tokenRequestBody(assertion).toString()]) });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/^unsupported_media_type: /) });
    });

    it('an unknown grant: 400 unsupported_grant_type', async () => {
      const body = new URLSearchParams({ grant_type: 'password', username: 'a', password: 'b' });
      expectTokenError(await postToken(pool.env.tokenEndpoint, body), 400, 'unsupported_grant_type', 'unsupported_grant_type');
      expectTokenError(
        await postToken(pool.env.tokenEndpoint, new URLSearchParams({ grant_type: 'authorization_code', code: 'x' })),
        400,
        'unsupported_grant_type',
        'unsupported_grant_type',
      );
    });

    it('missing, empty and duplicated parameters: 400 invalid_request', async () => {
      const grant = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
      expectTokenError(await postToken(pool.env.tokenEndpoint, ''), 400, 'invalid_request', 'missing_parameter');
      expectTokenError(await postToken(pool.env.tokenEndpoint, new URLSearchParams({ grant_type: grant })), 400, 'invalid_request', 'missing_parameter');
      expectTokenError(
        await postToken(pool.env.tokenEndpoint, new URLSearchParams({ grant_type: grant, assertion: '' })),
        400,
        'invalid_request',
        'missing_parameter',
      );
      expectTokenError(
        await postToken(pool.env.tokenEndpoint, `grant_type=${encodeURIComponent(grant)}&assertion=${assertion}&assertion=${assertion}`),
        400,
        'invalid_request',
        'duplicate_parameter',
      );
      expectTokenError(
        await postToken(pool.env.tokenEndpoint, `grant_type=${encodeURIComponent(grant)}&grant_type=client_credentials&assertion=${assertion}`),
        400,
        'invalid_request',
        'duplicate_parameter',
      );
    });

    it('client_credentials with a wrong or missing client_assertion_type: 400 invalid_request', async () => {
      const wrong = new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer',
        client_assertion: assertion,
      });
      expectTokenError(await postToken(pool.env.tokenEndpoint, wrong), 400, 'invalid_request', 'malformed_request');
      const missing = new URLSearchParams({ grant_type: 'client_credentials', client_assertion: assertion });
      expectTokenError(await postToken(pool.env.tokenEndpoint, missing), 400, 'invalid_request', 'missing_parameter');
    });

    it('a body over the request limit: 400 invalid_request payload_too_large', async () => {
      const body = tokenRequestBody(assertion);
      body.set('padding', 'x'.repeat(30 * 1024));
      expectTokenError(await postToken(pool.env.tokenEndpoint, body), 400, 'invalid_request', 'payload_too_large');
    });

    it('garbage instead of a JWS: 400 invalid_grant assertion_malformed', async () => {
      expectTokenError(await postToken(pool.env.tokenEndpoint, tokenRequestBody('not-a-jwt')), 400, 'invalid_grant', 'assertion_malformed');
      const device = await boundDevice();
      const { claims } = await deviceAssertion(device, pool.env);
      const arrayHeader = await signRaw('ES256', device.device.keys.privateKey, base64urlJson(['ES256']), base64urlJson(claims));
      expectTokenError(await postToken(pool.env.tokenEndpoint, tokenRequestBody(arrayHeader)), 400, 'invalid_grant', 'assertion_malformed');
    });
  });
});
