import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { callDependency } from '../errors';
import { sha256Hex } from '../domain/api-key-format';
import type { ReplayCache } from '../usecases/ports';
import { isConditionalCheckFailure, keys } from './keys';

/**
 * How long an unconfirmed claim blocks its jti. A request that claimed a jti
 * and then failed without being able to release it (DynamoDB itself went
 * away) must not burn the assertion: after the lease, the device's retry may
 * claim it again. It matches the Retry-After the 503 advertises.
 */
export const CLAIM_LEASE_MS = 5_000;

/**
 * RFC 7523 §3 (7): a `jti` is accepted once per pool while the assertion can
 * be accepted. The conditional write is the arbiter — of N concurrent requests
 * carrying one assertion exactly one claim succeeds — and the claim becomes
 * permanent only when the token is about to be returned (`confirm`). Every
 * write names its attempt, so an SDK retry after a lost reply recognises its
 * own write instead of reporting a replay. DynamoDB TTL deletes expired
 * entries lazily, so expiry is also part of the condition.
 */
export class DynamoReplayCache implements ReplayCache {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async consume(poolId: string, jti: string, expiresAt: number, attemptId: string): Promise<boolean> {
    const nowMs = this.clock().getTime();
    const key = keys.jti(poolId, sha256Hex(jti));
    return callDependency('dynamodb', async () => {
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...key, type: 'jti', expiresAt, attemptId, state: 'pending', leaseUntil: nowMs + CLAIM_LEASE_MS },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :nowSeconds OR (#state = :pending AND leaseUntil < :nowMs)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':nowSeconds': Math.floor(nowMs / 1000), ':nowMs': nowMs, ':pending': 'pending' },
          }),
        );
        return true;
      } catch (error) {
        if (!isConditionalCheckFailure(error)) throw error;
        const current = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
        return current.Item?.attemptId === attemptId;
      }
    });
  }

  async confirm(poolId: string, jti: string, attemptId: string): Promise<boolean> {
    return callDependency('dynamodb', async () => {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.jti(poolId, sha256Hex(jti)),
            UpdateExpression: 'SET #state = :used REMOVE leaseUntil',
            ConditionExpression: 'attemptId = :attemptId',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':used': 'used', ':attemptId': attemptId },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        throw error;
      }
    });
  }

  async release(poolId: string, jti: string, attemptId: string): Promise<void> {
    await callDependency('dynamodb', async () => {
      try {
        await this.client.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: keys.jti(poolId, sha256Hex(jti)),
            ConditionExpression: 'attemptId = :attemptId AND #state = :pending',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':attemptId': attemptId, ':pending': 'pending' },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailure(error)) throw error; // someone else's claim, or already used: leave it
      }
    });
  }
}
