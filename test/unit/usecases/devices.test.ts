import { ACME_KEY, ADMIN, deviceWorld, GLOBEX_KEY, POOLS, PROD } from './device-world';
import { outcomeOf } from './outcome';

/* docs/contract.md §3.2 pre-registration and §3.3 lifecycle: register, read, PATCH and delete a device, with the stored record checked. */
const PROVISIONING = {
  thumbprint: 'a'.repeat(64),
  serial: '01ab',
  issuer: 'CN=Test Intermediate CA',
  notAfter: '2031-01-01T00:00:00.000Z',
  businessUnit: 'Store 12',
  firstSeen: '2030-06-01T00:00:00.000Z',
  lastSeen: '2030-06-10T00:00:00.000Z',
};

describe('DeviceService: register and read', () => {
  it('pre-registers a device: active, preRegistered, a generation stored but never shown', async () => {
    const { devices, service, iso } = deviceWorld();
    const body = { id: 'kiosk-7', name: 'Kiosk 7', description: 'by the door', metadata: { model: 'K2' }, tags: { business_unit_id: 'Store 12' } };
    const view = await service.register(ACME_KEY, PROD, body);
    expect(view).toEqual({
      deviceId: 'kiosk-7',
      orgId: 'acme',
      envId: 'prod',
      name: 'Kiosk 7',
      description: 'by the door',
      metadata: { model: 'K2' },
      tags: { business_unit_id: 'Store 12' },
      preRegistered: true,
      status: 'active',
      createdAt: iso(),
    });
    expect(view).not.toHaveProperty('generation');
    expect(view).not.toHaveProperty('revision');
    expect(devices.record(POOLS.acmeProd, 'kiosk-7')).toEqual({ ...view, generation: expect.stringMatching(/^[0-9a-f-]{36}$/), revision: expect.any(String) });
    expect(await service.get(ADMIN, PROD, 'kiosk-7')).toEqual(view);
  });

  it('refuses a second device of the same id with device_exists, keeping the first record as it was', async () => {
    const { devices, service } = deviceWorld();
    await service.register(ADMIN, PROD, { id: 'kiosk-7', name: 'First' });
    const stored = devices.record(POOLS.acmeProd, 'kiosk-7');
    expect(await outcomeOf(service.register(ADMIN, PROD, { id: 'kiosk-7', name: 'Second' }))).toBe('device_exists');
    expect(devices.record(POOLS.acmeProd, 'kiosk-7')).toEqual(stored);
  });

  it('keeps environments apart: the same id in another environment is another device', async () => {
    const { devices, service } = deviceWorld();
    await service.register(ADMIN, PROD, { id: 'kiosk-7' });
    await service.register(ADMIN, { orgId: 'acme', envId: 'test' }, { id: 'kiosk-7' });
    expect(devices.record(POOLS.acmeTest, 'kiosk-7')?.generation).not.toBe(devices.record(POOLS.acmeProd, 'kiosk-7')?.generation);
    expect(await outcomeOf(service.get(ADMIN, { orgId: 'globex', envId: 'prod' }, 'kiosk-7'))).toBe('device_not_found');
  });

  it('shows the provisioning state the token path recorded for the current generation', async () => {
    const { devices, service } = deviceWorld();
    await service.register(ADMIN, PROD, { id: 'kiosk-7' });
    devices.provision(POOLS.acmeProd, 'kiosk-7', PROVISIONING);
    expect((await service.get(ACME_KEY, PROD, 'kiosk-7')).provisioning).toEqual(PROVISIONING);
  });

  it('settles permission before existence: another organisation key gets forbidden, reading nothing', async () => {
    const { directory, devices, service } = deviceWorld();
    directory.log.calls.length = 0;
    expect(await outcomeOf(service.register(GLOBEX_KEY, PROD, { id: 'kiosk-7' }))).toBe('forbidden');
    expect(await outcomeOf(service.get(GLOBEX_KEY, { orgId: 'acme', envId: 'nowhere' }, 'kiosk-7'))).toBe('forbidden');
    expect([...directory.log.calls, ...devices.log.calls]).toEqual([]);
  });

  it('names what is missing: org_not_found, env_not_found, device_not_found; a malformed id is invalid_identifier', async () => {
    const { service } = deviceWorld();
    expect(await outcomeOf(service.register(ADMIN, { orgId: 'nobody', envId: 'prod' }, { id: 'kiosk-7' }))).toBe('org_not_found');
    expect(await outcomeOf(service.register(ADMIN, { orgId: 'acme', envId: 'staging' }, { id: 'kiosk-7' }))).toBe('env_not_found');
    expect(await outcomeOf(service.get(ADMIN, PROD, 'kiosk-7'))).toBe('device_not_found');
    expect(await outcomeOf(service.get(ADMIN, PROD, 'kiosk#7'))).toBe('invalid_identifier');
  });

  it.each([
    ['an unknown field', 'invalid_field', { id: 'kiosk-7', status: 'disabled' }],
    ['an id with a slash', 'invalid_identifier', { id: 'kiosk/7' }],
    ['an id of 129 characters', 'invalid_identifier', { id: 'k'.repeat(129) }],
    ['a __proto__ metadata key', 'invalid_field', { id: 'kiosk-7', metadata: JSON.parse('{"__proto__": "x"}') }],
    ['a constructor tag', 'invalid_field', { id: 'kiosk-7', tags: { constructor: 'x' } }],
    ['a tag value that is not a string', 'invalid_field', { id: 'kiosk-7', tags: { floor: 2 } }],
    ['51 metadata entries', 'invalid_field', { id: 'kiosk-7', metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }],
    ['metadata as an array', 'invalid_field', { id: 'kiosk-7', metadata: ['a'] }],
    ['a name over 1024 characters', 'invalid_field', { id: 'kiosk-7', name: 'n'.repeat(1025) }],
  ])('refuses %s with %s and stores nothing', async (_name, code, body) => {
    const { devices, service } = deviceWorld();
    expect(await outcomeOf(service.register(ADMIN, PROD, body))).toBe(code);
    expect(devices.records.size).toBe(0);
  });
});

describe('DeviceService: PATCH and DELETE', () => {
  it('disables a device: status and updatedAt written, a new revision, the same generation, history kept', async () => {
    const { devices, service, at, iso } = deviceWorld();
    await service.register(ADMIN, PROD, { id: 'kiosk-7', tags: { business_unit_id: 'Store 12' } });
    devices.provision(POOLS.acmeProd, 'kiosk-7', PROVISIONING);
    const before = devices.record(POOLS.acmeProd, 'kiosk-7')!;
    at(60_000);
    const updated = await service.update(ACME_KEY, PROD, 'kiosk-7', { status: 'disabled' });
    expect(updated).toMatchObject({ status: 'disabled', updatedAt: iso(60_000), tags: { business_unit_id: 'Store 12' }, provisioning: PROVISIONING });
    expect(updated).not.toHaveProperty('generation');
    const after = devices.record(POOLS.acmeProd, 'kiosk-7')!;
    expect(after).toMatchObject({ status: 'disabled', generation: before.generation });
    expect(after.revision).not.toBe(before.revision);
    expect((await service.update(ADMIN, PROD, 'kiosk-7', { status: 'active' })).status).toBe('active');
  });

  it('replaces the maps it is given and leaves the other fields as they are', async () => {
    const { service } = deviceWorld();
    await service.register(ADMIN, PROD, { id: 'kiosk-7', name: 'Kiosk', tags: { a: '1', b: '2' }, metadata: { m: 'x' } });
    const updated = await service.update(ADMIN, PROD, 'kiosk-7', { tags: { c: '3' } });
    expect(updated).toMatchObject({ name: 'Kiosk', tags: { c: '3' }, metadata: { m: 'x' } });
    expect(updated.tags).toEqual({ c: '3' });
  });

  it.each([
    ['an empty body', 'empty_update', {}],
    ['an unknown status', 'invalid_field', { status: 'paused' }],
    ['a field PATCH cannot change', 'invalid_field', { preRegistered: false }],
    ['a body that is not an object', 'invalid_body', null],
  ])('refuses %s with %s and writes nothing', async (_name, code, body) => {
    const { devices, service } = deviceWorld();
    await service.register(ADMIN, PROD, { id: 'kiosk-7' });
    expect(await outcomeOf(service.update(ADMIN, PROD, 'kiosk-7', body))).toBe(code);
    expect(devices.log.of('updateDevice')).toEqual([]);
  });

  it('answers device_not_found for a PATCH of an unknown device and creates no record', async () => {
    const { devices, service } = deviceWorld();
    expect(await outcomeOf(service.update(ADMIN, PROD, 'kiosk-7', { status: 'disabled' }))).toBe('device_not_found');
    expect(devices.records.size).toBe(0);
  });

  it('deletes the record, its bindings and its history; a device registered again starts afresh', async () => {
    const { devices, service } = deviceWorld();
    await service.register(ADMIN, PROD, { id: 'kiosk-7' });
    await service.putBinding(ADMIN, PROD, 'kiosk-7', { clientAppId: 'client', scopes: ['device'] });
    devices.provision(POOLS.acmeProd, 'kiosk-7', PROVISIONING);
    await service.remove(ACME_KEY, PROD, 'kiosk-7');
    expect(devices.records.size).toBe(0);
    expect(devices.bindings.size).toBe(0);
    expect(devices.provisioning.size).toBe(0);
    expect(await outcomeOf(service.get(ADMIN, PROD, 'kiosk-7'))).toBe('device_not_found');
    expect(await outcomeOf(service.remove(ADMIN, PROD, 'kiosk-7'))).toBe('device_not_found');
    await service.register(ADMIN, PROD, { id: 'kiosk-7' });
    expect(await service.get(ADMIN, PROD, 'kiosk-7')).not.toHaveProperty('provisioning');
    expect(await service.listBindings(ADMIN, PROD, 'kiosk-7')).toEqual([]);
  });

  it('refuses PATCH and DELETE by another organisation key with forbidden, changing nothing', async () => {
    const { devices, service } = deviceWorld();
    await service.register(ADMIN, PROD, { id: 'kiosk-7' });
    expect(await outcomeOf(service.update(GLOBEX_KEY, PROD, 'kiosk-7', { status: 'disabled' }))).toBe('forbidden');
    expect(await outcomeOf(service.remove(GLOBEX_KEY, PROD, 'kiosk-7'))).toBe('forbidden');
    expect(devices.record(POOLS.acmeProd, 'kiosk-7')?.status).toBe('active');
  });
});
