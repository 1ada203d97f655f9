import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DependencyError, callDependency } from '../errors';
import { sha256Hex } from '../domain/api-key-format';
import type { IssuanceCommit, IssuanceLedger, IssuanceOutcome } from '../usecases/ports';
import { generationCondition } from './device-generation';
import { cancellationReasons, keys } from './keys';
import { transactWrite } from './table-operations';

const DEVICE = 0;
const JTI = 2;

/**
 * The single write of a token request (the argument is in keys.ts): the
 * device record refreshed under its generation and active status, the
 * binding unchanged since the decision read it, and the jti spent
 * (RFC 7523 §3 (7): once, while the assertion could be accepted; DynamoDB TTL
 * deletes entries lazily, so expiry is part of the condition). Of N
 * concurrent requests carrying one assertion exactly one commits.
 */
export class DynamoIssuanceLedger implements IssuanceLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async commit(poolId: string, commit: IssuanceCommit): Promise<IssuanceOutcome> {
    const first = await this.attempt(poolId, commit, true);
    if (first !== 'newer_seen') return first;
    // A request with a later lastSeen already refreshed the record; spend the jti without moving lastSeen back.
    const second = await this.attempt(poolId, commit, false);
    return second === 'newer_seen' ? { committed: false, refusal: 'binding_not_found' } : second;
  }

  private async attempt(poolId: string, commit: IssuanceCommit, refresh: boolean): Promise<IssuanceOutcome | 'newer_seen'> {
    const nowSeconds = Math.floor(this.clock().getTime() / 1000);
    const deviceKey = keys.device(poolId, commit.deviceId);
    const jtiKey = keys.jti(poolId, sha256Hex(commit.jti));
    const active = generationCondition(commit.deviceGeneration);
    const deviceCondition = {
      ConditionExpression: `(${active.ConditionExpression}) AND (attribute_not_exists(#status) OR #status = :active)${refresh ? ' AND (attribute_not_exists(lastSeen) OR lastSeen <= :now)' : ''}`,
      ExpressionAttributeNames: { ...active.ExpressionAttributeNames, '#status': 'status' },
    };
    const seen = commit.provisioning;
    const deviceItem = refresh
      ? {
          Update: {
            TableName: this.tableName,
            Key: deviceKey,
            UpdateExpression:
              'SET firstSeen = if_not_exists(firstSeen, :now), lastSeen = :now, certThumbprint = :thumbprint, certSerial = :serial, ' +
              'certIssuer = :issuer, certNotAfter = :notAfter, businessUnit = :businessUnit',
            ...deviceCondition,
            ExpressionAttributeValues: {
              ...active.ExpressionAttributeValues,
              ':active': 'active',
              ':now': seen.lastSeen,
              ':thumbprint': seen.thumbprint,
              ':serial': seen.serial,
              ':issuer': seen.issuer,
              ':notAfter': seen.notAfter,
              ':businessUnit': seen.businessUnit ?? null,
            },
          },
        }
      : {
          ConditionCheck: {
            TableName: this.tableName,
            Key: deviceKey,
            ...deviceCondition,
            ExpressionAttributeValues: { ...active.ExpressionAttributeValues, ':active': 'active' },
          },
        };
    const bindingCondition =
      commit.bindingRevision === undefined
        ? { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revision)' }
        : { ConditionExpression: 'revision = :revision', ExpressionAttributeValues: { ':revision': commit.bindingRevision } };
    try {
      await callDependency('dynamodb', () =>
        transactWrite(this.client, [
          deviceItem,
          { ConditionCheck: { TableName: this.tableName, Key: keys.binding(poolId, commit.deviceId, commit.clientAppId), ...bindingCondition } },
          {
            Put: {
              TableName: this.tableName,
              Item: { ...jtiKey, type: 'jti', expiresAt: commit.jtiExpiresAt, attemptId: commit.attemptId },
              ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :nowSeconds',
              ExpressionAttributeValues: { ':nowSeconds': nowSeconds },
            },
          },
        ]),
      );
      return { committed: true };
    } catch (error) {
      const reasons = cancellationReasons(error instanceof DependencyError ? error.cause : error);
      if (reasons === undefined || !reasons.includes('ConditionalCheckFailed')) throw error;
      return this.explain(poolId, commit, reasons, refresh);
    }
  }

  /** Why the commit was refused, read back strongly consistent. */
  private async explain(poolId: string, commit: IssuanceCommit, reasons: Array<string | undefined>, refresh: boolean) {
    if (reasons[JTI] === 'ConditionalCheckFailed') {
      const spent = await this.read(keys.jti(poolId, sha256Hex(commit.jti)));
      // An SDK retry of our own commit whose first reply was lost: every write of it landed.
      if (spent?.attemptId === commit.attemptId) return { committed: true } as const;
      return { committed: false, refusal: 'assertion_replayed' } as const;
    }
    if (reasons[DEVICE] === 'ConditionalCheckFailed') {
      const device = await this.read(keys.device(poolId, commit.deviceId));
      if (!device || device.generation !== commit.deviceGeneration) return { committed: false, refusal: 'binding_not_found' } as const;
      if (device.status === 'disabled') return { committed: false, refusal: 'device_disabled' } as const;
      if (refresh) return 'newer_seen' as const;
      return { committed: false, refusal: 'binding_not_found' } as const;
    }
    const binding = await this.read(keys.binding(poolId, commit.deviceId, commit.clientAppId));
    if (!binding || binding.deviceGeneration !== commit.deviceGeneration) return { committed: false, refusal: 'binding_not_found' } as const;
    return { committed: false, stale: true } as const;
  }

  private async read(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
    const result = await callDependency('dynamodb', () =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })),
    );
    return result.Item;
  }
}
