import type { Environment, EnvironmentChanges, Organisation, Pool, PoolSigningKey } from '../../../src/domain/model';
import { DependencyError } from '../../../src/errors';
import type { DirectoryRepository, EnvironmentCreation } from '../../../src/usecases/ports';
import { CallLog } from './call-log';

type DirectoryMethod = keyof DirectoryRepository;

/**
 * DirectoryRepository in memory, answering as DynamoDirectoryRepository does
 * (src/storage/dynamo-directory-repository.ts): false for a second
 * organisation of an id; an environment and its pool written together or
 * not at all (what was in the way, in the adapter's order); reads return copies, a pool as
 * `poolFromItem` shapes it (trustEpoch 0 and requireCrl false until set,
 * empty audiences left out); `updateEnvironment` is conditioned on the
 * environment still naming the pool read, writes the pool's settings in the
 * same step and moves its trustEpoch when `requireCrl` changes, counting the
 * settle wait such a change answers after (`settles`).
 */
export class InMemoryDirectory implements DirectoryRepository {
  readonly orgs = new Map<string, Organisation>();
  /** `${orgId}/${envId}` → environment. */
  readonly environments = new Map<string, Environment>();
  readonly pools = new Map<string, Pool>();
  readonly log = new CallLog<DirectoryMethod>();
  /** Settle waits of changes that took trust away (src/domain/trust-decision-window.ts). */
  settles = 0;

  async createOrg(org: Organisation): Promise<boolean> {
    await this.log.enter('createOrg', structuredClone(org));
    if (this.orgs.has(org.orgId)) return false;
    this.orgs.set(org.orgId, structuredClone(org));
    return true;
  }

  async getOrg(orgId: string): Promise<Organisation | undefined> {
    await this.log.enter('getOrg', orgId);
    return copy(this.orgs.get(orgId));
  }

  async createEnvironment(env: Environment, signingKeys?: PoolSigningKey[]): Promise<EnvironmentCreation> {
    await this.log.enter('createEnvironment', structuredClone(env), structuredClone(signingKeys));
    if (!this.orgs.has(env.orgId)) return 'organisation_missing';
    if (this.environments.has(envKey(env.orgId, env.envId))) return 'environment_taken';
    if (this.pools.has(env.clientPoolId)) return 'pool_id_taken';
    this.writeEnvironment(env, signingKeys);
    return 'created';
  }

  async getEnvironment(orgId: string, envId: string): Promise<Environment | undefined> {
    await this.log.enter('getEnvironment', orgId, envId);
    return copy(this.environments.get(envKey(orgId, envId)));
  }

  async getPool(clientPoolId: string): Promise<Pool | undefined> {
    await this.log.enter('getPool', clientPoolId);
    const pool = copy(this.pools.get(clientPoolId));
    if (pool?.audiences?.length === 0) delete pool.audiences;
    return pool;
  }

  async updateEnvironment(env: Environment, changes: EnvironmentChanges, updatedAt: string): Promise<Environment | undefined> {
    await this.log.enter('updateEnvironment', structuredClone(env), structuredClone(changes), updatedAt);
    const key = envKey(env.orgId, env.envId);
    const stored = this.environments.get(key);
    const takesTrust = changes.requireCrl !== undefined;
    if (!stored || stored.clientPoolId !== env.clientPoolId) return undefined;
    const poolChanges = definedFields({ requireCrl: changes.requireCrl, audiences: changes.audiences, tokenLifetimeSeconds: changes.tokenLifetimeSeconds });
    const pool = this.pools.get(env.clientPoolId);
    if (Object.keys(poolChanges).length > 0) {
      // The adapter's pool update requires the pool item: its transaction is cancelled (503), nothing written.
      if (!pool) throw new DependencyError('dynamodb', Object.assign(new Error('transaction cancelled'), { name: 'TransactionCanceledException' }));
      this.pools.set(env.clientPoolId, { ...pool, ...structuredClone(poolChanges), trustEpoch: pool.trustEpoch + (takesTrust ? 1 : 0) });
    }
    this.environments.set(key, { ...stored, ...structuredClone(definedFields({ ...changes, updatedAt })) });
    if (takesTrust) this.settles++;
    return copy(this.environments.get(key));
  }

  /** Test setup: an organisation and environments with their pools, as createOrg and createEnvironment write them. */
  seed(org: Organisation, ...envs: Array<Omit<Environment, 'orgId'>>): void {
    this.orgs.set(org.orgId, structuredClone(org));
    for (const env of envs) this.writeEnvironment({ ...env, orgId: org.orgId });
  }

  /** The write of createEnvironment, unconditionally: for setup, and for a hook playing a write whose answer was lost. */
  writeEnvironment(env: Environment, signingKeys?: PoolSigningKey[]): void {
    this.environments.set(envKey(env.orgId, env.envId), structuredClone(env));
    this.pools.set(env.clientPoolId, {
      clientPoolId: env.clientPoolId,
      orgId: env.orgId,
      envId: env.envId,
      trustEpoch: 0,
      requireCrl: false,
      ...(signingKeys === undefined ? {} : { signingKeys: structuredClone(signingKeys) }),
    });
  }
}

function envKey(orgId: string, envId: string): string {
  return `${orgId}/${envId}`;
}

function copy<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : structuredClone(value);
}

function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
