import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { callDependency } from '../errors';
import type { ApiKeyRepository } from '../usecases/ports';
import { keys } from './keys';

export class DynamoApiKeyRepository implements ApiKeyRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createApiKey(record: { keyId: string; orgId: string; secretHash: string; createdAt: string }): Promise<void> {
    await callDependency('dynamodb', () =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.apiKey(record.keyId), type: 'apiKey', ...record },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async findApiKey(keyId: string): Promise<{ orgId: string; secretHash: string } | undefined> {
    const result = await callDependency('dynamodb', () =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: keys.apiKey(keyId), ConsistentRead: true })),
    );
    if (!result.Item) return undefined;
    return { orgId: String(result.Item.orgId), secretHash: String(result.Item.secretHash) };
  }
}
