/**
 * The daily sweep of retired pool signing keys, on demand (README "Rotating
 * a pool's signing key"): removes keys retired for longer than the margin
 * from their pool items and schedules their KMS keys for deletion. The stack
 * runs the same sweep daily in the admin function.
 *
 *   npm run -s sweep-signing-keys
 *
 * Same environment as migrate-pool-keys.ts. Exits 0, or 1 when a pool failed.
 */
import { documentClient } from '../src/aws-clients';
import { signingKeyManagementConfig } from '../src/config';
import { signingKeyService } from '../src/signing-key-composition';
import { DynamoDirectoryRepository } from '../src/storage/dynamo-directory-repository';

async function main(): Promise<number> {
  const config = signingKeyManagementConfig();
  const client = documentClient();
  const signingKeys = signingKeyService({
    client,
    config,
    directory: new DynamoDirectoryRepository(client, config.tableName, config.trustWindow),
    clock: () => new Date(),
  });
  const totals = await signingKeys.sweepAll();
  process.stdout.write(`${JSON.stringify(totals)}\n`);
  return totals.failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`sweep-signing-keys: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
