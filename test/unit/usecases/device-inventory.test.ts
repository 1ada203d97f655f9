import { decodeCursor, encodeCursor, INVENTORY_LIMIT, MAX_CURSOR_LENGTH, parseInventoryQuery } from '../../../src/usecases/device-inventory';
import type { DeviceSummary } from '../../../src/usecases/devices';
import { ACME_KEY, ADMIN, deviceWorld, GLOBEX_KEY, POOLS, PROD } from './device-world';
import { outcomeOf } from './outcome';

/* docs/contract.md §3.3 and docs/api.md "Fleet inventory": pages in device-id byte order, an opaque cursor valid for one environment. */
const code = (run: () => unknown) => outcomeOf(Promise.resolve().then(run));

describe('parseInventoryQuery', () => {
  it('defaults limit to 100 and passes status and cursor on', () => {
    expect(INVENTORY_LIMIT).toEqual({ min: 1, max: 1000, default: 100 });
    expect(parseInventoryQuery({})).toEqual({ limit: 100 });
    expect(parseInventoryQuery({ limit: '1', status: 'disabled', cursor: 'abc' })).toEqual({ limit: 1, status: 'disabled', cursor: 'abc' });
    expect(parseInventoryQuery({ limit: '1000', status: 'active' })).toEqual({ limit: 1000, status: 'active' });
  });

  it.each(['0', '1001', '-1', '1.5', '', ' 10', '10 ', '1e2', '0x10', '99999', 'ten'])('refuses limit %p with invalid_limit', async (limit) => {
    expect(await code(() => parseInventoryQuery({ limit }))).toBe('invalid_limit');
  });

  it.each(['Active', 'all', '', 'enabled'])('refuses status %p with invalid_status', async (status) => {
    expect(await code(() => parseInventoryQuery({ status }))).toBe('invalid_status');
  });
});

describe('inventory cursors', () => {
  it('round-trips a device id within one pool, and does not spell out the pool id', () => {
    const cursor = encodeCursor(POOLS.acmeProd, 'kiosk:7@store.12');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(cursor, 'base64url').toString('utf8')).not.toContain(POOLS.acmeProd);
    expect(decodeCursor(POOLS.acmeProd, cursor)).toBe('kiosk:7@store.12');
  });

  it('accepts a cursor this pool would make for another position (it only moves where the page starts)', () => {
    expect(decodeCursor(POOLS.acmeProd, encodeCursor(POOLS.acmeProd, 'zzz'))).toBe('zzz');
  });

  it.each([
    ['of another pool', () => encodeCursor(POOLS.acmeTest, 'kiosk-7')],
    ['truncated', () => encodeCursor(POOLS.acmeProd, 'kiosk-7').slice(0, -2)],
    ['with one character changed', () => flipLast(encodeCursor(POOLS.acmeProd, 'kiosk-7'))],
    ['padded', () => `${encodeCursor(POOLS.acmeProd, 'kiosk-7')}=`],
    [
      'in standard base64',
      () =>
        Buffer.from(JSON.stringify({ v: 1, p: 'x', after: 'kiosk-7' }))
          .toString('base64')
          .replace(/[^+/=]$/, '+'),
    ],
    ['re-encoded with other JSON spacing', () => reencode(encodeCursor(POOLS.acmeProd, 'kiosk-7'), (json) => JSON.stringify(JSON.parse(json), null, 1))],
    ['naming an id that is not an identifier', () => reencode(encodeCursor(POOLS.acmeProd, 'kiosk-7'), (json) => json.replace('kiosk-7', 'kiosk#7'))],
    ['of JSON null', () => Buffer.from('null').toString('base64url')],
    ['of no JSON', () => Buffer.from('kiosk-7').toString('base64url')],
    ['empty', () => ''],
    ['over the length limit', () => 'A'.repeat(MAX_CURSOR_LENGTH + 1)],
  ])('refuses a cursor %s with invalid_cursor', async (_name, cursor) => {
    expect(await code(() => decodeCursor(POOLS.acmeProd, cursor()))).toBe('invalid_cursor');
  });
});

describe('DeviceService.list', () => {
  const ids = ['a-1', 'B-1', 'a.2', 'a-10', 'a:3', 'Z', '0'];
  /** Byte order of the UTF-8 ids: digits, upper case, then lower case; '-' (0x2d) < '.' (0x2e) < ':' (0x3a). */
  const byteOrder = ['0', 'B-1', 'Z', 'a-1', 'a-10', 'a.2', 'a:3'];

  const fleet = async (deviceIds: readonly string[] = ids) => {
    const world = deviceWorld();
    for (const id of deviceIds) await world.service.register(ADMIN, PROD, { id, tags: { floor: '1' } });
    return world;
  };
  const everyPage = async (list: (cursor?: string) => Promise<{ devices: DeviceSummary[]; nextCursor: string | null }>) => {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await list(cursor);
      pages.push(page.devices.map((device) => device.deviceId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return pages;
  };

  it('lists in device-id byte order, in pages of limit, until nextCursor is null', async () => {
    const { service } = await fleet();
    const pages = await everyPage((cursor) => service.list(ACME_KEY, PROD, { limit: '3', cursor }));
    expect(pages).toEqual([byteOrder.slice(0, 3), byteOrder.slice(3, 6), byteOrder.slice(6)]);
  });

  it('answers nextCursor null when the page holds the last device, also when it is exactly limit long', async () => {
    const { service } = await fleet();
    expect(await service.list(ADMIN, PROD, {})).toMatchObject({ nextCursor: null, devices: expect.any(Array) });
    expect((await service.list(ADMIN, PROD, { limit: '7' })).nextCursor).toBeNull();
    expect((await service.list(ADMIN, PROD, { limit: '6' })).nextCursor).toBe(encodeCursor(POOLS.acmeProd, 'a.2'));
  });

  it('lists each record as GET shows it, without provisioning or storage bookkeeping', async () => {
    const { devices, service, iso } = await fleet(['kiosk-7', 'kiosk-8']);
    const provisioning = { thumbprint: 't', serial: '01', issuer: 'CN=CA', notAfter: iso(), firstSeen: iso(), lastSeen: iso() };
    devices.provision(POOLS.acmeProd, 'kiosk-7', provisioning);
    // A record written before the runtime table existed carries its provisioning itself (src/storage/device-items.ts).
    const key = `${POOLS.acmeProd}|kiosk-8`;
    devices.records.set(key, { ...devices.records.get(key)!, provisioning });
    const { devices: listed } = await service.list(ADMIN, PROD, {});
    expect(listed).toEqual(
      ['kiosk-7', 'kiosk-8'].map((deviceId) => ({
        deviceId,
        orgId: 'acme',
        envId: 'prod',
        tags: { floor: '1' },
        preRegistered: true,
        status: 'active',
        createdAt: iso(),
      })),
    );
    for (const device of listed) for (const hidden of ['provisioning', 'generation', 'revision']) expect(device).not.toHaveProperty(hidden);
  });

  it('filters by status, across pages', async () => {
    const { service } = await fleet();
    for (const id of ['B-1', 'a-10', 'a:3']) await service.update(ADMIN, PROD, id, { status: 'disabled' });
    expect((await everyPage((cursor) => service.list(ADMIN, PROD, { limit: '2', status: 'disabled', cursor }))).flat()).toEqual(['B-1', 'a-10', 'a:3']);
    expect((await everyPage((cursor) => service.list(ADMIN, PROD, { limit: '2', status: 'active', cursor }))).flat()).toEqual(['0', 'Z', 'a-1', 'a.2']);
  });

  it('reads at most 5 × (limit + 1) records per request under a sparse filter: short pages, even empty, with a cursor', async () => {
    const sparse = Array.from({ length: 40 }, (_, i) => `d${String(i).padStart(2, '0')}`);
    const { devices, service } = await fleet(sparse);
    await service.update(ADMIN, PROD, 'd37', { status: 'disabled' });
    const reads: number[] = [];
    const pages = await everyPage(async (cursor) => {
      const before = devices.recordsRead;
      const page = await service.list(ADMIN, PROD, { limit: '2', status: 'disabled', cursor });
      reads.push(devices.recordsRead - before);
      return page;
    });
    expect(pages).toEqual([[], [], ['d37']]);
    expect(reads).toEqual([15, 15, 10]);
  });

  it('shows a device that exists throughout exactly once while others are added and removed between pages', async () => {
    const { service } = await fleet();
    const first = await service.list(ADMIN, PROD, { limit: '3' });
    await service.remove(ADMIN, PROD, 'a-1');
    await service.register(ADMIN, PROD, { id: 'A' }); // sorts before the cursor: not listed by this walk
    await service.register(ADMIN, PROD, { id: 'b' });
    const rest = await everyPage((cursor) => service.list(ADMIN, PROD, { limit: '3', cursor: cursor ?? first.nextCursor! }));
    expect([...first.devices.map((device) => device.deviceId), ...rest.flat()]).toEqual(['0', 'B-1', 'Z', 'a-10', 'a.2', 'a:3', 'b']);
  });

  it('refuses a cursor of another environment with invalid_cursor', async () => {
    const { service } = await fleet();
    const { nextCursor } = await service.list(ADMIN, { orgId: 'acme', envId: 'test' }, { limit: '1' });
    expect(nextCursor).toBeNull();
    const foreign = encodeCursor(POOLS.acmeTest, 'B-1');
    expect(await outcomeOf(service.list(ADMIN, PROD, { cursor: foreign }))).toBe('invalid_cursor');
  });

  it('settles permission first, then the query, then existence, then the cursor', async () => {
    const { directory, devices, service } = await fleet();
    directory.log.calls.length = 0;
    expect(await outcomeOf(service.list(GLOBEX_KEY, PROD, { limit: '0' }))).toBe('forbidden');
    expect(directory.log.calls).toEqual([]);
    expect(await outcomeOf(service.list(ADMIN, { orgId: 'acme', envId: 'staging' }, { limit: '0' }))).toBe('invalid_limit');
    expect(await outcomeOf(service.list(ADMIN, { orgId: 'acme', envId: 'staging' }, { cursor: 'x' }))).toBe('env_not_found');
    expect(await outcomeOf(service.list(ADMIN, { orgId: 'nobody', envId: 'prod' }, {}))).toBe('org_not_found');
    expect(devices.log.of('listDevices')).toEqual([]);
  });
});

function flipLast(cursor: string): string {
  return cursor.slice(0, -1) + (cursor.endsWith('A') ? 'B' : 'A');
}

function reencode(cursor: string, change: (json: string) => string): string {
  return Buffer.from(change(Buffer.from(cursor, 'base64url').toString('utf8')), 'utf8').toString('base64url');
}
