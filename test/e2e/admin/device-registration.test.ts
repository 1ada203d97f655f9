import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../../support/test-idp';
import { allItems, errorOf } from './support';

/*
 * docs/contract.md §3.2: binding a device to a client app creates the device record when
 * it is missing; scopes are a non-empty array of RFC 6749 §3.3 tokens.
 */
describe('device app bindings (docs/contract.md §3.2)', () => {
  let idp: TestIdp;
  let env: EnvironmentInfo;
  const device = (deviceId: string) => `/api/internal/org/${env.orgId}/env/${env.envId}/device/${deviceId}`;
  const bind = (deviceId: string, json: unknown) => idp.request(`${device(deviceId)}/app`, { method: 'POST', json });
  const itemsOf = async (deviceId: string) =>
    (await allItems(idp.tableName)).filter((item) => item.sk === `DEVICE#${deviceId}` || String(item.sk).startsWith(`BINDING#${deviceId}#`));

  beforeAll(async () => {
    idp = await startTestIdp();
    env = await idp.createEnvironment();
  });
  afterAll(() => idp?.stop());

  it('creates the binding and the missing device record: 201 with the binding', async () => {
    const response = await bind('device-id-or-asset-id', { clientAppId: 'client', scopes: ['device'] });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({
      deviceId: 'device-id-or-asset-id',
      clientAppId: 'client',
      scopes: ['device'],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const stored = await itemsOf('device-id-or-asset-id');
    expect(stored.map((item) => [item.pk, item.sk, item.type])).toEqual(
      expect.arrayContaining([
        [`POOL#${env.clientPoolId}`, 'DEVICE#device-id-or-asset-id', 'device'],
        [`POOL#${env.clientPoolId}`, 'BINDING#device-id-or-asset-id#client', 'binding'],
      ]),
    );
    expect(stored).toHaveLength(2);
  });

  it('shows the created device as not pre-registered and not yet provisioned', async () => {
    const response = await idp.request(device('device-id-or-asset-id'));
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ deviceId: 'device-id-or-asset-id', orgId: env.orgId, envId: env.envId, preRegistered: false });
    expect(body.provisioning).toBeUndefined();
  });

  it('replaces an existing binding: 200, new scopes, createdAt kept', async () => {
    const [before] = (await (await idp.request(`${device('device-id-or-asset-id')}/app`)).json()).bindings;
    const response = await bind('device-id-or-asset-id', { clientAppId: 'client', scopes: ['device', 'payments:read'], name: 'POS app' });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ clientAppId: 'client', scopes: ['device', 'payments:read'], name: 'POS app', createdAt: before.createdAt });
    expect(await itemsOf('device-id-or-asset-id')).toHaveLength(2);
  });

  it('lists the bindings of a device', async () => {
    expect((await bind('device-id-or-asset-id', { clientAppId: 'telemetry', scopes: ['device'] })).status).toBe(201);
    const response = await idp.request(`${device('device-id-or-asset-id')}/app`);
    expect(response.status).toBe(200);
    const { bindings } = (await response.json()) as { bindings: Array<{ clientAppId: string; scopes: string[] }> };
    expect(bindings.map(({ clientAppId, scopes }) => ({ clientAppId, scopes }))).toEqual([
      { clientAppId: 'client', scopes: ['device', 'payments:read'] },
      { clientAppId: 'telemetry', scopes: ['device'] },
    ]);
  });

  it('keeps a pre-registered device pre-registered (and its tags) when binding it', async () => {
    const created = await idp.request(`/api/internal/org/${env.orgId}/env/${env.envId}/device`, {
      method: 'POST',
      json: { id: 'kiosk-7', tags: { business_unit_id: 'BU-1' } },
    });
    expect(created.status).toBe(201);
    expect((await bind('kiosk-7', { clientAppId: 'client', scopes: ['device'] })).status).toBe(201);
    expect(await (await idp.request(device('kiosk-7'))).json()).toMatchObject({ preRegistered: true, tags: { business_unit_id: 'BU-1' } });
  });

  describe('validation: 400 with a code, nothing written', () => {
    const cases: Array<[string, string, unknown]> = [
      ['clientAppId missing', 'invalid_identifier', { scopes: ['device'] }],
      ['clientAppId not an identifier', 'invalid_identifier', { clientAppId: 'a/b', scopes: ['device'] }],
      ['scopes missing', 'invalid_scopes', { clientAppId: 'client' }],
      ['scopes empty', 'invalid_scopes', { clientAppId: 'client', scopes: [] }],
      ['scopes not an array', 'invalid_scopes', { clientAppId: 'client', scopes: 'device' }],
      ['a scope with a space', 'invalid_scopes', { clientAppId: 'client', scopes: ['a b'] }],
      ['a scope with a double quote', 'invalid_scopes', { clientAppId: 'client', scopes: ['"'] }],
      ['a scope with a backslash', 'invalid_scopes', { clientAppId: 'client', scopes: ['a\\b'] }],
      ['an empty scope', 'invalid_scopes', { clientAppId: 'client', scopes: ['device', ''] }],
      ['a scope that is not a string', 'invalid_scopes', { clientAppId: 'client', scopes: [42] }],
      ['a non-ASCII scope', 'invalid_scopes', { clientAppId: 'client', scopes: ['gerät'] }],
      ['an unknown field', 'invalid_field', { clientAppId: 'client', scopes: ['device'], admin: true }],
      ['a body that is an array', 'invalid_body', [{ clientAppId: 'client', scopes: ['device'] }]],
      ['a body that is null', 'invalid_body', null],
    ];
    it.each(cases)('%s → 400 %s', async (_name, code, body) => {
      expect(await errorOf(await bind('unbound-device', body))).toEqual({ status: 400, error: code });
      expect(await itemsOf('unbound-device')).toEqual([]);
    });

    it('refuses a device id that is not an identifier with 400 invalid_identifier', async () => {
      expect(await errorOf(await bind('bad%23id', { clientAppId: 'client', scopes: ['device'] }))).toEqual({ status: 400, error: 'invalid_identifier' });
    });

    it('refuses malformed JSON with 400 invalid_json', async () => {
      const response = await idp.request(`${device('unbound-device')}/app`, {
        method: 'POST',
        body: '{"clientAppId":',
        headers: { 'Content-Type': 'application/json' },
      });
      expect(await errorOf(response)).toEqual({ status: 400, error: 'invalid_json' });
      expect(await itemsOf('unbound-device')).toEqual([]);
    });

    it('refuses a non-JSON content type with 415 unsupported_media_type', async () => {
      const body = JSON.stringify({ clientAppId: 'client', scopes: ['device'] });
      for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
        const response = await idp.request(`${device('unbound-device')}/app`, { method: 'POST', body, headers: { 'Content-Type': type } });
        expect(await errorOf(response)).toEqual({ status: 415, error: 'unsupported_media_type' });
      }
      expect(await itemsOf('unbound-device')).toEqual([]);
    });

    it('refuses a JSON body over 16 KiB with 413 payload_too_large', async () => {
      const response = await bind('unbound-device', { clientAppId: 'client', scopes: ['device'], description: 'x'.repeat(17 * 1024) });
      expect(await errorOf(response)).toEqual({ status: 413, error: 'payload_too_large' });
      expect(await itemsOf('unbound-device')).toEqual([]);
    });

    it('accepts every RFC 6749 §3.3 character class in a scope', async () => {
      const scope = `!#[]~${'x'}:/.`;
      const response = await bind('scope-chars', { clientAppId: 'client', scopes: ['device', scope] });
      expect(response.status).toBe(201);
      expect(((await response.json()) as { scopes: string[] }).scopes).toEqual(['device', scope]);
    });
  });

  describe('removal', () => {
    it('deletes a binding: 204, then 404 binding_not_found', async () => {
      const first = await idp.request(`${device('device-id-or-asset-id')}/app/telemetry`, { method: 'DELETE' });
      expect(first.status).toBe(204);
      const again = await idp.request(`${device('device-id-or-asset-id')}/app/telemetry`, { method: 'DELETE' });
      expect(await errorOf(again)).toEqual({ status: 404, error: 'binding_not_found' });
      expect((await itemsOf('device-id-or-asset-id')).map((item) => item.sk)).toEqual(expect.not.arrayContaining(['BINDING#device-id-or-asset-id#telemetry']));
    });

    it('answers 404 device_not_found for bindings of an unknown device', async () => {
      expect(await errorOf(await idp.request(`${device('ghost')}/app/client`, { method: 'DELETE' }))).toEqual({ status: 404, error: 'device_not_found' });
      expect(await errorOf(await idp.request(`${device('ghost')}/app`))).toEqual({ status: 404, error: 'device_not_found' });
    });

    it('deleting a device removes it and all its bindings', async () => {
      expect((await bind('device-id-or-asset-id', { clientAppId: 'extra', scopes: ['device'] })).status).toBe(201);
      expect(await itemsOf('device-id-or-asset-id')).toHaveLength(3);
      const response = await idp.request(device('device-id-or-asset-id'), { method: 'DELETE' });
      expect(response.status).toBe(204);
      expect(await itemsOf('device-id-or-asset-id')).toEqual([]);
      expect(await errorOf(await idp.request(device('device-id-or-asset-id')))).toEqual({ status: 404, error: 'device_not_found' });
      expect(await errorOf(await idp.request(device('device-id-or-asset-id'), { method: 'DELETE' }))).toEqual({ status: 404, error: 'device_not_found' });
    });

    it('leaves other devices alone', async () => {
      expect((await idp.request(device('kiosk-7'))).status).toBe(200);
      expect(await itemsOf('kiosk-7')).toHaveLength(2);
    });
  });
});
