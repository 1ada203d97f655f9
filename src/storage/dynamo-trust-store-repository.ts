import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DependencyError, callDependency } from '../errors';
import type { RootCertificate } from '../domain/model';
import type { TrustStoreRepository } from '../usecases/ports';
import { cancellationReasons, isConditionalCheckFailure, keys } from './keys';
import { commitTrustChange, putIfAbsent, queryPoolPrefix } from './table-operations';

/**
 * A pool's trusted roots, DER included, under the pool's partition: the token
 * function reads the whole trust list with one strongly consistent Query.
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

  async getRoot(poolId: string, fingerprint: string): Promise<RootCertificate | undefined> {
    const result = await callDependency('dynamodb', () =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.root(poolId, fingerprint), ConsistentRead: true })),
    );
    return result.Item ? toRoot(result.Item) : undefined;
  }

  /** false when a record with this fingerprint already exists. */
  async createRoot(poolId: string, root: RootCertificate): Promise<boolean> {
    return putIfAbsent(this.client, this.tableName, { ...keys.root(poolId, root.fingerprint), type: 'root', ...root });
  }

  /** Points the record at a new object; false when the record is gone or no longer points at `expectedObjectKey`. */
  async replaceRootObject(poolId: string, fingerprint: string, expectedObjectKey: string, objectKey: string): Promise<boolean> {
    return callDependency('dynamodb', async () => {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.root(poolId, fingerprint),
            UpdateExpression: 'SET objectKey = :objectKey',
            ConditionExpression: 'objectKey = :expected',
            ExpressionAttributeValues: { ':objectKey': objectKey, ':expected': expectedObjectKey },
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
   * Removes the anchor and moves the pool's trustEpoch in one transaction
   * (keys.ts); false when the record is gone or points at another object.
   */
  async deleteRoot(poolId: string, fingerprint: string, expectedObjectKey: string): Promise<boolean> {
    try {
      await callDependency('dynamodb', () =>
        commitTrustChange(this.client, this.tableName, poolId, [
          {
            Delete: {
              TableName: this.tableName,
              Key: keys.root(poolId, fingerprint),
              ConditionExpression: 'objectKey = :expected',
              ExpressionAttributeValues: { ':expected': expectedObjectKey },
            },
          },
        ]),
      );
      return true;
    } catch (error) {
      if (cancellationReasons(error instanceof DependencyError ? error.cause : error)?.[0] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }
}

function toRoot(item: Record<string, unknown>): RootCertificate {
  return {
    fingerprint: String(item.fingerprint),
    subject: String(item.subject),
    notBefore: String(item.notBefore),
    notAfter: String(item.notAfter),
    filename: String(item.filename),
    uploadedAt: String(item.uploadedAt),
    der: String(item.der),
    objectKey: String(item.objectKey),
  };
}
