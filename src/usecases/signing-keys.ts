import type { Pool, PoolSigningKey } from '../domain/model';
import {
  activeKid,
  MAX_POOL_SIGNING_KEYS,
  nextActivation,
  nextAliasNumber,
  pendingSigningKey,
  removableSigningKeys,
  type SigningKeyStatus,
  signingKeyStates,
} from '../domain/signing-keys';
import { keyRetentionSeconds } from '../domain/token-lifetime';
import { DependencyError, DomainError } from '../errors';
import { logger } from '../observability';
import { type Principal, requireAdmin } from './authenticate';
import type { DirectoryRepository, SigningKeyListRepository, SigningKeyVault } from './ports';
import { requirePool } from './require-pool';

export interface SigningKeyDeps {
  directory: Pick<DirectoryRepository, 'getPool'>;
  keyList: SigningKeyListRepository;
  vault: SigningKeyVault;
  /** The token function's lifetime: a key stays published that long after its successor activates. */
  tokenLifetimeSeconds: number;
  clock: () => Date;
}

export interface RotationResult {
  activeKid: string;
  nextKid: string;
  activatesAt: string;
}

export interface SigningKeyView {
  kid: string;
  status: Exclude<SigningKeyStatus, 'retired'>;
  createdAt: string;
  activatesAt?: string;
  retiresAt?: string;
  /** The stack's legacy key, shared with other pools not yet rotated. */
  shared?: true;
}

/** Writes re-tried when the list changed under a rotation without a competing rotation (a sweep). */
const WRITE_ROUNDS = 3;

/**
 * docs/contract.md §3.5/§4.6: a pool's signing keys — the first one, created with the
 * environment; staged rotation; listing; the sweep that removes retired keys
 * from the pool item and schedules their KMS keys for deletion. Timing rules:
 * src/domain/signing-keys.ts.
 */
export class SigningKeyService {
  constructor(private readonly deps: SigningKeyDeps) {}

  /** The first key of a new pool: nothing can have cached its JWKS, so it signs at once. */
  async provision(poolId: string): Promise<PoolSigningKey> {
    const created = await this.deps.vault.createKey(poolId, 1);
    const now = this.deps.clock().toISOString();
    return { ...created, createdAt: now, activatesAt: now };
  }

  /** Best effort: a key that was never listed, or was retired, is scheduled for deletion; a failure is logged, never thrown. */
  async discard(key: Pick<PoolSigningKey, 'keyArn' | 'shared'>, reason: string): Promise<void> {
    if (key.shared) return;
    try {
      await this.deps.vault.scheduleDeletion(key.keyArn);
      logger.info('signing key scheduled for deletion', { keyArn: key.keyArn, reason });
    } catch (error) {
      logger.error('signing key not scheduled for deletion', { keyArn: key.keyArn, reason, error: describe(error) });
    }
  }

  async rotate(principal: Principal, poolId: string): Promise<RotationResult> {
    requireAdmin(principal);
    let pool = await requirePool(this.deps.directory, poolId);
    let listed = await this.keysOf(pool);
    this.refuseRotation(listed, this.deps.clock(), this.retention(pool));
    const created = await this.deps.vault.createKey(poolId, nextAliasNumber(listed));
    let written = false;
    let ambiguous = false;
    try {
      for (let round = 1; round <= WRITE_ROUNDS; round++) {
        const now = this.deps.clock();
        const removed = removableSigningKeys(listed, now, this.retention(pool));
        const kept = listed.filter((key) => !removed.includes(key));
        const next: PoolSigningKey = { ...created, createdAt: now.toISOString(), activatesAt: nextActivation(now).toISOString() };
        try {
          written = await this.deps.keyList.replaceSigningKeys(poolId, pool.signingKeys, [...kept, next]);
        } catch (error) {
          ambiguous = true;
          throw error;
        }
        if (written) {
          for (const key of removed) await this.discard(key, 'retired');
          logger.info('signing key rotation started', { clientPoolId: poolId, nextKid: next.kid, activatesAt: next.activatesAt });
          return { activeKid: activeKid(kept, now), nextKid: next.kid, activatesAt: next.activatesAt };
        }
        pool = await requirePool(this.deps.directory, poolId);
        // The write may have been applied with its answer lost, and retried by the client.
        const mine = pool.signingKeys?.find((key) => key.keyArn === created.keyArn);
        if (mine) {
          written = true;
          return { activeKid: activeKid(pool.signingKeys ?? [], now), nextKid: mine.kid, activatesAt: mine.activatesAt };
        }
        listed = await this.keysOf(pool);
        this.refuseRotation(listed, this.deps.clock(), this.retention(pool));
      }
      throw new DependencyError('dynamodb', new Error('the pool signing-key list kept changing during the rotation'));
    } catch (error) {
      // Only a write known not to have happened frees the key: a failed write may still have listed it.
      if (!written && !ambiguous) {
        await this.discard(created, 'rotation not recorded');
      } else if (!written) {
        logger.error('rotation failed after its key was created; the key is kept in case the write happened', {
          clientPoolId: poolId,
          keyArn: created.keyArn,
        });
      }
      throw error;
    }
  }

  async list(principal: Principal, poolId: string): Promise<SigningKeyView[]> {
    requireAdmin(principal);
    const pool = await requirePool(this.deps.directory, poolId);
    const keys = await this.keysOf(pool);
    return signingKeyStates(keys, this.deps.clock(), this.retention(pool))
      .filter((state) => state.status !== 'retired')
      .map(({ key, status, retiresAt }) => ({
        kid: key.kid,
        status: status as SigningKeyView['status'],
        createdAt: key.createdAt,
        ...(pool.signingKeys ? { activatesAt: key.activatesAt } : {}),
        ...(retiresAt ? { retiresAt: retiresAt.toISOString() } : {}),
        ...(key.shared ? { shared: true as const } : {}),
      }));
  }

  /** Removes the pool's retired keys from its item, then schedules them for deletion; the number removed. */
  async sweep(poolId: string): Promise<number> {
    const pool = await this.deps.directory.getPool(poolId);
    if (!pool?.signingKeys) return 0;
    const removed = removableSigningKeys(pool.signingKeys, this.deps.clock(), this.retention(pool));
    if (removed.length === 0) return 0;
    const kept = pool.signingKeys.filter((key) => !removed.includes(key));
    // A list changed meanwhile (a rotation) is left to the next sweep, or that rotation, to clean.
    if (!(await this.deps.keyList.replaceSigningKeys(poolId, pool.signingKeys, kept))) return 0;
    for (const key of removed) await this.discard(key, 'retired');
    return removed.length;
  }

  /** Every pool's sweep (the daily schedule and `npm run -s sweep-signing-keys`). */
  async sweepAll(): Promise<{ pools: number; removed: number; failed: number }> {
    const totals = { pools: 0, removed: 0, failed: 0 };
    for await (const poolId of this.deps.keyList.poolIds('with-signing-keys')) {
      totals.pools++;
      try {
        totals.removed += await this.sweep(poolId);
      } catch (error) {
        totals.failed++;
        logger.error('signing-key sweep failed for a pool', { clientPoolId: poolId, error: describe(error) });
      }
    }
    return totals;
  }

  /** A pool's list, or for a pool created before per-pool keys, the shared legacy key as its only (active) key. */
  private async keysOf(pool: Pool): Promise<PoolSigningKey[]> {
    if (pool.signingKeys) return pool.signingKeys;
    const legacy = await this.deps.vault.legacyKey();
    if (!legacy) throw new Error(`pool ${pool.clientPoolId} has no signing keys and the stack no legacy key`);
    return [{ ...legacy, activatesAt: legacy.createdAt, shared: true }];
  }

  /** How long this pool's keys stay published after their successor activates (src/domain/token-lifetime.ts). */
  private retention(pool: Pool): number {
    return keyRetentionSeconds(pool, this.deps.tokenLifetimeSeconds);
  }

  private refuseRotation(keys: readonly PoolSigningKey[], now: Date, retentionSeconds: number): void {
    const pending = pendingSigningKey(keys, now);
    if (pending) {
      throw new DomainError('rotation_in_progress', `key ${pending.kid} activates at ${pending.activatesAt}; rotate again after that`);
    }
    const kept = keys.length - removableSigningKeys(keys, now, retentionSeconds).length;
    if (kept >= MAX_POOL_SIGNING_KEYS) {
      throw new DomainError('too_many_signing_keys', `the pool already publishes ${kept} keys; rotate again once older ones have retired`);
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof DependencyError) return `${error.dependency}: ${error.cause instanceof Error ? error.cause.name : 'error'}`;
  return error instanceof Error ? error.name : 'error';
}
