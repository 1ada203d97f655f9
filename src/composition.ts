import { adminKeySource } from './admin-key-source';
import type { AdminFunctionConfig } from './config';
import type { DocumentClient } from './storage/document-client';
import { DynamoApiKeyRepository } from './storage/dynamo-api-key-repository';
import { DynamoDirectoryRepository } from './storage/dynamo-directory-repository';
import { ApiKeyAuthenticator } from './usecases/authenticate';

/**
 * Wiring shared by the admin-key-protected functions (admin, certificates);
 * each handler file calls it once at module scope (cold start) with its
 * function's configuration (src/config.ts).
 */
export function adminAccess(client: DocumentClient, config: Pick<AdminFunctionConfig, 'tableName' | 'trustWindow' | 'adminKey'>) {
  const apiKeys = new DynamoApiKeyRepository(client, config.tableName);
  return {
    apiKeys,
    directory: new DynamoDirectoryRepository(client, config.tableName, config.trustWindow),
    authenticator: new ApiKeyAuthenticator(adminKeySource(config.adminKey), apiKeys),
  };
}
