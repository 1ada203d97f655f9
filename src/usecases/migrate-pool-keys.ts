import { DependencyError, DomainError } from '../errors';
import type { SigningKeyListRepository } from './ports';
import type { RotationResult, SigningKeyService } from './signing-keys';

export interface PoolMigration {
  clientPoolId: string;
  outcome: 'rotated' | 'would-rotate' | 'failed';
  rotation?: RotationResult;
  /** The refusal code, or the failing dependency. */
  error?: string;
}

/**
 * README "Migrating existing pools": every pool created before per-pool keys
 * is rotated once, by the same use case as `POST .../signing-keys/rotate`.
 * The rotation records the shared key as the pool's active key and adds the
 * pool's own next key, which signs from its activatesAt; the shared key
 * leaves the pool's JWKS one token lifetime later and is never deleted.
 * Pools are handled one at a time; a failure is reported and the others go on.
 * Running it again migrates what is left (a migrated pool has a key list).
 */
export async function migrateLegacyPools(
  deps: { keyList: Pick<SigningKeyListRepository, 'poolIds'>; signingKeys: Pick<SigningKeyService, 'rotate'> },
  options: { dryRun?: boolean } = {},
): Promise<PoolMigration[]> {
  const results: PoolMigration[] = [];
  for await (const clientPoolId of deps.keyList.poolIds('without-signing-keys')) {
    if (options.dryRun) {
      results.push({ clientPoolId, outcome: 'would-rotate' });
      continue;
    }
    try {
      results.push({ clientPoolId, outcome: 'rotated', rotation: await deps.signingKeys.rotate({ kind: 'admin' }, clientPoolId) });
    } catch (error) {
      const code = error instanceof DomainError ? error.code : error instanceof DependencyError ? `${error.dependency}_unavailable` : 'internal_error';
      results.push({ clientPoolId, outcome: 'failed', error: code });
    }
  }
  return results;
}
