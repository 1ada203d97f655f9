import type { Binding } from '../../../src/domain/model';
import { ACME_KEY, ADMIN, deviceWorld, GLOBEX_KEY, POOLS, PROD } from './device-world';
import { outcomeOf } from './outcome';

/* docs/contract.md §3.2: a binding (device, clientAppId) → scopes; writing one creates the device record when there is none. */
describe('DeviceService: bindings', () => {
  it('binds an unknown device: 201, the device record created (not pre-registered), the binding tied to its generation', async () => {
    const { devices, service, iso } = deviceWorld();
    const result = await service.putBinding(ACME_KEY, PROD, 'kiosk-7', { clientAppId: 'client', scopes: ['device', 'read'], name: 'Till app' });
    expect(result).toEqual({
      created: true,
      binding: { deviceId: 'kiosk-7', clientAppId: 'client', scopes: ['device', 'read'], name: 'Till app', createdAt: iso(), updatedAt: iso() },
    });
    expect(result.binding).not.toHaveProperty('deviceGeneration');
    expect(result.binding).not.toHaveProperty('revision');
    const record = devices.record(POOLS.acmeProd, 'kiosk-7');
    expect(record).toMatchObject({ deviceId: 'kiosk-7', orgId: 'acme', envId: 'prod', preRegistered: false, status: 'active', createdAt: iso() });
    expect(devices.bindings.get(`${POOLS.acmeProd}|kiosk-7|client`)).toMatchObject({ deviceGeneration: record?.generation, revision: expect.any(String) });
  });

  it('replaces a binding: 200, scopes replaced, createdAt kept, updatedAt and revision new; repeated scopes dropped', async () => {
    const { devices, service, at, iso } = deviceWorld();
    await service.putBinding(ADMIN, PROD, 'kiosk-7', { clientAppId: 'client', scopes: ['device'] });
    const first = devices.bindings.get(`${POOLS.acmeProd}|kiosk-7|client`)!;
    at(60_000);
    const result = await service.putBinding(ADMIN, PROD, 'kiosk-7', { clientAppId: 'client', scopes: ['device', 'read', 'device'] });
    expect(result).toEqual({
      created: false,
      binding: { deviceId: 'kiosk-7', clientAppId: 'client', scopes: ['device', 'read'], createdAt: iso(), updatedAt: iso(60_000) },
    });
    const second = devices.bindings.get(`${POOLS.acmeProd}|kiosk-7|client`)!;
    expect(second.revision).not.toBe(first.revision);
    expect(second.deviceGeneration).toBe(first.deviceGeneration);
  });

  it('keeps a pre-registered device as it was when binding it', async () => {
    const { devices, service } = deviceWorld();
    await service.register(ADMIN, PROD, { id: 'kiosk-7', name: 'Kiosk' });
    const registered = devices.record(POOLS.acmeProd, 'kiosk-7');
    await service.putBinding(ADMIN, PROD, 'kiosk-7', { clientAppId: 'client', scopes: ['device'] });
    expect(devices.record(POOLS.acmeProd, 'kiosk-7')).toEqual(registered);
  });

  it.each([
    ['no scopes', 'invalid_scopes', { clientAppId: 'client', scopes: [] }],
    ['scopes as a string', 'invalid_scopes', { clientAppId: 'client', scopes: 'device' }],
    ['a scope with a space', 'invalid_scopes', { clientAppId: 'client', scopes: ['device read'] }],
    ['a scope with a quote', 'invalid_scopes', { clientAppId: 'client', scopes: ['dev"ice'] }],
    ['51 scopes', 'invalid_scopes', { clientAppId: 'client', scopes: Array.from({ length: 51 }, (_, i) => `s${i}`) }],
    ['no clientAppId', 'invalid_identifier', { scopes: ['device'] }],
    ['an unknown field', 'invalid_field', { clientAppId: 'client', scopes: ['device'], expires: 1 }],
  ])('refuses %s with %s, creating neither binding nor device', async (_name, code, body) => {
    const { devices, service } = deviceWorld();
    expect(await outcomeOf(service.putBinding(ADMIN, PROD, 'kiosk-7', body))).toBe(code);
    expect(devices.records.size).toBe(0);
    expect(devices.bindings.size).toBe(0);
  });

  it('lists the live bindings of a device in clientAppId order, without storage bookkeeping', async () => {
    const { service, iso } = deviceWorld();
    for (const clientAppId of ['pos', 'Admin', 'client']) await service.putBinding(ADMIN, PROD, 'kiosk-7', { clientAppId, scopes: ['device'] });
    const listed = await service.listBindings(ACME_KEY, PROD, 'kiosk-7');
    expect(listed.map((binding) => binding.clientAppId)).toEqual(['Admin', 'client', 'pos']);
    expect(listed[0]).toEqual({ deviceId: 'kiosk-7', clientAppId: 'Admin', scopes: ['device'], createdAt: iso(), updatedAt: iso() });
  });

  it('answers device_not_found when listing the bindings of an unknown device', async () => {
    const { service } = deviceWorld();
    expect(await outcomeOf(service.listBindings(ADMIN, PROD, 'kiosk-7'))).toBe('device_not_found');
  });

  it('removes a binding (204), then binding_not_found; device_not_found when the device itself is unknown', async () => {
    const { devices, service } = deviceWorld();
    await service.putBinding(ADMIN, PROD, 'kiosk-7', { clientAppId: 'client', scopes: ['device'] });
    await service.removeBinding(ACME_KEY, PROD, 'kiosk-7', 'client');
    expect(devices.bindings.size).toBe(0);
    expect(devices.records.size).toBe(1); // the device stays
    expect(await outcomeOf(service.removeBinding(ADMIN, PROD, 'kiosk-7', 'client'))).toBe('binding_not_found');
    expect(await outcomeOf(service.removeBinding(ADMIN, PROD, 'kiosk-8', 'client'))).toBe('device_not_found');
    expect(await outcomeOf(service.removeBinding(ADMIN, PROD, 'kiosk-7', 'cli/ent'))).toBe('invalid_identifier');
  });

  it('treats a binding left by a deleted incarnation of the device as gone: not listed, not removable, re-created as new', async () => {
    const { devices, service, iso, at } = deviceWorld();
    await service.register(ADMIN, PROD, { id: 'kiosk-7' });
    // What a failed sweep after a DELETE leaves behind (src/storage/keys.ts): a binding naming an older generation.
    const dead: Binding = {
      deviceId: 'kiosk-7',
      clientAppId: 'client',
      scopes: ['device'],
      createdAt: '2029-01-01T00:00:00.000Z',
      updatedAt: '2029-01-01T00:00:00.000Z',
      deviceGeneration: 'an-older-generation',
      revision: 'r1',
    };
    devices.bindings.set(`${POOLS.acmeProd}|kiosk-7|client`, dead);
    expect(await service.listBindings(ADMIN, PROD, 'kiosk-7')).toEqual([]);
    expect(await outcomeOf(service.removeBinding(ADMIN, PROD, 'kiosk-7', 'client'))).toBe('binding_not_found');
    at(1000);
    const rebound = await service.putBinding(ADMIN, PROD, 'kiosk-7', { clientAppId: 'client', scopes: ['device'] });
    expect(rebound).toMatchObject({ created: true, binding: { createdAt: iso(1000) } });
  });

  it('refuses another organisation key on every binding route with forbidden, changing nothing', async () => {
    const { devices, service } = deviceWorld();
    await service.putBinding(ADMIN, PROD, 'kiosk-7', { clientAppId: 'client', scopes: ['device'] });
    const before = structuredClone([...devices.bindings.entries()]);
    expect(await outcomeOf(service.putBinding(GLOBEX_KEY, PROD, 'kiosk-7', { clientAppId: 'client', scopes: ['admin'] }))).toBe('forbidden');
    expect(await outcomeOf(service.listBindings(GLOBEX_KEY, PROD, 'kiosk-7'))).toBe('forbidden');
    expect(await outcomeOf(service.removeBinding(GLOBEX_KEY, PROD, 'kiosk-7', 'client'))).toBe('forbidden');
    expect([...devices.bindings.entries()]).toEqual(before);
  });
});
