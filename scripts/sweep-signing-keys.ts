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
import { configuredTrustDecisionWindow, requireEnv } from '../src/config';
import { ENV } from '../src/config-names';
import { signingKeyService } from '../src/signing-key-composition';
import { DynamoDirectoryRepository } from '../src/storage/dynamo-directory-repository';

async function main(): Promise<number> {
  const client = documentClient();
  const tableName = requireEnv(ENV.tableName);
  const signingKeys = signingKeyService({
    client,
    tableName,
    directory: new DynamoDirectoryRepository(client, tableName, configuredTrustDecisionWindow()),
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
