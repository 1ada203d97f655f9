/**
 * One-off migration to per-pool signing keys (docs/contract.md §4.6, README "Migrating
 * existing pools"): rotates every pool that still signs with the stack's
 * shared key, with the same use case as `POST .../signing-keys/rotate`.
 *
 *   npm run -s migrate-pool-keys [-- --dry-run]
 *
 * Reads the admin function's configuration from the environment (TABLE_NAME,
 * KMS_KEY_ID, SIGNING_KEY_STACK_TAG, SIGNING_KEY_SPEC,
 * SIGNING_KEY_ALIAS_PREFIX, TOKEN_TTL_SECONDS) and runs with the caller's AWS
 * credentials; finds the pools with a Scan. Prints one JSON line per pool and
 * a summary; exits 0 when every pool was rotated (or would be, with
 * --dry-run), 1 when one failed (run it again: migrated pools are skipped),
 * 2 when it cannot start.
 */
import { ConfigurationError, signingKeyManagementConfig } from '../src/config';
import { ENV } from '../src/config-names';
import { DynamoSigningKeyRepository } from '../src/storage/dynamo-signing-key-repository';
import { migrateLegacyPools } from '../src/usecases/migrate-pool-keys';
import { operatorSigningKeys, runOperatorScript } from './support/operator-script';

async function main(): Promise<number> {
  const dryRun = process.argv.includes('--dry-run');
  const config = signingKeyManagementConfig();
  if (!config.vault.legacyKeyArn) throw new ConfigurationError(ENV.kmsKeyId, 'is required: the shared key the pools to migrate sign with');
  const { client, signingKeys } = operatorSigningKeys(config);
  const results = await migrateLegacyPools({ keyList: new DynamoSigningKeyRepository(client, config.tableName), signingKeys }, { dryRun });
  for (const result of results) process.stdout.write(`${JSON.stringify(result)}\n`);
  const failed = results.filter((result) => result.outcome === 'failed').length;
  process.stdout.write(`${JSON.stringify({ pools: results.length, failed, dryRun })}\n`);
  return failed === 0 ? 0 : 1;
}

runOperatorScript('migrate-pool-keys', main);
