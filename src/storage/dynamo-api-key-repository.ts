import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { callDependency } from '../errors';
import type { ApiKeyRepository, ApiKeySummary, StoredApiKey } from '../usecases/ports';
import type { DocumentClient } from './document-client';
import { isTransactionConditionFailure, isTransactionConflict, keys } from './keys';

/** Revocation retries a transaction that collided with a concurrent lastUsedAt write on the same key. */
const CONFLICT_ATTEMPTS = 5;

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/**
 * Each key is two items (src/storage/keys.ts): the APIKEY# record that
 * authentication reads with one strongly consistent GetItem, and the org's
 * index entry that listing Queries. Both are created and deleted in one
 * transaction, so a listed key always authenticates and a revoked one is gone
 * from both at the same instant.
 */
export class DynamoApiKeyRepository implements ApiKeyRepository {
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
  ) {}

  async createApiKey(record: { keyId: string; orgId: string; secretHash: string; createdAt: string }): Promise<void> {
    const { keyId, orgId, createdAt } = record;
    await callDependency('dynamodb', () =>
      this.client.transactWrite({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: { ...keys.apiKey(keyId), type: 'apiKey', ...record }, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Put: {
              TableName: this.tableName,
              Item: { ...keys.orgApiKey(orgId, keyId), type: 'orgApiKey', keyId, orgId, createdAt },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  }

  async findApiKey(keyId: string): Promise<StoredApiKey | undefined> {
    const result = await callDependency('dynamodb', () => this.client.get({ TableName: this.tableName, Key: keys.apiKey(keyId), ConsistentRead: true }));
    if (!result.Item) return undefined;
    return { ...summary({ ...result.Item, keyId }), secretHash: String(result.Item.secretHash) };
  }

  async listApiKeys(orgId: string): Promise<ApiKeySummary[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await callDependency('dynamodb', () =>
        this.client.query({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.orgPartition(orgId), ':prefix': keys.orgApiKeyPrefix },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items.map(summary).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.keyId.localeCompare(b.keyId));
  }

  /** The record's orgId condition keeps one org from revoking (or learning of) another org's key. */
  async deleteApiKey(orgId: string, keyId: string): Promise<boolean> {
    return this.transact(
      [
        {
          Delete: {
            TableName: this.tableName,
            Key: keys.apiKey(keyId),
            ConditionExpression: 'orgId = :orgId',
            ExpressionAttributeValues: { ':orgId': orgId },
          },
        },
        { Delete: { TableName: this.tableName, Key: keys.orgApiKey(orgId, keyId) } },
      ],
      'retry',
    );
  }

  /**
   * Conditional on the record still existing for this org, so a use racing a
   * revocation can never bring the index entry back. Updating the index entry
   * (rather than requiring it) is also how a key created before the index
   * existed gets listed: on its first successful use, whose lastUsedAt is
   * always missing. A collision with a concurrent write is not retried: the
   * other writer recorded a use at the same moment.
   */
  async recordUse(key: ApiKeySummary, usedAt: string, staleBefore: string): Promise<boolean> {
    return this.transact(
      [
        {
          Update: {
            TableName: this.tableName,
            Key: keys.apiKey(key.keyId),
            UpdateExpression: 'SET lastUsedAt = :usedAt',
            ConditionExpression: 'orgId = :orgId AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :staleBefore)',
            ExpressionAttributeValues: { ':orgId': key.orgId, ':usedAt': usedAt, ':staleBefore': staleBefore },
          },
        },
        {
          Update: {
            TableName: this.tableName,
            Key: keys.orgApiKey(key.orgId, key.keyId),
            UpdateExpression: 'SET #type = :type, keyId = :keyId, orgId = :orgId, createdAt = if_not_exists(createdAt, :createdAt), lastUsedAt = :usedAt',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: { ':type': 'orgApiKey', ':keyId': key.keyId, ':orgId': key.orgId, ':createdAt': key.createdAt, ':usedAt': usedAt },
          },
        },
      ],
      'give-up',
    );
  }

  /** true when the transaction committed, false when a condition failed (or, with 'give-up', it collided). */
  private async transact(items: TransactItems, onConflict: 'retry' | 'give-up'): Promise<boolean> {
    return callDependency('dynamodb', async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.client.transactWrite({ TransactItems: items });
          return true;
        } catch (error) {
          if (isTransactionConditionFailure(error)) return false;
          if (!isTransactionConflict(error)) throw error;
          if (onConflict === 'give-up') return false;
          if (attempt >= CONFLICT_ATTEMPTS) throw error;
          await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
        }
      }
    });
  }
}

function summary(item: Record<string, unknown>): ApiKeySummary {
  return {
    keyId: String(item.keyId),
    orgId: String(item.orgId),
    createdAt: String(item.createdAt),
    ...(typeof item.lastUsedAt === 'string' ? { lastUsedAt: item.lastUsedAt } : {}),
  };
}
