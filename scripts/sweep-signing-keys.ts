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
import { signingKeyManagementConfig } from '../src/config';
import { operatorSigningKeys, runOperatorScript } from './support/operator-script';

async function main(): Promise<number> {
  const { signingKeys } = operatorSigningKeys(signingKeyManagementConfig());
  const totals = await signingKeys.sweepAll();
  process.stdout.write(`${JSON.stringify(totals)}\n`);
  return totals.failed === 0 ? 0 : 1;
}

runOperatorScript('sweep-signing-keys', main);
