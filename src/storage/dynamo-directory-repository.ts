import type { Environment, EnvironmentChanges, Organisation, Pool, PoolSigningKey } from '../domain/model';
import type { TrustDecisionWindow } from '../domain/trust-decision-window';
import { callDependency, DependencyError } from '../errors';
import type { DirectoryRepository, EnvironmentCreation } from '../usecases/ports';
import type { DocumentClient } from './document-client';
import { cancellationReasons, isTransactionConditionFailure, keys, POOL_ANCHORS, withoutKeys } from './keys';
import { putIfAbsent, settledAfter, transactWrite } from './table-operations';

export class DynamoDirectoryRepository implements DirectoryRepository {
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
    private readonly window: TrustDecisionWindow,
  ) {}

  async createOrg(org: Organisation): Promise<boolean> {
    return putIfAbsent(this.client, this.tableName, { ...keys.org(org.orgId), type: 'org', ...org });
  }

  async getOrg(orgId: string): Promise<Organisation | undefined> {
    return this.get<Organisation>(keys.org(orgId));
  }

  /** The environment and its pool (with its first signing keys, docs/contract.md §4.6) are written together or not at all. */
  async createEnvironment(env: Environment, signingKeys?: PoolSigningKey[]): Promise<EnvironmentCreation> {
    return callDependency('dynamodb', async () => {
      try {
        await this.client.transactWrite({
          TransactItems: [
            { ConditionCheck: { TableName: this.tableName, Key: keys.org(env.orgId), ConditionExpression: 'attribute_exists(pk)' } },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.env(env.orgId, env.envId), type: 'env', ...env },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                // `anchors` from the start: the token path reads the trust list with the pool (dynamo-trust-store-repository.ts).
                Item: {
                  ...keys.pool(env.clientPoolId),
                  type: 'pool',
                  clientPoolId: env.clientPoolId,
                  orgId: env.orgId,
                  envId: env.envId,
                  signingKeys,
                  anchors: {},
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        });
        return 'created';
      } catch (error) {
        if (!isTransactionConditionFailure(error)) throw error;
        // In the order of TransactItems above: organisation, environment, pool.
        const failed = cancellationReasons(error)?.map((code) => code === 'ConditionalCheckFailed');
        if (failed?.[0]) return 'organisation_missing';
        return failed?.[1] ? 'environment_taken' : 'pool_id_taken';
      }
    });
  }

  async getEnvironment(orgId: string, envId: string): Promise<Environment | undefined> {
    return this.get<Environment>(keys.env(orgId, envId));
  }

  async getPool(clientPoolId: string): Promise<Pool | undefined> {
    const result = await callDependency('dynamodb', () => this.client.get({ TableName: this.tableName, Key: keys.pool(clientPoolId), ConsistentRead: true }));
    return result.Item ? poolFromItem(result.Item) : undefined;
  }

  async updateEnvironment(env: Environment, changes: EnvironmentChanges, updatedAt: string): Promise<Environment | undefined> {
    const fields = Object.entries({ ...changes, updatedAt }).filter(([, value]) => value !== undefined);
    const envUpdate = {
      Update: {
        TableName: this.tableName,
        Key: keys.env(env.orgId, env.envId),
        UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ConditionExpression: 'clientPoolId = :pool',
        ExpressionAttributeNames: Object.fromEntries(fields.map(([name], i) => [`#f${i}`, name])),
        ExpressionAttributeValues: { ...Object.fromEntries(fields.map(([, value], i) => [`:v${i}`, value])), ':pool': env.clientPoolId },
      },
    };
    try {
      const poolUpdate = this.poolSettingsUpdate(env.clientPoolId, changes);
      const write = () => callDependency('dynamodb', () => transactWrite(this.client, poolUpdate ? [envUpdate, poolUpdate] : [envUpdate]));
      // requireCrl can take trust away: answer only after the settle wait, as every such change (keys.ts).
      await (changes.requireCrl === undefined ? write() : settledAfter(this.window, write));
    } catch (error) {
      if (cancellationReasons(error instanceof DependencyError ? error.cause : error)?.[0] === 'ConditionalCheckFailed') return undefined;
      throw error;
    }
    return this.getEnvironment(env.orgId, env.envId);
  }

  /**
   * The settings the token path reads with the pool, written in the same
   * transaction as the environment. requireCrl can take trust away, so
   * changing it moves the trustEpoch (keys.ts); audiences cannot.
   */
  private poolSettingsUpdate(clientPoolId: string, changes: EnvironmentChanges) {
    const sets: string[] = [];
    const values: Record<string, unknown> = {};
    if (changes.requireCrl !== undefined) {
      sets.push('requireCrl = :requireCrl', 'trustEpoch = if_not_exists(trustEpoch, :zero) + :one');
      Object.assign(values, { ':requireCrl': changes.requireCrl, ':zero': 0, ':one': 1 });
    }
    if (changes.audiences !== undefined) {
      sets.push('audiences = :audiences');
      values[':audiences'] = changes.audiences;
    }
    if (changes.tokenLifetimeSeconds !== undefined) {
      sets.push('tokenLifetimeSeconds = :tokenLifetimeSeconds');
      values[':tokenLifetimeSeconds'] = changes.tokenLifetimeSeconds;
    }
    if (sets.length === 0) return undefined;
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.pool(clientPoolId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: values,
      },
    };
  }

  private async get<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
    const result = await callDependency('dynamodb', () => this.client.get({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    if (!result.Item) return undefined;
    const { type: _type, ...item } = withoutKeys(result.Item);
    return item as T;
  }
}

/** A pool item as the token path and the admin API see it (without its trust list: anchorsFromItem). */
export function poolFromItem(item: Record<string, unknown>): Pool {
  const pool: Pool = {
    clientPoolId: String(item.clientPoolId),
    orgId: String(item.orgId),
    envId: String(item.envId),
    trustEpoch: Number(item.trustEpoch ?? 0),
    requireCrl: item.requireCrl === true,
  };
  if (Array.isArray(item.audiences) && item.audiences.length > 0) pool.audiences = item.audiences.map(String);
  if (typeof item.tokenLifetimeSeconds === 'number') pool.tokenLifetimeSeconds = item.tokenLifetimeSeconds;
  // Kept exactly as stored: a signing-key update is conditional on the list as read (dynamo-signing-key-repository.ts).
  if (Array.isArray(item.signingKeys)) pool.signingKeys = item.signingKeys as Pool['signingKeys'];
  return pool;
}

/**
 * The pool's trust list as kept in its item (anchorId → DER), or undefined
 * for a pool whose list is still only in its ROOT# records
 * (dynamo-trust-store-repository.ts).
 */
export function anchorsFromItem(item: Record<string, unknown>): Map<string, Uint8Array> | undefined {
  const anchors = item[POOL_ANCHORS];
  if (typeof anchors !== 'object' || anchors === null) return undefined;
  return new Map(Object.entries(anchors as Record<string, unknown>).map(([id, der]) => [id, new Uint8Array(Buffer.from(String(der), 'base64'))]));
}
