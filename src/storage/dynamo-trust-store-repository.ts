import type { RootCertificate } from '../domain/model';
import type { TrustDecisionWindow } from '../domain/trust-decision-window';
import { callDependency, DependencyError } from '../errors';
import type { TrustStoreRepository } from '../usecases/ports';
import type { DocumentClient } from './document-client';
import { cancellationReasons, keys, POOL_ANCHORS } from './keys';
import { commitTrustChange, queryPoolPrefix, settledAfter, transactWrite } from './table-operations';
import { settleTrustChange } from './trust-decision-window';

/**
 * A pool's trust anchors: one `ROOT#{anchorId}` record per subject + key
 * (keys.ts) with the metadata, the DER held and the S3 object of its PEM
 * copy, and the same DER in the pool item's `anchors` map (anchorId → base64
 * DER), which is what the token path reads, with the pool, in its one batch
 * read. Record and map entry change in one transaction.
 *
 * Invariant: once a pool item has `anchors`, the map has an entry for every
 * ROOT# record of the pool (and only for them). Every write of a record puts
 * its entry, conditioned on the map existing; a pool without the map (created
 * before it existed) gets it whole, from a Query of its records, in the first
 * such write, conditioned on it still being absent, so two concurrent first
 * writes cannot both initialise it. A delete removes records and entries
 * together. Records older than the map were written by code that no longer
 * runs, so the Query sees all of them. Until a pool's first root write, the
 * token path reads its records by Query instead.
 *
 * Each record names the S3 object holding its PEM copy (`objectKey`, unique
 * per upload); every change of that pointer is conditioned on the value read,
 * which is what keeps record and object in step under concurrent uploads and
 * deletes (src/usecases/certificates.ts).
 */
export class DynamoTrustStoreRepository implements TrustStoreRepository {
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
    private readonly window: TrustDecisionWindow,
  ) {}

  async getRoot(poolId: string, anchorId: string): Promise<RootCertificate | undefined> {
    const result = await callDependency('dynamodb', () =>
      this.client.get({ TableName: this.tableName, Key: keys.root(poolId, anchorId), ConsistentRead: true }),
    );
    return result.Item ? toRoot(result.Item) : undefined;
  }

  /** false when a record for this anchor already exists. */
  async createRoot(poolId: string, root: RootCertificate): Promise<boolean> {
    return this.writeRoot(poolId, root, { ConditionExpression: 'attribute_not_exists(pk)' }, false);
  }

  /**
   * Replaces the whole record; false when it is gone or no longer points at
   * `expectedObjectKey`. `certificateChanged`: the anchor now holds another
   * certificate (a renewal, another encoding), whose own validity and
   * constraints may trust less: the write then moves the pool's trustEpoch
   * and settles like every change that takes trust away (keys.ts).
   */
  async replaceRoot(
    poolId: string,
    root: RootCertificate,
    expectedObjectKey: string,
    { certificateChanged }: { certificateChanged: boolean },
  ): Promise<boolean> {
    const condition = { ConditionExpression: 'objectKey = :expected', ExpressionAttributeValues: { ':expected': expectedObjectKey } };
    if (!certificateChanged) return this.writeRoot(poolId, root, condition, false);
    return settledAfter(this.window, () => this.writeRoot(poolId, root, condition, true));
  }

  /** The settle wait of a change that took trust away, for an answer that depends on one (src/usecases/certificates.ts). */
  async settleTrustChange(): Promise<void> {
    await settleTrustChange(this.window);
  }

  async listRoots(poolId: string): Promise<RootCertificate[]> {
    return (await queryPoolPrefix(this.client, this.tableName, poolId, keys.rootPrefix)).map(toRoot);
  }

  /**
   * Removes the records and their map entries and moves the pool's
   * trustEpoch in one transaction (keys.ts); false when any record is gone
   * or points at another object.
   */
  async deleteRoots(poolId: string, roots: readonly Pick<RootCertificate, 'anchorId' | 'objectKey'>[]): Promise<boolean> {
    const deletes = roots.map((root) => ({
      Delete: {
        TableName: this.tableName,
        Key: keys.root(poolId, root.anchorId),
        ConditionExpression: 'objectKey = :expected',
        ExpressionAttributeValues: { ':expected': root.objectKey },
      },
    }));
    const names = Object.fromEntries(roots.map((root, index) => [`#a${index}`, root.anchorId]));
    const indexed = {
      remove: roots.map((_, index) => `${ANCHORS}.#a${index}`),
      names: { ...names, '#anchors': ANCHORS },
      condition: 'attribute_exists(#anchors)',
    };
    const unindexed = { names: { '#anchors': ANCHORS }, condition: 'attribute_not_exists(#anchors)' };
    for (let round = 1; round <= INDEX_ROUNDS; round++) {
      for (const poolUpdate of [indexed, unindexed]) {
        try {
          await callDependency('dynamodb', () => commitTrustChange(this.client, this.tableName, poolId, deletes, this.window, poolUpdate));
          return true;
        } catch (error) {
          const reasons = cancellationReasons(error instanceof DependencyError ? error.cause : error);
          if (reasons?.slice(0, roots.length).includes('ConditionalCheckFailed')) return false;
          // The pool's map is not as assumed (or the pool is gone): try the other form.
          if (reasons?.[roots.length] !== 'ConditionalCheckFailed') throw error;
        }
      }
    }
    throw new DependencyError('dynamodb', new Error('the pool kept changing while its roots were deleted'));
  }

  /**
   * The record and its map entry, in one transaction (with an increment of
   * the pool's trustEpoch when `takesTrust`). The first write of a pool
   * without the map creates it whole from the pool's records, on the
   * condition that the map is still absent and the trustEpoch unchanged
   * since those records were listed: a delete in between (it moves the epoch)
   * makes it list again, so a deleted root never re-enters the map.
   */
  private async writeRoot(
    poolId: string,
    root: RootCertificate,
    condition: { ConditionExpression: string; ExpressionAttributeValues?: Record<string, unknown> },
    takesTrust: boolean,
  ): Promise<boolean> {
    const put = { Put: { TableName: this.tableName, Item: rootItem(poolId, root), ...condition } };
    const epochIncrement = takesTrust ? ', trustEpoch = if_not_exists(trustEpoch, :zero) + :one' : '';
    const epochValues = takesTrust ? { ':zero': 0, ':one': 1 } : {};
    for (let round = 1; round <= INDEX_ROUNDS; round++) {
      const entry = {
        Update: {
          TableName: this.tableName,
          Key: keys.pool(poolId),
          UpdateExpression: `SET #anchors.#id = :der${epochIncrement}`,
          ConditionExpression: 'attribute_exists(#anchors)',
          ExpressionAttributeNames: { '#anchors': ANCHORS, '#id': root.anchorId },
          ExpressionAttributeValues: { ':der': root.der, ...epochValues },
        },
      };
      const outcome = await this.transact([put, entry]);
      if (outcome !== 'pool-condition') return outcome === 'written';
      const epoch = await this.trustEpoch(poolId);
      const existing = await this.listRoots(poolId);
      const whole = Object.fromEntries([...existing.map((record) => [record.anchorId, record.der]), [root.anchorId, root.der]]);
      const initialise = {
        Update: {
          TableName: this.tableName,
          Key: keys.pool(poolId),
          UpdateExpression: `SET #anchors = :anchors${epochIncrement}`,
          ConditionExpression:
            epoch === undefined
              ? 'attribute_exists(pk) AND attribute_not_exists(#anchors) AND attribute_not_exists(trustEpoch)'
              : 'attribute_exists(pk) AND attribute_not_exists(#anchors) AND trustEpoch = :epoch',
          ExpressionAttributeNames: { '#anchors': ANCHORS },
          ExpressionAttributeValues: { ':anchors': whole, ...epochValues, ...(epoch === undefined ? {} : { ':epoch': epoch }) },
        },
      };
      const first = await this.transact([put, initialise]);
      if (first !== 'pool-condition') return first === 'written';
    }
    throw new DependencyError('dynamodb', new Error('the pool kept changing while a root was written'));
  }

  /** The pool's trustEpoch as stored (undefined: never moved), strongly consistent. */
  private async trustEpoch(poolId: string): Promise<number | undefined> {
    const result = await callDependency('dynamodb', () =>
      this.client.get({ TableName: this.tableName, Key: keys.pool(poolId), ConsistentRead: true, ProjectionExpression: 'trustEpoch' }),
    );
    const epoch = result.Item?.trustEpoch;
    return typeof epoch === 'number' ? epoch : undefined;
  }

  private async transact(items: Parameters<typeof transactWrite>[1]): Promise<'written' | 'record-condition' | 'pool-condition'> {
    try {
      await callDependency('dynamodb', () => transactWrite(this.client, items));
      return 'written';
    } catch (error) {
      const reasons = cancellationReasons(error instanceof DependencyError ? error.cause : error);
      if (reasons?.[0] === 'ConditionalCheckFailed') return 'record-condition';
      if (reasons?.[1] === 'ConditionalCheckFailed') return 'pool-condition';
      throw error;
    }
  }
}

const ANCHORS = POOL_ANCHORS;
/** Rounds against concurrent first writes of a pool's map before answering 503. */
const INDEX_ROUNDS = 4;

function rootItem(poolId: string, root: RootCertificate): Record<string, unknown> {
  return { ...keys.root(poolId, root.anchorId), type: 'root', ...root };
}

function toRoot(item: Record<string, unknown>): RootCertificate {
  const fingerprint = String(item.fingerprint);
  return {
    anchorId: String(item.sk).slice(keys.rootPrefix.length),
    fingerprint,
    // Records written before anchors were keyed by identity hold one fingerprint.
    fingerprints: Array.isArray(item.fingerprints) ? item.fingerprints.map(String) : [fingerprint],
    subject: String(item.subject),
    notBefore: String(item.notBefore),
    notAfter: String(item.notAfter),
    filename: String(item.filename),
    uploadedAt: String(item.uploadedAt),
    der: String(item.der),
    objectKey: String(item.objectKey),
  };
}
