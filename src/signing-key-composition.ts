import type { KeySpec } from '@aws-sdk/client-kms';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { kmsClient } from './aws-clients';
import { positiveIntegerEnv, requireEnv } from './config';
import { ENV, signingKeyAliasPrefix } from './config-names';
import { KmsSigningKeyVault, type KmsSigningKeyVaultConfig } from './crypto/kms-signing-key-vault';
import { DynamoSigningKeyRepository } from './storage/dynamo-signing-key-repository';
import type { DirectoryRepository } from './usecases/ports';
import { SigningKeyService } from './usecases/signing-keys';

/** The key specs the stack offers (lib/constructs/token-signing-key.ts). */
const KEY_SPECS: readonly KeySpec[] = ['ECC_NIST_P256', 'RSA_2048'];
/** Tag values may hold more, but the tag is also a path segment of every alias. */
const STACK_TAG = /^[A-Za-z0-9_-]{1,64}$/;

/** Misconfiguration fails at cold start: the tag, spec and alias prefix the stack passes to the admin function. */
export function signingKeyVaultConfig(): KmsSigningKeyVaultConfig {
  const stackTag = requireEnv(ENV.signingKeyStackTag);
  if (!STACK_TAG.test(stackTag)) throw new Error(`${ENV.signingKeyStackTag} must match ${STACK_TAG.source}`);
  const keySpec = requireEnv(ENV.signingKeySpec) as KeySpec;
  if (!KEY_SPECS.includes(keySpec)) throw new Error(`${ENV.signingKeySpec} must be one of ${KEY_SPECS.join(', ')}`);
  const aliasPrefix = requireEnv(ENV.signingKeyAliasPrefix);
  // IAM allows CreateAlias under exactly this prefix; anything else would fail at the first rotation.
  if (aliasPrefix !== signingKeyAliasPrefix(stackTag)) throw new Error(`${ENV.signingKeyAliasPrefix} must be ${signingKeyAliasPrefix(stackTag)}`);
  return { stackTag, keySpec, aliasPrefix, legacyKeyArn: process.env[ENV.kmsKeyId] || undefined };
}

/** Signing-key management as the admin function and the operator scripts run it. */
export function signingKeyService(deps: {
  client: DynamoDBDocumentClient;
  tableName: string;
  directory: Pick<DirectoryRepository, 'getPool'>;
  clock: () => Date;
}): SigningKeyService {
  return new SigningKeyService({
    directory: deps.directory,
    keyList: new DynamoSigningKeyRepository(deps.client, deps.tableName),
    vault: new KmsSigningKeyVault(kmsClient(), signingKeyVaultConfig()),
    tokenLifetimeSeconds: positiveIntegerEnv(ENV.tokenTtlSeconds, 3600),
    clock: deps.clock,
  });
}
