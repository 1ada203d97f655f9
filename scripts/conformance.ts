/**
 * Runs the x509-limbo conformance suite and prints the report.
 *
 *   npx tsx scripts/conformance.ts [--verbose]
 *
 * Exits 0 when the core matches limbo on every applicable case except the
 * expected deviations (test/conformance/limbo-deviations.json) and every
 * listed deviation still occurs; 1 otherwise; 2 when the suite cannot run.
 */
import { resolve } from 'node:path';
import { formatLimboCases, formatLimboReport } from '../src/conformance/limbo-report';
import { runLimboConformance } from '../src/conformance/limbo-suite';

async function main(): Promise<number> {
  const repoRoot = resolve(__dirname, '..');
  const report = await runLimboConformance({ repoRoot });
  if (process.argv.includes('--verbose')) process.stdout.write(`${formatLimboCases(report)}\n`);
  process.stdout.write(formatLimboReport(report, repoRoot));
  const { unexpected, stale } = report.deviations;
  return unexpected.length === 0 && stale.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`conformance: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 2;
  },
);
