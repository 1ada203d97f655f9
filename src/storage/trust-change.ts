import type { TrustDecisionWindow } from '../domain/trust-decision-window';
import { callDependency, DependencyError, DomainError } from '../errors';
import type { DocumentClient } from './document-client';
import { cancellationReasons } from './keys';
import { commitTrustChange } from './table-operations';

export type TransactItems = Parameters<typeof commitTrustChange>[3];

/** Whether a trust change committed; when not, which items of the change failed their condition (nothing was written). */
export type TrustChangeOutcome = { readonly committed: true } | { readonly committed: false; readonly failed: readonly number[] };

/**
 * The change plus the pool's trustEpoch increment, in one transaction
 * (commitTrustChange, why: keys.ts). A condition of the change itself that
 * fails is an answer, not an error; a pool that does not exist is
 * `pool_not_found` (DomainError); anything else a DependencyError.
 */
export async function tryTrustChange(
  client: DocumentClient,
  tableName: string,
  poolId: string,
  change: TransactItems,
  window: TrustDecisionWindow,
): Promise<TrustChangeOutcome> {
  try {
    await callDependency('dynamodb', () => commitTrustChange(client, tableName, poolId, change, window));
    return { committed: true };
  } catch (error) {
    const reasons = cancellationReasons(error instanceof DependencyError ? error.cause : error);
    const failed = (reasons ?? []).slice(0, change.length).flatMap((reason, index) => (reason === 'ConditionalCheckFailed' ? [index] : []));
    if (failed.length > 0) return { committed: false, failed };
    if (reasons?.[change.length] === 'ConditionalCheckFailed') throw new DomainError('pool_not_found', 'unknown client pool');
    throw error;
  }
}
