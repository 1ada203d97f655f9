import { DeleteCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { callDependency } from '../errors';
import type { RootCertificate } from '../domain/model';
import type { TrustStoreRepository } from '../usecases/ports';
import { keys } from './keys';
import { putIfAbsent, queryPoolPrefix } from './table-operations';

/**
 * A pool's trusted roots, DER included, under the pool's partition: the token
 * function reads the whole trust list with one strongly consistent Query, so a
 * deleted root is refused by the very next request.
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

  async putRoot(poolId: string, root: RootCertificate): Promise<boolean> {
    return putIfAbsent(this.client, this.tableName, { ...keys.root(poolId, root.fingerprint), type: 'root', ...root });
  }


  async listRoots(poolId: string): Promise<RootCertificate[]> {
    return (await queryPoolPrefix(this.client, this.tableName, poolId, keys.rootPrefix)).map(toRoot);
  }

  async deleteRoot(poolId: string, fingerprint: string): Promise<void> {
    await callDependency('dynamodb', () =>
      this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keys.root(poolId, fingerprint) })),
    );
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
