import { generateApiKey } from '../../../src/domain/api-key-format';
import { DependencyError, DomainError } from '../../../src/errors';
import { ApiKeyAuthenticator, LAST_USED_GRANULARITY_MS } from '../../../src/usecases/authenticate';
import type { ApiKeyLookup, ApiKeySummary, StoredApiKey } from '../../../src/usecases/ports';

const T0 = Date.parse('2030-01-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** The repository's contract in memory: reads count, recordUse applies the same staleness condition. */
class InMemoryKeys implements ApiKeyLookup {
  readonly records = new Map<string, StoredApiKey>();
  readonly reads: string[] = [];
  readonly uses: Array<{ key: ApiKeySummary; usedAt: string; staleBefore: string }> = [];
  failure?: Error;

  async findApiKey(keyId: string) {
    this.reads.push(keyId);
    const record = this.records.get(keyId);
    return record && { ...record };
  }

  async recordUse(key: ApiKeySummary, usedAt: string, staleBefore: string) {
    this.uses.push({ key, usedAt, staleBefore });
    if (this.failure) throw this.failure;
    const record = this.records.get(key.keyId);
    if (!record || record.orgId !== key.orgId || (record.lastUsedAt !== undefined && record.lastUsedAt >= staleBefore)) return false;
    record.lastUsedAt = usedAt;
    return true;
  }
}

describe('ApiKeyAuthenticator: lastUsedAt, written at most once per granularity', () => {
  let now: number;
  let keys: InMemoryKeys;
  let authenticator: ApiKeyAuthenticator;
  let apiKey: string;
  let keyId: string;

  beforeEach(() => {
    now = T0;
    keys = new InMemoryKeys();
    authenticator = new ApiKeyAuthenticator(
      async () => ({ current: 'the-admin-key' }),
      keys,
      () => new Date(now),
    );
    const generated = generateApiKey();
    ({ apiKey, keyId } = generated);
    keys.records.set(keyId, { keyId, orgId: 'acme', secretHash: generated.secretHash, createdAt: '2029-12-01T00:00:00.000Z' });
  });

  it('is 5 minutes', () => {
    expect(LAST_USED_GRANULARITY_MS).toBe(300_000);
  });

  it('records the first use of a key that has no lastUsedAt, with the staleness bound, and never passes the hash on', async () => {
    expect(await authenticator.authenticate(apiKey)).toEqual({ kind: 'org', orgId: 'acme', keyId });
    expect(keys.uses).toEqual([{ key: { keyId, orgId: 'acme', createdAt: '2029-12-01T00:00:00.000Z' }, usedAt: iso(T0), staleBefore: iso(T0 - 300_000) }]);
    expect(keys.records.get(keyId)?.lastUsedAt).toBe(iso(T0));
  });

  it('writes nothing for uses up to and including exactly 5 minutes later, then writes once', async () => {
    await authenticator.authenticate(apiKey);
    for (const offset of [1, 60_000, 299_999, 300_000]) {
      now = T0 + offset;
      await authenticator.authenticate(apiKey);
    }
    expect(keys.uses).toHaveLength(1);
    now = T0 + 300_001;
    await authenticator.authenticate(apiKey);
    now = T0 + 300_002;
    await authenticator.authenticate(apiKey);
    expect(keys.uses.map((use) => use.usedAt)).toEqual([iso(T0), iso(T0 + 300_001)]);
    expect(keys.records.get(keyId)?.lastUsedAt).toBe(iso(T0 + 300_001));
  });

  it('reads the record on every request (no caching), so a revoked key fails the very next one', async () => {
    await authenticator.authenticate(apiKey);
    await authenticator.authenticate(apiKey);
    expect(keys.reads).toEqual([keyId, keyId]);
    keys.records.delete(keyId);
    await expect(authenticator.authenticate(apiKey)).rejects.toMatchObject({ code: 'invalid_api_key' });
    expect(keys.reads).toEqual([keyId, keyId, keyId]);
  });

  it('writes nothing when the stored lastUsedAt is ahead of this clock (another container, skewed)', async () => {
    keys.records.get(keyId)!.lastUsedAt = iso(T0 + 60_000);
    await authenticator.authenticate(apiKey);
    expect(keys.uses).toEqual([]);
  });

  it.each([
    ['a dependency failure', new DependencyError('dynamodb', new Error('down'))],
    ['a domain error', new DomainError('forbidden', 'x')],
    ['any other error', new TypeError('boom')],
  ])('still authenticates when recording the use fails with %s', async (_name, failure) => {
    keys.failure = failure;
    await expect(authenticator.authenticate(apiKey)).resolves.toEqual({ kind: 'org', orgId: 'acme', keyId });
    expect(keys.uses).toHaveLength(1);
  });

  it('still authenticates when the conditional write loses (another request recorded the use first)', async () => {
    keys.records.get(keyId)!.lastUsedAt = iso(T0 - 400_000);
    const recordUse = keys.recordUse.bind(keys);
    keys.recordUse = async (key, usedAt, staleBefore) => {
      keys.records.get(keyId)!.lastUsedAt = iso(T0);
      return recordUse(key, usedAt, staleBefore);
    };
    await expect(authenticator.authenticate(apiKey)).resolves.toEqual({ kind: 'org', orgId: 'acme', keyId });
    expect(keys.uses).toHaveLength(1);
  });

  it('records nothing for a refused key or for the admin key', async () => {
    await expect(authenticator.authenticate(apiKey.replace(/\.[^.]+$/, `.${'A'.repeat(43)}`))).rejects.toMatchObject({ code: 'invalid_api_key' });
    expect(await authenticator.authenticate('the-admin-key')).toEqual({ kind: 'admin' });
    expect(keys.uses).toEqual([]);
  });
});
