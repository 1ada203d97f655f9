import { requestToken } from '../../support/device-fleet';
import { useTokenPool } from '../../support/token-pool';

/*
 * docs/contract.md §3.3 device lifecycle and the §3.5 `requireCrl` pool setting over
 * HTTP: exact statuses and codes, the stored record, and the effect on the
 * very next token request.
 */
describe('device lifecycle', () => {
  const pool = useTokenPool();
  const devicePath = (deviceId: string) => `/api/internal/org/${pool.env.orgId}/env/${pool.env.envId}/device/${deviceId}`;
  const envPath = () => `/api/internal/org/${pool.env.orgId}/env/${pool.env.envId}`;
  const codeOf = (body: { error_description?: string }) => body.error_description?.split(':')[0];

  async function patch(path: string, json: unknown, apiKey?: string) {
    const response = await pool.idp.request(path, { method: 'PATCH', json, apiKey });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function orgKey(orgId: string): Promise<string> {
    const response = await pool.idp.request(`/api/internal/org/${orgId}/api-keys`, { method: 'POST' });
    return ((await response.json()) as { apiKey: string }).apiKey;
  }

  it('disabling refuses the very next token request with device_disabled and keeps the record and its history; enabling restores it', async () => {
    const device = await pool.boundDevice();
    expect((await requestToken(device, pool.env)).status).toBe(200);
    const before = (await (await pool.idp.request(devicePath(device.deviceId))).json()) as Record<string, unknown>;

    const disabled = await patch(devicePath(device.deviceId), { status: 'disabled' });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toEqual({ ...before, status: 'disabled', updatedAt: expect.any(String) });
    expect(disabled.body).not.toHaveProperty('generation');

    const refused = await requestToken(device, pool.env);
    expect({ status: refused.status, error: refused.body.error, code: codeOf(refused.body) }).toEqual({
      status: 400,
      error: 'invalid_grant',
      code: 'device_disabled',
    });
    const stored = (await (await pool.idp.request(devicePath(device.deviceId))).json()) as Record<string, unknown>;
    expect(stored.provisioning).toEqual(before.provisioning);

    expect((await patch(devicePath(device.deviceId), { status: 'active' })).body).toMatchObject({ status: 'active' });
    expect((await requestToken(device, pool.env)).status).toBe(200);
  });

  it('a business_unit_id tag set by PATCH pins a device that a binding registered: other units refused, its own accepted', async () => {
    const device = await pool.boundDevice({ businessUnit: 'Stores North' });
    expect((await patch(devicePath(device.deviceId), { tags: { business_unit_id: 'Stores South' } })).status).toBe(200);
    const refused = await requestToken(device, pool.env);
    expect({ status: refused.status, code: codeOf(refused.body) }).toEqual({ status: 400, code: 'business_unit_mismatch' });
    expect((await patch(devicePath(device.deviceId), { tags: { business_unit_id: 'Stores North' } })).status).toBe(200);
    expect((await requestToken(device, pool.env)).status).toBe(200);
  });

  it('changes name, description, metadata and tags', async () => {
    const device = await pool.boundDevice({ businessUnit: 'Stores North' });
    const updated = await patch(devicePath(device.deviceId), { name: 'Till 4', description: 'front desk', metadata: { model: 'T4' }, tags: { site: 'A' } });
    expect({
      status: updated.status,
      name: updated.body.name,
      description: updated.body.description,
      metadata: updated.body.metadata,
      tags: updated.body.tags,
      status2: updated.body.status,
    }).toEqual({
      status: 200,
      name: 'Till 4',
      description: 'front desk',
      metadata: { model: 'T4' },
      tags: { site: 'A' },
      status2: 'active',
    });
  });

  it.each([
    ['an unknown status', { status: 'paused' }, 400, 'invalid_field'],
    ['an unknown field', { colour: 'red' }, 400, 'invalid_field'],
    ['nothing to change', {}, 400, 'empty_update'],
    ['a non-object body', ['disabled'], 400, 'invalid_body'],
    ['a tag map with a __proto__-free but invalid key', { tags: { 'bad key': 'x' } }, 400, 'invalid_field'],
  ])('refuses %s with %i %s and changes nothing', async (_what, json, status, code) => {
    const device = await pool.boundDevice();
    const before = await (await pool.idp.request(devicePath(device.deviceId))).json();
    const answer = await patch(devicePath(device.deviceId), json);
    expect({ status: answer.status, error: answer.body.error }).toEqual({ status, error: code });
    expect(await (await pool.idp.request(devicePath(device.deviceId))).json()).toEqual(before);
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses a tags or metadata key named %s with 400 invalid_field, never a 5xx, storing nothing',
    async (name) => {
      const device = await pool.boundDevice();
      const before = await (await pool.idp.request(devicePath(device.deviceId))).json();
      for (const field of ['tags', 'metadata']) {
        // Raw JSON: an object literal would set the prototype instead of a key.
        const response = await pool.idp.request(devicePath(device.deviceId), {
          method: 'PATCH',
          body: `{"${field}": {"${name}": "x", "site": "A"}}`,
          headers: { 'Content-Type': 'application/json' },
        });
        expect({ status: response.status, error: ((await response.json()) as { error: string }).error }).toEqual({ status: 400, error: 'invalid_field' });
      }
      expect(await (await pool.idp.request(devicePath(device.deviceId))).json()).toEqual(before);
    },
  );

  it("refuses malformed JSON (400 invalid_json), an unknown device (404), a missing key (401) and another org's key (403)", async () => {
    const device = await pool.boundDevice();
    const malformed = await pool.idp.request(devicePath(device.deviceId), {
      method: 'PATCH',
      body: '{"status":',
      headers: { 'Content-Type': 'application/json' },
    });
    expect({ status: malformed.status, error: ((await malformed.json()) as { error: string }).error }).toEqual({ status: 400, error: 'invalid_json' });
    expect(await patch(devicePath('no-such-device'), { status: 'disabled' })).toMatchObject({ status: 404, body: { error: 'device_not_found' } });
    expect((await patch(devicePath(device.deviceId), { status: 'disabled' }, null as unknown as string)).status).toBe(401);
    const other = await pool.idp.createEnvironment();
    expect(await patch(devicePath(device.deviceId), { status: 'disabled' }, await orgKey(other.orgId))).toMatchObject({
      status: 403,
      body: { error: 'forbidden' },
    });
    expect(await patch(devicePath(device.deviceId), { status: 'disabled' }, await orgKey(pool.env.orgId))).toMatchObject({
      status: 200,
      body: { status: 'disabled' },
    });
  });

  it('deleting is final: 404 everywhere, the token refused, and a new registration starts without the old history', async () => {
    const device = await pool.boundDevice();
    expect((await requestToken(device, pool.env)).status).toBe(200);
    expect((await pool.idp.request(devicePath(device.deviceId), { method: 'DELETE' })).status).toBe(204);
    expect((await pool.idp.request(devicePath(device.deviceId))).status).toBe(404);
    expect((await pool.idp.request(`${devicePath(device.deviceId)}/app`)).status).toBe(404);
    expect(await patch(devicePath(device.deviceId), { status: 'active' })).toMatchObject({ status: 404, body: { error: 'device_not_found' } });
    const refused = await requestToken(device, pool.env);
    expect({ status: refused.status, code: codeOf(refused.body) }).toEqual({ status: 400, code: 'binding_not_found' });
    expect((await pool.idp.request(devicePath(device.deviceId), { method: 'DELETE' })).status).toBe(404);

    const again = await pool.idp.request(`${devicePath(device.deviceId)}/app`, { method: 'POST', json: { clientAppId: 'client', scopes: ['device'] } });
    expect(again.status).toBe(201);
    const fresh = (await (await pool.idp.request(devicePath(device.deviceId))).json()) as Record<string, unknown>;
    expect({ status: fresh.status, provisioning: fresh.provisioning }).toEqual({ status: 'active', provisioning: undefined });
    expect((await requestToken(device, pool.env)).status).toBe(200);
  });

  describe('requireCrl (PATCH env)', () => {
    it('on: a device whose issuers have no CRL is refused with crl_missing from the very next request; off: accepted again', async () => {
      const device = await pool.boundDevice();
      const on = await patch(envPath(), { requireCrl: true });
      expect({ status: on.status, requireCrl: on.body.requireCrl, clientPoolId: on.body.clientPoolId }).toEqual({
        status: 200,
        requireCrl: true,
        clientPoolId: pool.env.clientPoolId,
      });
      expect((await (await pool.idp.request(envPath())).json()) as Record<string, unknown>).toMatchObject({ requireCrl: true });
      const refused = await requestToken(device, pool.env);
      expect({ status: refused.status, error: refused.body.error, code: codeOf(refused.body) }).toEqual({
        status: 400,
        error: 'invalid_grant',
        code: 'crl_missing',
      });
      expect((await patch(envPath(), { requireCrl: false })).body).toMatchObject({ requireCrl: false });
      expect((await requestToken(device, pool.env)).status).toBe(200);
    });

    it('renames an environment and refuses bad settings, unknown environments and org keys', async () => {
      expect((await patch(envPath(), { name: 'Production EU' })).body).toMatchObject({ name: 'Production EU', requireCrl: false });
      expect(await patch(envPath(), { requireCrl: 'yes' })).toMatchObject({ status: 400, body: { error: 'invalid_field' } });
      expect(await patch(envPath(), {})).toMatchObject({ status: 400, body: { error: 'empty_update' } });
      expect(await patch(envPath(), { colour: 'red' })).toMatchObject({ status: 400, body: { error: 'invalid_field' } });
      expect(await patch(`/api/internal/org/${pool.env.orgId}/env/nope`, { name: 'x' })).toMatchObject({ status: 404, body: { error: 'env_not_found' } });
      expect(await patch(envPath(), { name: 'x' }, await orgKey(pool.env.orgId))).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    });
  });
});
