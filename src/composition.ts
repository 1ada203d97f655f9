import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { adminKeySource } from './aws-secrets-client';
import { configuredTrustDecisionWindow, requireEnv } from './config';
import { ENV } from './config-names';
import { DynamoApiKeyRepository } from './storage/dynamo-api-key-repository';
import { DynamoDirectoryRepository } from './storage/dynamo-directory-repository';
import { ApiKeyAuthenticator } from './usecases/authenticate';

/**
 * Wiring shared by the admin-key-protected functions; each handler file calls
 * it once at module scope (cold start), so misconfiguration fails there.
 */
export function adminAccess(client: DynamoDBDocumentClient) {
  const tableName = requireEnv(ENV.tableName);
  const apiKeys = new DynamoApiKeyRepository(client, tableName);
  return {
    tableName,
    apiKeys,
    directory: new DynamoDirectoryRepository(client, tableName, configuredTrustDecisionWindow()),
    authenticator: new ApiKeyAuthenticator(adminKeySource(), apiKeys),
  };
}
