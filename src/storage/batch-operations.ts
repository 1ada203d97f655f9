import type { BatchWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { callDependency, DependencyError } from '../errors';
import type { DocumentClient } from './document-client';
import { batchGetTables, queryPoolPrefix } from './table-operations';

export type TableKey = { pk: string; sk: string };

/** BatchWriteItem takes at most 25 requests. */
const WRITE_CHUNK = 25;
const BATCH_ATTEMPTS = 6;

type WriteRequests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];

const backoff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt * (0.5 + Math.random())));

/**
 * BatchWriteItem calls in flight at once: a 2 MiB CRL is a few thousand bucket
 * items, ~100+ batches, which one after the other take seconds; 16 at a time
 * finish well inside the function timeout without flooding the table (on
 * throttling, unprocessed requests are retried with backoff).
 */
export const WRITE_CONCURRENCY = 16;

/**
 * BatchWriteItem may succeed while leaving requests unprocessed (throttling):
 * they are retried with backoff, and the call fails rather than return with
 * some of them unwritten. Batches run up to WRITE_CONCURRENCY at a time; after
 * a failure no new batch starts, and the call settles only once the batches
 * in flight have, so a caller that cleans up after a failure sees every write
 * that will ever land.
 */
async function batchWrite(client: DocumentClient, tableName: string, all: WriteRequests): Promise<void> {
  const chunks: WriteRequests[] = [];
  for (let i = 0; i < all.length; i += WRITE_CHUNK) chunks.push(all.slice(i, i + WRITE_CHUNK));
  let next = 0;
  const state: { failure?: { error: unknown } } = {};
  const worker = async () => {
    while (state.failure === undefined && next < chunks.length) {
      let requests = chunks[next++];
      try {
        for (let attempt = 0; requests.length > 0; attempt++) {
          if (attempt === BATCH_ATTEMPTS) throw new DependencyError('dynamodb', new Error('requests left unprocessed by BatchWriteItem'));
          if (attempt > 0) await backoff(attempt);
          try {
            const result = await callDependency('dynamodb', () => client.batchWrite({ RequestItems: { [tableName]: requests } }));
            requests = result.UnprocessedItems?.[tableName] ?? [];
          } catch (error) {
            // Throttled as a whole (all of a pool's items share one partition): nothing was written, back off like for unprocessed items.
            if (!isThrottling(error) || attempt === BATCH_ATTEMPTS - 1) throw error;
          }
        }
      } catch (error) {
        state.failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, chunks.length) }, worker));
  if (state.failure !== undefined) throw state.failure.error;
}

const THROTTLING = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);

function isThrottling(error: unknown): boolean {
  const cause = error instanceof DependencyError ? error.cause : error;
  return cause instanceof Error && THROTTLING.has(cause.name);
}

export function batchPutItems(client: DocumentClient, tableName: string, items: Record<string, unknown>[]): Promise<void> {
  return batchWrite(
    client,
    tableName,
    items.map((Item) => ({ PutRequest: { Item } })),
  );
}

export function batchDeleteKeys(client: DocumentClient, tableName: string, keysToDelete: TableKey[]): Promise<void> {
  return batchWrite(
    client,
    tableName,
    keysToDelete.map((Key) => ({ DeleteRequest: { Key } })),
  );
}

/**
 * Strongly consistent BatchGetItem of distinct keys of one pool's partition
 * (duplicates dropped, unprocessed keys retried: batchGetTables). Returns
 * the items found, keyed by sort key.
 */
export async function batchGetKeys(
  client: DocumentClient,
  tableName: string,
  wanted: TableKey[],
  projection?: { expression: string; names: Record<string, string> },
): Promise<Map<string, Record<string, unknown>>> {
  const found = await batchGetTables(client, { [tableName]: wanted }, projection);
  return new Map((found[tableName] ?? []).map((item) => [String(item.sk), item]));
}

/** Sort keys of a pool's items under `prefix`, all pages, strongly consistent, nothing else projected. */
export async function querySortKeys(client: DocumentClient, tableName: string, poolId: string, prefix: string): Promise<string[]> {
  return (await queryPoolPrefix(client, tableName, poolId, prefix, 'sk')).map((item) => String(item.sk));
}
