import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Device } from '../../../src/domain/model';
import { DynamoDeviceRepository } from '../../../src/storage/dynamo-device-repository';
import { DynamoIssuanceLedger } from '../../../src/storage/dynamo-issuance-ledger';
import { keys, replayHash, type Tables } from '../../../src/storage/keys';
import type { IssuanceCommit } from '../../../src/usecases/ports';
import { createTestTables, testDocumentClient, testTableClient } from '../../support/emulators';

/*
 * The one write of a token request, against DynamoDB Local: RFC 7523 §3 (7)
 * single use of a jti, provisioning that only refreshes an existing device of
 * the generation the decision read, and the binding unchanged since then
 * (the invariants are argued in src/storage/keys.ts).
 */
describe('DynamoIssuanceLedger', () => {
  const POOL = 'pool-ledger';
  let tables: Tables;
  let now = new Date('2030-01-01T00:00:00Z');
  let ledger: DynamoIssuanceLedger;
  let devices: DynamoDeviceRepository;
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  const newDevice = (deviceId: string): Device => ({
    deviceId,
    orgId: 'acme',
    envId: 'prod',
    preRegistered: false,
    status: 'active',
    createdAt: now.toISOString(),
  });

  async function bound(deviceId: string) {
    const { binding } = await devices.putBinding(POOL, newDevice(deviceId), {
      deviceId,
      clientAppId: 'client',
      scopes: ['device'],
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
    const record = await devices.getDevice(POOL, deviceId);
    return { generation: record?.generation, deviceRevision: record?.revision, revision: binding.revision };
  }

  function commit(
    deviceId: string,
    read: { generation?: string; deviceRevision?: string; revision?: string },
    extra: Partial<IssuanceCommit> = {},
  ): IssuanceCommit {
    return {
      deviceId,
      deviceGeneration: read.generation,
      deviceRevision: read.deviceRevision,
      clientAppId: 'client',
      bindingRevision: read.revision,
      jti: `jti-${deviceId}`,
      jtiExpiresAt: seconds(now) + 360,
      attemptId: `attempt-${deviceId}`,
      provisioning: {
        thumbprint: 'aa',
        serial: '01',
        issuer: 'CN=Intermediate',
        notAfter: '2031-01-01T00:00:00.000Z',
        businessUnit: 'BU',
        lastSeen: now.toISOString(),
      },
      ...extra,
    };
  }

  beforeAll(async () => {
    tables = await createTestTables();
    ledger = new DynamoIssuanceLedger(testTableClient(), tables, () => now);
    devices = new DynamoDeviceRepository(testTableClient(), tables);
  });

  it('commits once: the jti is spent, the device refreshed (firstSeen kept), a second attempt is a replay', async () => {
    const read = await bound('dev-1');
    expect(await ledger.commit(POOL, commit('dev-1', read))).toEqual({ committed: true });
    expect((await devices.getDevice(POOL, 'dev-1'))?.provisioning).toEqual({
      thumbprint: 'aa',
      serial: '01',
      issuer: 'CN=Intermediate',
      notAfter: '2031-01-01T00:00:00.000Z',
      businessUnit: 'BU',
      firstSeen: now.toISOString(),
      lastSeen: now.toISOString(),
    });
    expect(await ledger.commit(POOL, commit('dev-1', read, { attemptId: 'another' }))).toEqual({ committed: false, refusal: 'assertion_replayed' });
  });

  it('recognises an SDK retry of its own commit (same attemptId) as committed', async () => {
    const read = await bound('dev-retry');
    expect(await ledger.commit(POOL, commit('dev-retry', read))).toEqual({ committed: true });
    expect(await ledger.commit(POOL, commit('dev-retry', read))).toEqual({ committed: true });
  });

  it('never creates a device record: a deleted device is refused and stays deleted', async () => {
    const read = await bound('dev-deleted');
    await devices.deleteDevice(POOL, 'dev-deleted');
    expect(await ledger.commit(POOL, commit('dev-deleted', read))).toEqual({ committed: false, refusal: 'binding_not_found' });
    const raw = await testDocumentClient().send(new GetCommand({ TableName: tables.config, Key: keys.device(POOL, 'dev-deleted'), ConsistentRead: true }));
    expect(raw.Item).toBeUndefined();
    // The jti was not spent: nothing of the transaction was written.
    const jti = await testDocumentClient().send(
      new ScanCommand({
        TableName: tables.runtime,
        ConsistentRead: true,
        FilterExpression: 'attemptId = :a',
        ExpressionAttributeValues: { ':a': 'attempt-dev-deleted' },
      }),
    );
    expect(jti.Items).toEqual([]);
  });

  it('refuses a device re-created after the read (another generation) as binding_not_found', async () => {
    const read = await bound('dev-reborn');
    await devices.deleteDevice(POOL, 'dev-reborn');
    await bound('dev-reborn');
    expect(await ledger.commit(POOL, commit('dev-reborn', read))).toEqual({ committed: false, refusal: 'binding_not_found' });
    expect((await devices.getDevice(POOL, 'dev-reborn'))?.provisioning).toBeUndefined();
  });

  it('refuses a disabled device; once enabled, the decision read before is stale (the record changed) and a fresh one commits', async () => {
    const read = await bound('dev-disabled');
    await devices.updateDevice(POOL, 'dev-disabled', { status: 'disabled' }, now.toISOString());
    expect(await ledger.commit(POOL, commit('dev-disabled', read))).toEqual({ committed: false, refusal: 'device_disabled' });
    const enabled = await devices.updateDevice(POOL, 'dev-disabled', { status: 'active' }, now.toISOString());
    expect(await ledger.commit(POOL, commit('dev-disabled', read))).toEqual({ committed: false, stale: true });
    expect(await ledger.commit(POOL, commit('dev-disabled', { ...read, deviceRevision: enabled?.revision }))).toEqual({ committed: true });
  });

  it('reports a decision as stale when the device record was changed (a PATCH of its tags) after the read', async () => {
    const read = await bound('dev-patched');
    await devices.updateDevice(POOL, 'dev-patched', { tags: { business_unit_id: 'Other Unit' } }, now.toISOString());
    expect(await ledger.commit(POOL, commit('dev-patched', read))).toEqual({ committed: false, stale: true });
  });

  it('refuses a removed binding (binding_not_found) and reports a rewritten one as stale', async () => {
    const read = await bound('dev-binding');
    await devices.deleteBinding(POOL, 'dev-binding', 'client');
    expect(await ledger.commit(POOL, commit('dev-binding', read))).toEqual({ committed: false, refusal: 'binding_not_found' });
    const again = await bound('dev-binding');
    await bound('dev-binding');
    expect(await ledger.commit(POOL, commit('dev-binding', again, { jti: 'jti-2' }))).toEqual({ committed: false, stale: true });
  });

  it('never moves lastSeen backwards: an older request still spends its jti', async () => {
    const read = await bound('dev-order');
    const later = new Date(now.getTime() + 60_000).toISOString();
    const base = commit('dev-order', read);
    expect(await ledger.commit(POOL, { ...base, jti: 'newer', provisioning: { ...base.provisioning, lastSeen: later, thumbprint: 'new' } })).toEqual({
      committed: true,
    });
    expect(await ledger.commit(POOL, { ...base, jti: 'older', provisioning: { ...base.provisioning, thumbprint: 'old' } })).toEqual({ committed: true });
    expect((await devices.getDevice(POOL, 'dev-order'))?.provisioning).toMatchObject({ lastSeen: later, thumbprint: 'new' });
    expect(await ledger.commit(POOL, { ...base, jti: 'older', attemptId: 'x' })).toEqual({ committed: false, refusal: 'assertion_replayed' });
  });

  it('stores only a hash of the jti, with its TTL, scoped to the pool', async () => {
    const items =
      (
        await testDocumentClient().send(
          new ScanCommand({
            TableName: tables.runtime,
            ConsistentRead: true,
            FilterExpression: '#t = :jti',
            ExpressionAttributeNames: { '#t': 'type' },
            ExpressionAttributeValues: { ':jti': 'jti' },
          }),
        )
      ).Items ?? [];
    expect(items.length).toBeGreaterThan(0);
    expect(JSON.stringify(items)).not.toContain('jti-dev-1');
    for (const item of items) {
      expect(item).toMatchObject({ pk: expect.stringMatching(/^JTI#pool-ledger#[0-9a-f]{64}$/), sk: 'JTI', type: 'jti' });
      expect(typeof item.expiresAt).toBe('number');
    }
  });

  it('accepts a jti again once its entry has expired, even before TTL deletes it', async () => {
    const read = await bound('dev-expiry');
    const expiresAt = seconds(now) + 10;
    expect(await ledger.commit(POOL, commit('dev-expiry', read, { jtiExpiresAt: expiresAt }))).toEqual({ committed: true });
    const clock = now;
    now = new Date((expiresAt + 1) * 1000);
    expect(
      await ledger.commit(
        POOL,
        commit('dev-expiry', read, { attemptId: 'late', provisioning: { ...commit('dev-expiry', read).provisioning, lastSeen: now.toISOString() } }),
      ),
    ).toEqual({ committed: true });
    now = clock;
  });

  it("keeps replay per device: two devices may use the same jti, and neither can spend the other's", async () => {
    const [a, b] = [await bound('dev-share-a'), await bound('dev-share-b')];
    expect(await ledger.commit(POOL, commit('dev-share-a', a, { jti: 'shared-jti', attemptId: 'a' }))).toEqual({ committed: true });
    expect(await ledger.commit(POOL, commit('dev-share-b', b, { jti: 'shared-jti', attemptId: 'b' }))).toEqual({ committed: true });
    expect(await ledger.commit(POOL, commit('dev-share-a', a, { jti: 'shared-jti', attemptId: 'a2' }))).toEqual({
      committed: false,
      refusal: 'assertion_replayed',
    });
  });

  it('hashes the exact form of the jti: strings that differ only in lone surrogates or framing never collide', async () => {
    expect(replayHash('d', '\ud800')).not.toBe(replayHash('d', '\udc00'));
    expect(replayHash('d', '\ud800')).not.toBe(replayHash('d', '\ufffd'));
    expect(replayHash('a', 'b#c')).not.toBe(replayHash('a#b', 'c'));
    const read = await bound('dev-surrogate');
    expect(await ledger.commit(POOL, commit('dev-surrogate', read, { jti: '\ud800', attemptId: 's1' }))).toEqual({ committed: true });
    expect(await ledger.commit(POOL, commit('dev-surrogate', read, { jti: '\udc00', attemptId: 's2' }))).toEqual({ committed: true });
    expect(await ledger.commit(POOL, commit('dev-surrogate', read, { jti: '\ud800', attemptId: 's3' }))).toEqual({
      committed: false,
      refusal: 'assertion_replayed',
    });
  });

  it('writes only the runtime table: the configuration items are exactly as before the commit', async () => {
    const read = await bound('dev-runtime-only');
    const scanConfig = async () => (await testDocumentClient().send(new ScanCommand({ TableName: tables.config, ConsistentRead: true }))).Items;
    const before = await scanConfig();
    expect(await ledger.commit(POOL, commit('dev-runtime-only', read))).toEqual({ committed: true });
    expect(await scanConfig()).toEqual(before);
    const state = await testDocumentClient().send(
      new GetCommand({ TableName: tables.runtime, Key: keys.provisioning(POOL, 'dev-runtime-only', read.generation), ConsistentRead: true }),
    );
    expect(state.Item).toMatchObject({ type: 'provisioning', certThumbprint: 'aa', lastSeen: now.toISOString() });
  });

  it('of 16 concurrent commits of one jti through separate ledgers, exactly one wins, every round', async () => {
    const read = await bound('dev-burst');
    for (let round = 0; round < 10; round++) {
      const ledgers = Array.from({ length: 16 }, () => new DynamoIssuanceLedger(testTableClient(), tables, () => now));
      const outcomes = await Promise.all(
        ledgers.map((l, i) => l.commit(POOL, commit('dev-burst', read, { jti: `burst-${round}`, attemptId: `a-${round}-${i}` }))),
      );
      expect(outcomes.filter((o) => o.committed)).toHaveLength(1);
      expect(outcomes.filter((o) => !o.committed)).toEqual(Array(15).fill({ committed: false, refusal: 'assertion_replayed' }));
    }
  });
});
