import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { CLAIM_LEASE_MS, DynamoReplayCache } from '../../../src/storage/dynamo-replay-cache';
import { createTestTable, testDocumentClient } from '../../support/emulators';

/* SPEC §6 / RFC 7523 §3 (7): a jti is accepted once per pool until it expires. */
describe('DynamoReplayCache', () => {
  let tableName: string;
  let now = new Date('2030-01-01T00:00:00Z');
  let cache: DynamoReplayCache;
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  const inFiveMinutes = () => seconds(now) + 300;
  const later = (ms: number) => (now = new Date(now.getTime() + ms));

  beforeAll(async () => {
    tableName = await createTestTable();
    cache = new DynamoReplayCache(testDocumentClient(), tableName, () => now);
  });

  it('gives a jti to one attempt; a confirmed jti is refused to every other attempt until it expires', async () => {
    expect(await cache.consume('pool-a', 'jti-1', inFiveMinutes(), 'attempt-1')).toBe(true);
    expect(await cache.consume('pool-a', 'jti-1', inFiveMinutes(), 'attempt-2')).toBe(false);
    expect(await cache.confirm('pool-a', 'jti-1', 'attempt-1')).toBe(true);
    later(CLAIM_LEASE_MS * 10);
    expect(await cache.consume('pool-a', 'jti-1', inFiveMinutes(), 'attempt-3')).toBe(false);
  });

  it('scopes the jti to the pool', async () => {
    expect(await cache.consume('pool-b', 'jti-1', inFiveMinutes(), 'attempt-1')).toBe(true);
  });

  it('stores a hash of the jti with its TTL, never the jti itself', async () => {
    const items = (await testDocumentClient().send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items ?? [];
    expect(JSON.stringify(items)).not.toContain('jti-1');
    expect(items).toHaveLength(2);
    for (const item of items) {
      expect(item).toMatchObject({ pk: expect.stringMatching(/^JTI#pool-[ab]#[0-9a-f]{64}$/), sk: 'JTI', type: 'jti', attemptId: 'attempt-1' });
      expect(typeof item.expiresAt).toBe('number');
    }
  });

  it('an SDK retry of the same attempt (reply lost) recognises its own claim and confirmation', async () => {
    expect(await cache.consume('pool-a', 'jti-retry', inFiveMinutes(), 'attempt-r')).toBe(true);
    expect(await cache.consume('pool-a', 'jti-retry', inFiveMinutes(), 'attempt-r')).toBe(true);
    expect(await cache.confirm('pool-a', 'jti-retry', 'attempt-r')).toBe(true);
    expect(await cache.confirm('pool-a', 'jti-retry', 'attempt-r')).toBe(true);
  });

  it('release lets the same jti be claimed again at once (a request that failed before issuing)', async () => {
    expect(await cache.consume('pool-a', 'jti-released', inFiveMinutes(), 'failed')).toBe(true);
    await cache.release('pool-a', 'jti-released', 'failed');
    expect(await cache.consume('pool-a', 'jti-released', inFiveMinutes(), 'retry')).toBe(true);
    expect(await cache.consume('pool-a', 'jti-released', inFiveMinutes(), 'other')).toBe(false);
  });

  it('release never frees another attempt\'s claim nor a confirmed jti', async () => {
    expect(await cache.consume('pool-a', 'jti-owned', inFiveMinutes(), 'owner')).toBe(true);
    await cache.release('pool-a', 'jti-owned', 'intruder');
    expect(await cache.consume('pool-a', 'jti-owned', inFiveMinutes(), 'intruder')).toBe(false);
    expect(await cache.confirm('pool-a', 'jti-owned', 'owner')).toBe(true);
    await cache.release('pool-a', 'jti-owned', 'owner');
    expect(await cache.consume('pool-a', 'jti-owned', inFiveMinutes(), 'intruder')).toBe(false);
  });

  it('release of an unknown jti is harmless', async () => {
    await expect(cache.release('pool-a', 'never-seen', 'x')).resolves.toBeUndefined();
  });

  it('an unconfirmed claim lapses after its lease, and the lapsed attempt can no longer confirm', async () => {
    expect(await cache.consume('pool-a', 'jti-lapsed', inFiveMinutes(), 'stuck')).toBe(true);
    later(CLAIM_LEASE_MS - 1);
    expect(await cache.consume('pool-a', 'jti-lapsed', inFiveMinutes(), 'early-retry')).toBe(false);
    later(2);
    expect(await cache.consume('pool-a', 'jti-lapsed', inFiveMinutes(), 'retry')).toBe(true);
    expect(await cache.confirm('pool-a', 'jti-lapsed', 'stuck')).toBe(false);
    expect(await cache.confirm('pool-a', 'jti-lapsed', 'retry')).toBe(true);
  });

  it('accepts a jti again once its entry has expired, even before TTL deletes it', async () => {
    const expiresAt = inFiveMinutes();
    expect(await cache.consume('pool-a', 'jti-2', expiresAt, 'a')).toBe(true);
    expect(await cache.confirm('pool-a', 'jti-2', 'a')).toBe(true);
    now = new Date((expiresAt - 1) * 1000);
    expect(await cache.consume('pool-a', 'jti-2', expiresAt, 'b')).toBe(false);
    now = new Date((expiresAt + 1) * 1000);
    expect(await cache.consume('pool-a', 'jti-2', inFiveMinutes(), 'c')).toBe(true);
    expect(await cache.consume('pool-a', 'jti-2', inFiveMinutes(), 'd')).toBe(false);
  });

  it('of 16 concurrent attempts on one jti, exactly one wins', async () => {
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => cache.consume('pool-a', 'burst', inFiveMinutes(), `attempt-${i}`)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('of 16 concurrent attempts through separate cache instances, exactly one wins', async () => {
    const caches = Array.from({ length: 16 }, () => new DynamoReplayCache(testDocumentClient(), tableName, () => now));
    const results = await Promise.all(caches.map((c, i) => c.consume('pool-a', 'burst-2', inFiveMinutes(), `attempt-${i}`)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
