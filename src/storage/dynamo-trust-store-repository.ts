import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DependencyError, callDependency } from '../errors';
import type { RootCertificate } from '../domain/model';
import type { TrustStoreRepository } from '../usecases/ports';
import { cancellationReasons, isConditionalCheckFailure, keys } from './keys';
import { commitTrustChange, putIfAbsent, queryPoolPrefix } from './table-operations';

/**
 * A pool's trust anchors, DER included, under the pool's partition, one
 * record per subject + key (keys.ts): the token function reads the whole
 * trust list with one strongly consistent Query.
 * Each record names the S3 object holding its PEM copy (`objectKey`, unique
 * per upload); every change of that pointer is conditioned on the value read,
 * which is what keeps record and object in step under concurrent uploads and
 * deletes (src/usecases/certificates.ts).
 */
export class DynamoTrustStoreRepository implements TrustStoreRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getRoot(poolId: string, anchorId: string): Promise<RootCertificate | undefined> {
    const result = await callDependency('dynamodb', () =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.root(poolId, anchorId), ConsistentRead: true })),
    );
    return result.Item ? toRoot(result.Item) : undefined;
  }

  /** false when a record for this anchor already exists. */
  async createRoot(poolId: string, root: RootCertificate): Promise<boolean> {
    return putIfAbsent(this.client, this.tableName, rootItem(poolId, root));
  }

  /** Replaces the whole record; false when it is gone or no longer points at `expectedObjectKey`. */
  async replaceRoot(poolId: string, root: RootCertificate, expectedObjectKey: string): Promise<boolean> {
    return callDependency('dynamodb', async () => {
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: rootItem(poolId, root),
            ConditionExpression: 'objectKey = :expected',
            ExpressionAttributeValues: { ':expected': expectedObjectKey },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) return false;
        throw error;
      }
    });
  }

  async listRoots(poolId: string): Promise<RootCertificate[]> {
    return (await queryPoolPrefix(this.client, this.tableName, poolId, keys.rootPrefix)).map(toRoot);
  }

  /**
   * Removes the records and moves the pool's trustEpoch in one transaction
   * (keys.ts); false when any record is gone or points at another object.
   */
  async deleteRoots(poolId: string, roots: readonly Pick<RootCertificate, 'anchorId' | 'objectKey'>[]): Promise<boolean> {
    try {
      await callDependency('dynamodb', () =>
        commitTrustChange(
          this.client,
          this.tableName,
          poolId,
          roots.map((root) => ({
            Delete: {
              TableName: this.tableName,
              Key: keys.root(poolId, root.anchorId),
              ConditionExpression: 'objectKey = :expected',
              ExpressionAttributeValues: { ':expected': root.objectKey },
            },
          })),
        ),
      );
      return true;
    } catch (error) {
      const reasons = cancellationReasons(error instanceof DependencyError ? error.cause : error);
      if (reasons?.slice(0, roots.length).includes('ConditionalCheckFailed')) return false;
      throw error;
    }
  }
}

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
