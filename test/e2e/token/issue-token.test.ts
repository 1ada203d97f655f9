import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import { type DeviceAlg, type TokenRequestForm, tokenRequestBody } from '../../support/device-client';
import {
  bindDevice,
  deviceAssertion,
  type EnrolledDevice,
  getDevice,
  issueDevice,
  postToken,
  preRegisterDevice,
  requestToken,
  sha256Base64Url,
  sha256Hex,
} from '../../support/device-fleet';
import type { KeyAlgorithm } from '../../support/pki';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../../support/test-idp';
import { createTrustedPool, enrolDevice, type OrganisationPki } from '../../support/trusted-pool';

/*
 * docs/contract.md §4: the token endpoint over real HTTP, default ES256 signing key. Every
 * token is verified by an independent library (jose) against the JWKS fetched
 * from the pool's jwks_uri, and every claim is compared exactly.
 */
describe('token endpoint: issuing access tokens', () => {
  let idp: TestIdp;
  let env: EnvironmentInfo;
  let pki: OrganisationPki;
  let jwks: ReturnType<typeof createRemoteJWKSet>;

  beforeAll(async () => {
    idp = await startTestIdp();
    ({ env, pki } = await createTrustedPool(idp));
    jwks = createRemoteJWKSet(new URL(env.jwksUri));
  });
  afterAll(() => idp?.stop());

  let counter = 0;
  const enrol = (keyAlgorithm: KeyAlgorithm = 'EC-P256', alg?: DeviceAlg, scopes = ['device'], businessUnit?: string): Promise<EnrolledDevice> =>
    enrolDevice(idp, env, pki, { deviceId: `device-${++counter}`, keyAlgorithm, alg, businessUnit, scopes });

  async function verify(accessToken: string): Promise<{ payload: JWTPayload; header: Record<string, unknown> }> {
    const { payload, protectedHeader } = await jwtVerify(accessToken, jwks, { issuer: env.issuer, audience: env.issuer, typ: 'at+jwt' });
    return { payload, header: protectedHeader as Record<string, unknown> };
  }

  const cases: [KeyAlgorithm, DeviceAlg, TokenRequestForm][] = [
    ['RSA-2048', 'RS256', 'jwt-bearer'],
    ['RSA-2048', 'PS256', 'client-credentials'],
    ['RSA-4096', 'RS256', 'client-credentials'],
    ['RSA-4096', 'PS256', 'jwt-bearer'],
    ['EC-P256', 'ES256', 'jwt-bearer'],
    ['EC-P256', 'ES256', 'client-credentials'],
    ['EC-P384', 'ES384', 'jwt-bearer'],
    ['RSA-2048', 'RS512', 'jwt-bearer'],
  ];

  it.each(cases)('a %s device signing %s (%s form) gets a token any JWT library verifies', async (keyAlgorithm, alg, form) => {
    const device = await enrol(keyAlgorithm, alg);
    const before = Math.floor(Date.now() / 1000);
    const result = await requestToken(device, env, { form });
    const after = Math.ceil(Date.now() / 1000);

    expect(result.status).toBe(200);
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(result.headers.get('content-type')).toMatch(/^application\/json/);
    expect(result.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'device' });

    const { payload, header } = await verify(result.body.access_token!);
    const published = (await (await fetch(env.jwksUri)).json()) as { keys: { kid: string; alg: string }[] };
    expect(published.keys).toHaveLength(1);
    expect(header).toEqual({ alg: 'ES256', kid: published.keys[0].kid, typ: 'at+jwt' });
    expect(published.keys[0].alg).toBe('ES256');
    expect(payload).toEqual({
      iss: env.issuer,
      sub: device.deviceId,
      aud: env.issuer,
      client_id: 'client',
      scope: 'device',
      iat: expect.any(Number),
      exp: payload.iat! + 3600,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      org_id: env.orgId,
      env_id: env.envId,
      business_unit_id: 'Business Unit 1',
      cnf: { 'x5t#S256': sha256Base64Url(device.device.der) },
    });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.iat).toBeLessThanOrEqual(after);
  });

  it('accepts aud = the issuer, aud = the token endpoint, and an aud array holding either', async () => {
    const device = await enrol();
    for (const aud of [env.issuer, env.tokenEndpoint, ['https://elsewhere.example', env.issuer], [env.tokenEndpoint]]) {
      const result = await requestToken(device, env, { aud });
      expect({ aud, status: result.status }).toEqual({ aud, status: 200 });
    }
  });

  it('accepts the form media type with a charset parameter and in any letter case', async () => {
    const device = await enrol();
    for (const contentType of ['application/x-www-form-urlencoded; charset=UTF-8', 'Application/X-WWW-Form-URLEncoded']) {
      const { jwt } = await deviceAssertion(device, env);
      const result = await postToken(env.tokenEndpoint, tokenRequestBody(jwt), contentType);
      expect({ contentType, status: result.status }).toEqual({ contentType, status: 200 });
    }
  });

  it('issues a fresh token jti per request and never reuses the assertion jti', async () => {
    const device = await enrol();
    const first = await requestToken(device, env, { claims: { jti: 'assertion-jti-1' } });
    const second = await requestToken(device, env, { claims: { jti: 'assertion-jti-2' } });
    const [a, b] = await Promise.all([verify(first.body.access_token!), verify(second.body.access_token!)]);
    expect(a.payload.jti).not.toBe(b.payload.jti);
    expect([a.payload.jti, b.payload.jti]).not.toContain('assertion-jti-1');
  });

  it('grants every binding scope by default and exactly the requested subset when scope is sent', async () => {
    const device = await enrol('EC-P256', undefined, ['device', 'telemetry:write', 'config.read']);
    const all = await requestToken(device, env);
    expect(all.body.scope).toBe('device telemetry:write config.read');
    expect((await verify(all.body.access_token!)).payload.scope).toBe('device telemetry:write config.read');

    const subset = await requestToken(device, env, { scope: 'config.read device' });
    expect(subset.status).toBe(200);
    expect(subset.body.scope).toBe('config.read device');
    expect((await verify(subset.body.access_token!)).payload.scope).toBe('config.read device');
  });

  it('accepts x5c with the root included (device, intermediate, root)', async () => {
    const device = await enrol();
    const result = await requestToken(device, env, { x5c: [device.device.der, pki.intermediate.der, pki.root.der] });
    expect(result.status).toBe(200);
  });

  it('accepts x5c entries wrapped at 64 columns with CRLF, as MSAL and other libraries send them (docs/contract.md §4.2)', async () => {
    const device = await enrol();
    const wrapped = [device.device.der, pki.intermediate.der].map(
      (der) =>
        `${Buffer.from(der)
          .toString('base64')
          .replace(/.{1,64}/g, '$&\r\n')}`,
    );
    expect(wrapped[0]).toMatch(/^[A-Za-z0-9+/]{64}\r\n/);
    const result = await requestToken(device, env, { x5c: wrapped });
    expect(result.status).toBe(200);
    expect((await verify(result.body.access_token!)).payload.sub).toBe(device.deviceId);
  });

  it('provisions the device record on the first token and refreshes lastSeen on the next', async () => {
    const device = await enrol();
    expect((await getDevice(idp, env, device.deviceId))?.provisioning).toBeUndefined();

    const start = new Date();
    expect((await requestToken(device, env)).status).toBe(200);
    const first = await getDevice(idp, env, device.deviceId);
    const serial = Buffer.from(device.device.certificate.serialNumber.valueBlock.valueHexView)
      .toString('hex')
      .replace(/^00(?=.)/, '');
    expect(first).toMatchObject({ deviceId: device.deviceId, preRegistered: false });
    expect(first?.provisioning).toEqual({
      thumbprint: sha256Hex(device.device.der),
      serial,
      issuer: 'CN=Acme Device CA,O=Acme',
      notAfter: '2099-12-31T23:59:59.000Z',
      businessUnit: 'Business Unit 1',
      firstSeen: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      lastSeen: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const firstSeen = first!.provisioning!.firstSeen;
    expect(first!.provisioning!.lastSeen).toBe(firstSeen);
    expect(Date.parse(firstSeen)).toBeGreaterThanOrEqual(start.getTime() - 1000);

    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await requestToken(device, env)).status).toBe(200);
    const second = await getDevice(idp, env, device.deviceId);
    expect(second?.provisioning?.firstSeen).toBe(firstSeen);
    expect(Date.parse(second!.provisioning!.lastSeen)).toBeGreaterThan(Date.parse(firstSeen));
  });

  it('a pre-registered device whose business_unit_id tag equals the certificate O gets a token and keeps its registration', async () => {
    const device = await issueDevice(pki.root, pki.intermediate, { deviceId: 'pos-terminal-17', businessUnit: 'Stores North' });
    await preRegisterDevice(idp, env, { id: device.deviceId, tags: { business_unit_id: 'Stores North' } });
    await bindDevice(idp, env, device.deviceId, 'client', ['device']);
    const result = await requestToken(device, env);
    expect(result.status).toBe(200);
    expect((await verify(result.body.access_token!)).payload.business_unit_id).toBe('Stores North');
    const record = await getDevice(idp, env, device.deviceId);
    expect(record).toMatchObject({ preRegistered: true, tags: { business_unit_id: 'Stores North' }, provisioning: { businessUnit: 'Stores North' } });
  });

  it('publishes RFC 8414 metadata for the pool', async () => {
    const response = await fetch(`${env.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      issuer: env.issuer,
      token_endpoint: env.tokenEndpoint,
      jwks_uri: env.jwksUri,
      grant_types_supported: ['urn:ietf:params:oauth:grant-type:jwt-bearer', 'client_credentials'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'],
      scopes_supported: expect.arrayContaining(['device']),
    });
    expect(env.tokenEndpoint).toBe(`${env.issuer}/oauth2/token`);
    expect(env.jwksUri).toBe(`${env.issuer}/.well-known/jwks.json`);
    expect(env.issuer).toBe(`${idp.baseUrl}/pools/${env.clientPoolId}`);
  });

  it('answers 404 for the JWKS and metadata of an unknown pool', async () => {
    for (const path of ['.well-known/jwks.json', '.well-known/openid-configuration']) {
      const response = await fetch(`${idp.baseUrl}/pools/pool-doesnotexist/${path}`);
      expect(response.status).toBe(404);
    }
  });
});
