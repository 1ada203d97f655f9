import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { callDependency } from '../errors';
import { sha256Hex } from '../domain/api-key-format';
import type { ReplayCache } from '../usecases/ports';
import { isConditionalCheckFailure, keys } from './keys';

/**
 * RFC 7523 §3 (7): a `jti` is accepted once per pool until the assertion
 * expires. The conditional write is the arbiter: of N concurrent requests
 * carrying one assertion, exactly one write succeeds. DynamoDB TTL deletes
 * expired entries lazily, so expiry is also checked in the condition.
 */
export class DynamoReplayCache implements ReplayCache {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async consume(poolId: string, jti: string, expiresAt: number): Promise<boolean> {
    const now = Math.floor(this.clock().getTime() / 1000);
    return callDependency('dynamodb', async () => {
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...keys.jti(poolId, sha256Hex(jti)), type: 'jti', expiresAt },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': now },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        throw error;
      }
    });
  }

  async release(poolId: string, jti: string): Promise<void> {
    await callDependency('dynamodb', () =>
      this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keys.jti(poolId, sha256Hex(jti)) })),
    );
  }
}
