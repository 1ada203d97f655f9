import { DependencyError } from '../../../src/errors';
import type { ApiKeyRepository, ApiKeySummary, StoredApiKey } from '../../../src/usecases/ports';
import { CallLog } from './call-log';

type ApiKeyMethod = keyof ApiKeyRepository;

/**
 * ApiKeyRepository in memory, as DynamoApiKeyRepository keeps it
 * (src/storage/dynamo-api-key-repository.ts): each key is a record (with
 * the hash, what authentication reads) and an entry in its organisation's
 * index (no hash, what listing reads), created and deleted together.
 * Creating an id that exists cancels the transaction (a 503, nothing
 * written); deleting needs the record to belong to that organisation;
 * recordUse writes only when the stored lastUsedAt is missing or older than
 * `staleBefore`, and puts the index entry back for a key that has none (a
 * key created before the index existed).
 */
export class InMemoryApiKeys implements ApiKeyRepository {
  readonly records = new Map<string, StoredApiKey>();
  /** `${orgId}/${keyId}` → index entry. */
  readonly index = new Map<string, ApiKeySummary>();
  readonly log = new CallLog<ApiKeyMethod>();

  async createApiKey(record: { keyId: string; orgId: string; secretHash: string; createdAt: string }): Promise<void> {
    await this.log.enter('createApiKey', { ...record });
    const { keyId, orgId, createdAt } = record;
    if (this.records.has(keyId) || this.index.has(indexKey(orgId, keyId))) {
      throw new DependencyError('dynamodb', Object.assign(new Error('transaction cancelled'), { name: 'TransactionCanceledException' }));
    }
    this.records.set(keyId, { ...record });
    this.index.set(indexKey(orgId, keyId), { keyId, orgId, createdAt });
  }

  async findApiKey(keyId: string): Promise<StoredApiKey | undefined> {
    await this.log.enter('findApiKey', keyId);
    const record = this.records.get(keyId);
    return record && { ...record };
  }

  async listApiKeys(orgId: string): Promise<ApiKeySummary[]> {
    await this.log.enter('listApiKeys', orgId);
    return [...this.index.values()]
      .filter((entry) => entry.orgId === orgId)
      .map((entry) => ({ ...entry }))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.keyId.localeCompare(b.keyId));
  }

  async deleteApiKey(orgId: string, keyId: string): Promise<boolean> {
    await this.log.enter('deleteApiKey', orgId, keyId);
    if (this.records.get(keyId)?.orgId !== orgId) return false;
    this.records.delete(keyId);
    this.index.delete(indexKey(orgId, keyId));
    return true;
  }

  async recordUse(key: ApiKeySummary, usedAt: string, staleBefore: string): Promise<boolean> {
    await this.log.enter('recordUse', { ...key }, usedAt, staleBefore);
    const record = this.records.get(key.keyId);
    if (!record || record.orgId !== key.orgId || (record.lastUsedAt !== undefined && record.lastUsedAt >= staleBefore)) return false;
    record.lastUsedAt = usedAt;
    const entry = this.index.get(indexKey(key.orgId, key.keyId));
    this.index.set(indexKey(key.orgId, key.keyId), { keyId: key.keyId, orgId: key.orgId, createdAt: entry?.createdAt ?? key.createdAt, lastUsedAt: usedAt });
    return true;
  }
}

function indexKey(orgId: string, keyId: string): string {
  return `${orgId}/${keyId}`;
}
