import { callDependency, DependencyError } from '../errors';
import type { IssuanceCommit, IssuanceLedger, IssuanceOutcome } from '../usecases/ports';
import { generationCondition } from './device-generation';
import type { DocumentClient } from './document-client';
import { cancellationReasons, keys, type Tables } from './keys';
import { transactWrite } from './table-operations';

/** Positions of the transaction's items, which its cancellation reasons follow. */
const DEVICE = 0;
const PROVISIONING = 2;
const JTI = 3;

/**
 * The single write of a token request (the argument is in keys.ts), one
 * transaction across the two tables: the device record (configuration) still
 * of the generation and active status the decision read, the binding
 * unchanged since then, the jti spent (RFC 7523 §3 (7): once per device while
 * the assertion could be accepted; DynamoDB TTL deletes entries lazily, so
 * expiry is part of the condition) and the provisioning state of that
 * generation refreshed (runtime). It writes only the runtime table. Of N
 * concurrent requests carrying one assertion exactly one commits.
 */
export class DynamoIssuanceLedger implements IssuanceLedger {
  constructor(
    private readonly client: DocumentClient,
    private readonly tables: Tables,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async commit(poolId: string, commit: IssuanceCommit): Promise<IssuanceOutcome> {
    const first = await this.attempt(poolId, commit, true);
    if (first !== 'newer_seen') return first;
    // A request with a later lastSeen already refreshed the state; spend the jti without moving lastSeen back.
    const second = await this.attempt(poolId, commit, false);
    return second === 'newer_seen' ? { committed: false, refusal: 'binding_not_found' } : second;
  }

  private async attempt(poolId: string, commit: IssuanceCommit, refresh: boolean): Promise<IssuanceOutcome | 'newer_seen'> {
    const nowSeconds = Math.floor(this.clock().getTime() / 1000);
    const active = generationCondition(commit.deviceGeneration);
    const seen = commit.provisioning;
    const provisioningKey = keys.provisioning(poolId, commit.deviceId, commit.deviceGeneration);
    const bindingCondition =
      commit.bindingRevision === undefined
        ? { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revision)' }
        : { ConditionExpression: 'revision = :revision', ExpressionAttributeValues: { ':revision': commit.bindingRevision } };
    const provisioning = refresh
      ? {
          Update: {
            TableName: this.tables.runtime,
            Key: provisioningKey,
            UpdateExpression:
              'SET #type = :type, firstSeen = if_not_exists(firstSeen, :now), lastSeen = :now, certThumbprint = :thumbprint, ' +
              'certSerial = :serial, certIssuer = :issuer, certNotAfter = :notAfter, businessUnit = :businessUnit',
            ConditionExpression: 'attribute_not_exists(lastSeen) OR lastSeen <= :now',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: {
              ':type': 'provisioning',
              ':now': seen.lastSeen,
              ':thumbprint': seen.thumbprint,
              ':serial': seen.serial,
              ':issuer': seen.issuer,
              ':notAfter': seen.notAfter,
              ':businessUnit': seen.businessUnit ?? null,
            },
          },
        }
      : // Nothing to refresh: a condition that always holds keeps the item positions fixed.
        { ConditionCheck: { TableName: this.tables.runtime, Key: provisioningKey, ConditionExpression: 'attribute_not_exists(pk) OR attribute_exists(pk)' } };
    try {
      await callDependency('dynamodb', () =>
        transactWrite(this.client, [
          {
            ConditionCheck: {
              TableName: this.tables.config,
              Key: keys.device(poolId, commit.deviceId),
              ConditionExpression: `(${active.ConditionExpression}) AND (attribute_not_exists(#status) OR #status = :active) AND ${
                commit.deviceRevision === undefined ? 'attribute_not_exists(#revision)' : '#revision = :revision'
              }`,
              ExpressionAttributeNames: { ...active.ExpressionAttributeNames, '#status': 'status', '#revision': 'revision' },
              ExpressionAttributeValues: {
                ...active.ExpressionAttributeValues,
                ':active': 'active',
                ...(commit.deviceRevision === undefined ? {} : { ':revision': commit.deviceRevision }),
              },
            },
          },
          { ConditionCheck: { TableName: this.tables.config, Key: keys.binding(poolId, commit.deviceId, commit.clientAppId), ...bindingCondition } },
          provisioning,
          {
            Put: {
              TableName: this.tables.runtime,
              Item: { ...keys.jti(poolId, commit.deviceId, commit.jti), type: 'jti', expiresAt: commit.jtiExpiresAt, attemptId: commit.attemptId },
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
      const spent = await this.read(this.tables.runtime, keys.jti(poolId, commit.deviceId, commit.jti));
      // The client's retry of our own commit whose first reply was lost: every write of it landed.
      if (spent?.attemptId === commit.attemptId) return { committed: true } as const;
      return { committed: false, refusal: 'assertion_replayed' } as const;
    }
    if (reasons[DEVICE] === 'ConditionalCheckFailed') {
      const device = await this.read(this.tables.config, keys.device(poolId, commit.deviceId));
      // Deleted (or deleted and registered again): the binding the decision read is gone with it.
      if (!device || device.generation !== commit.deviceGeneration) return { committed: false, refusal: 'binding_not_found' } as const;
      if (device.status === 'disabled') return { committed: false, refusal: 'device_disabled' } as const;
      // Changed by a PATCH (tags, name) since the read: decide again on what is there now.
      return { committed: false, stale: true } as const;
    }
    if (reasons[PROVISIONING] === 'ConditionalCheckFailed' && refresh) return 'newer_seen' as const;
    const binding = await this.read(this.tables.config, keys.binding(poolId, commit.deviceId, commit.clientAppId));
    if (!binding || binding.deviceGeneration !== commit.deviceGeneration) return { committed: false, refusal: 'binding_not_found' } as const;
    return { committed: false, stale: true } as const;
  }

  private async read(tableName: string, key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
    const result = await callDependency('dynamodb', () => this.client.get({ TableName: tableName, Key: key, ConsistentRead: true }));
    return result.Item;
  }
}
