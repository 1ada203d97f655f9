import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoReplayCache } from '../../../src/storage/dynamo-replay-cache';
import { createTestTable, testDocumentClient } from '../../support/emulators';

/* SPEC §6 / RFC 7523 §3 (7): a jti is accepted once per pool until it expires. */
describe('DynamoReplayCache', () => {
  let tableName: string;
  let now = new Date('2030-01-01T00:00:00Z');
  let cache: DynamoReplayCache;
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  const inFiveMinutes = () => seconds(now) + 300;

  beforeAll(async () => {
    tableName = await createTestTable();
    cache = new DynamoReplayCache(testDocumentClient(), tableName, () => now);
  });

  it('accepts a jti the first time and refuses it the second', async () => {
    expect(await cache.consume('pool-a', 'jti-1', inFiveMinutes())).toBe(true);
    expect(await cache.consume('pool-a', 'jti-1', inFiveMinutes())).toBe(false);
  });

  it('scopes the jti to the pool', async () => {
    expect(await cache.consume('pool-b', 'jti-1', inFiveMinutes())).toBe(true);
  });

  it('stores a hash of the jti with its TTL, never the jti itself', async () => {
    const items = (await testDocumentClient().send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items ?? [];
    expect(JSON.stringify(items)).not.toContain('jti-1');
    expect(items).toHaveLength(2);
    for (const item of items) {
      expect(item).toEqual({ pk: expect.stringMatching(/^JTI#pool-[ab]#[0-9a-f]{64}$/), sk: 'JTI', type: 'jti', expiresAt: inFiveMinutes() });
    }
  });

  it('release lets the same jti be consumed again (a request that failed before issuing)', async () => {
    await cache.release('pool-a', 'jti-1');
    expect(await cache.consume('pool-a', 'jti-1', inFiveMinutes())).toBe(true);
    expect(await cache.consume('pool-a', 'jti-1', inFiveMinutes())).toBe(false);
  });

  it('release of an unknown jti is harmless', async () => {
    await expect(cache.release('pool-a', 'never-seen')).resolves.toBeUndefined();
  });

  it('accepts a jti again once its entry has expired, even before TTL deletes it', async () => {
    const expiresAt = inFiveMinutes();
    expect(await cache.consume('pool-a', 'jti-2', expiresAt)).toBe(true);
    now = new Date((expiresAt - 1) * 1000);
    expect(await cache.consume('pool-a', 'jti-2', expiresAt)).toBe(false);
    now = new Date((expiresAt + 1) * 1000);
    expect(await cache.consume('pool-a', 'jti-2', inFiveMinutes())).toBe(true);
    expect(await cache.consume('pool-a', 'jti-2', inFiveMinutes())).toBe(false);
  });

  it('of 16 concurrent consumers of one jti, exactly one wins', async () => {
    const results = await Promise.all(Array.from({ length: 16 }, () => cache.consume('pool-a', 'burst', inFiveMinutes())));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('of 16 concurrent consumers of one jti through separate cache instances, exactly one wins', async () => {
    const caches = Array.from({ length: 16 }, () => new DynamoReplayCache(testDocumentClient(), tableName, () => now));
    const results = await Promise.all(caches.map((c) => c.consume('pool-a', 'burst-2', inFiveMinutes())));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
