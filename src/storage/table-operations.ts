import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { TrustDecisionWindow } from '../domain/trust-decision-window';
import { callDependency, DependencyError } from '../errors';
import type { DocumentClient } from './document-client';
import { isConditionalCheckFailure, isTransactionConflict, keys } from './keys';
import { settleTrustChange } from './trust-decision-window';

/**
 * Every item of a pool's partition whose sort key starts with `prefix`, all
 * pages, strongly consistent; `projection` (a ProjectionExpression of plain
 * attribute names, e.g. 'sk') reads only those attributes.
 */
export async function queryPoolPrefix(
  client: DocumentClient,
  tableName: string,
  poolId: string,
  prefix: string,
  projection?: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await callDependency('dynamodb', () =>
      client.query({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.poolPartition(poolId), ':prefix': prefix },
        ...(projection === undefined ? {} : { ProjectionExpression: projection }),
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Writes the item unless one with its key exists; false when it did (the create-or-409 and idempotent-upload cases). */
export async function putIfAbsent(client: DocumentClient, tableName: string, item: Record<string, unknown>): Promise<boolean> {
  return callDependency('dynamodb', async () => {
    try {
      await client.put({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' });
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  });
}

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

const CONFLICT_ATTEMPTS = 6;

/**
 * TransactWriteItems that retries, with jittered backoff, only when another
 * transaction held one of its items (nothing was written then). Every other
 * outcome, condition failures included, goes to the caller. Each attempt is
 * a new request and so a new ClientRequestToken; the client's own retries of
 * one attempt resend the same request, hence its token, and are idempotent.
 */
export async function transactWrite(client: DocumentClient, items: TransactItems): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.transactWrite({ TransactItems: items });
      return;
    } catch (error) {
      if (!isTransactionConflict(error) || attempt === CONFLICT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));
    }
  }
}

/** More of the pool item's update, in the same UpdateItem as the trustEpoch increment. */
export interface PoolItemUpdate {
  /** `REMOVE` clauses, e.g. `anchors.#a0`. */
  readonly remove?: readonly string[];
  readonly names?: Record<string, string>;
  /** ANDed to the pool's `attribute_exists(pk)`. */
  readonly condition?: string;
}

/**
 * A change that takes trust away from a pool (a root deleted, a certificate
 * revoked, a CRL stored or removed): its items and an increment of the pool's
 * `trustEpoch`, atomically, then the settle wait of the trust decision window
 * before the caller may answer (why: keys.ts). Condition failures of the
 * change itself surface as TransactionCanceledException with reasons in the
 * order of `change`; the pool update comes last and requires the pool to
 * exist (and `poolUpdate.condition`).
 */
export async function commitTrustChange(
  client: DocumentClient,
  tableName: string,
  poolId: string,
  change: TransactItems,
  window: TrustDecisionWindow,
  poolUpdate: PoolItemUpdate = {},
): Promise<void> {
  const remove = poolUpdate.remove?.length ? ` REMOVE ${poolUpdate.remove.join(', ')}` : '';
  await settledAfter(window, () =>
    transactWrite(client, [
      ...change,
      {
        Update: {
          TableName: tableName,
          Key: keys.pool(poolId),
          UpdateExpression: `SET trustEpoch = if_not_exists(trustEpoch, :zero) + :one${remove}`,
          ConditionExpression: poolUpdate.condition === undefined ? 'attribute_exists(pk)' : `attribute_exists(pk) AND ${poolUpdate.condition}`,
          ...(poolUpdate.names && Object.keys(poolUpdate.names).length > 0 ? { ExpressionAttributeNames: poolUpdate.names } : {}),
          ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
        },
      },
    ]),
  );
}

/**
 * Runs the write of a change that takes trust away, then the settle wait
 * before the caller may answer. A failure that does not prove nothing was
 * written (a timeout, a lost reply, a 5xx: the transaction may still have
 * committed) settles too before it is rethrown, so the answer a retry of the
 * caller gets (404: already gone) cannot come before that commit's wait is
 * over. A cancelled transaction or a refused request wrote nothing.
 */
export async function settledAfter<T>(window: TrustDecisionWindow, write: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await write();
  } catch (error) {
    if (!writeDefinitelyFailed(error)) await settleTrustChange(window);
    throw error;
  }
  await settleTrustChange(window);
  return result;
}

function writeDefinitelyFailed(error: unknown): boolean {
  const cause = error instanceof DependencyError ? error.cause : error;
  const name = cause instanceof Error ? cause.name : undefined;
  return name === 'TransactionCanceledException' || name === 'ValidationException' || name === 'ConditionalCheckFailedException';
}

const BATCH_GET_ATTEMPTS = 5;

/**
 * One BatchGetItem, strongly consistent, across tables (at most 100 keys in
 * all per call; more are split). Retries UnprocessedKeys with backoff and
 * returns the items found per table.
 */
export async function batchGetTables(
  client: DocumentClient,
  request: Record<string, ReadonlyArray<{ pk: string; sk: string }>>,
  projection?: { expression: string; names: Record<string, string> },
): Promise<Record<string, Record<string, unknown>[]>> {
  const found: Record<string, Record<string, unknown>[]> = Object.fromEntries(Object.keys(request).map((table) => [table, []]));
  const all = Object.entries(request).flatMap(([table, itemKeys]) =>
    [...new Map(itemKeys.map((key) => [`${key.pk}\u0000${key.sk}`, key])).values()].map((key) => ({ table, key })),
  );
  for (let i = 0; i < all.length; i += 100) {
    const shape = {
      ConsistentRead: true as const,
      ...(projection ? { ProjectionExpression: projection.expression, ExpressionAttributeNames: projection.names } : {}),
    };
    let pending: Record<string, { Keys: Array<Record<string, unknown>> } & typeof shape> = {};
    for (const { table, key } of all.slice(i, i + 100)) {
      pending[table] ??= { Keys: [], ...shape };
      pending[table].Keys.push(key);
    }
    for (let attempt = 0; Object.keys(pending).length > 0; attempt++) {
      if (attempt === BATCH_GET_ATTEMPTS) throw new DependencyError('dynamodb', new Error('keys left unprocessed by BatchGetItem'));
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      const result = await callDependency('dynamodb', () => client.batchGet({ RequestItems: pending }));
      for (const [table, items] of Object.entries(result.Responses ?? {})) found[table]?.push(...items);
      pending = {};
      for (const [table, unprocessed] of Object.entries(result.UnprocessedKeys ?? {})) {
        if (unprocessed.Keys?.length) pending[table] = { Keys: unprocessed.Keys, ...shape };
      }
    }
  }
  return found;
}
