import type { PoolSigningKey } from '../domain/model';
import { callDependency } from '../errors';
import type { SigningKeyListRepository } from '../usecases/ports';
import type { DocumentClient } from './document-client';
import { isConditionalCheckFailure, keys } from './keys';

/**
 * The `signingKeys` attribute of the pool item (docs/contract.md §4.6). The token path
 * reads it with the pool, so signing and publishing cost no extra read. Each
 * change is one UpdateItem conditional on the list as read: of two
 * concurrent rotations exactly one writes, and nothing else on the pool item
 * (trustEpoch, requireCrl) is touched.
 */
export class DynamoSigningKeyRepository implements SigningKeyListRepository {
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
  ) {}

  async replaceSigningKeys(poolId: string, expected: readonly PoolSigningKey[] | undefined, signingKeys: PoolSigningKey[]): Promise<boolean> {
    return callDependency('dynamodb', async () => {
      try {
        await this.client.update({
          TableName: this.tableName,
          Key: keys.pool(poolId),
          UpdateExpression: 'SET signingKeys = :keys',
          // List equality compares every element and attribute: the list must be exactly the one read.
          ConditionExpression:
            expected === undefined ? 'attribute_exists(pk) AND attribute_not_exists(signingKeys)' : 'attribute_exists(pk) AND signingKeys = :expected',
          ExpressionAttributeValues: { ':keys': signingKeys, ...(expected === undefined ? {} : { ':expected': expected }) },
        });
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        throw error;
      }
    });
  }

  async *poolIds(which: 'with-signing-keys' | 'without-signing-keys'): AsyncGenerator<string> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await callDependency('dynamodb', () =>
        this.client.scan({
          TableName: this.tableName,
          FilterExpression: `sk = :pool AND ${which === 'with-signing-keys' ? 'attribute_exists' : 'attribute_not_exists'}(signingKeys)`,
          ProjectionExpression: 'clientPoolId',
          ExpressionAttributeValues: { ':pool': keys.pool('').sk },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) if (typeof item.clientPoolId === 'string') yield item.clientPoolId;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}
