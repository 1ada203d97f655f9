import type { SigningKeyManagementConfig } from './config';
import { loadOnFirstUse } from './load-on-first-use';
import type { DocumentClient } from './storage/document-client';
import { DynamoSigningKeyRepository } from './storage/dynamo-signing-key-repository';
import type { DirectoryRepository, SigningKeyVault } from './usecases/ports';
import { SigningKeyService } from './usecases/signing-keys';

/** Signing-key management as the admin function and the operator scripts run it. */
export function signingKeyService(deps: {
  client: DocumentClient;
  config: SigningKeyManagementConfig;
  directory: Pick<DirectoryRepository, 'getPool'>;
  clock: () => Date;
}): SigningKeyService {
  return new SigningKeyService({
    directory: deps.directory,
    keyList: new DynamoSigningKeyRepository(deps.client, deps.config.tableName),
    vault: kmsSigningKeyVault(deps.config),
    tokenLifetimeSeconds: deps.config.tokenLifetimeSeconds,
    clock: deps.clock,
  });
}

/**
 * The KMS side, with its client loaded on first use: of the admin function's
 * requests only creating an environment, rotating a pool's key and the daily
 * sweep reach KMS, so the others and its cold start do without the KMS client.
 */
function kmsSigningKeyVault(config: SigningKeyManagementConfig): SigningKeyVault {
  const vault = loadOnFirstUse(async () => {
    const [{ kmsClient }, { KmsSigningKeyVault }] = await Promise.all([import('./aws-kms-client'), import('./crypto/kms-signing-key-vault')]);
    return new KmsSigningKeyVault(kmsClient(), config.vault);
  });
  return {
    createKey: async (poolId, aliasNumber) => (await vault()).createKey(poolId, aliasNumber),
    legacyKey: async () => (await vault()).legacyKey(),
    scheduleDeletion: async (keyArn) => (await vault()).scheduleDeletion(keyArn),
  };
}
