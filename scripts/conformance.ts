/**
 * Runs the conformance suites and prints their reports: x509-limbo (path
 * validation, with OpenSSL and pkijs for comparison), then all of NIST PKITS
 * (path validation, name constraints, policies, revocation with
 * operator-uploaded CRLs; OpenSSL alongside), one table row per section.
 *
 *   npx tsx scripts/conformance.ts [--verbose]
 *
 * Exits 0 when the core matches limbo on every applicable case except the
 * expected deviations (test/conformance/limbo-deviations.json), PKITS on every
 * test except its expected deviations (test/conformance/pkits/deviations.json)
 * with no false accept at all, and every listed deviation still occurs; 1
 * otherwise; 2 when a suite cannot run.
 */
import { resolve } from 'node:path';
import { formatLimboCases, formatLimboReport } from '../test/conformance/support/limbo-report';
import { runLimboConformance } from '../test/conformance/support/limbo-suite';
import { formatPkitsCases, formatPkitsReport } from '../test/conformance/support/pkits-report';
import { runPkitsConformance } from '../test/conformance/support/pkits-suite';

async function main(): Promise<number> {
  const repoRoot = resolve(__dirname, '..');
  const verbose = process.argv.includes('--verbose');
  const limbo = await runLimboConformance({ repoRoot });
  if (verbose) process.stdout.write(`${formatLimboCases(limbo)}\n`);
  process.stdout.write(formatLimboReport(limbo, repoRoot));
  const pkits = await runPkitsConformance({ repoRoot });
  process.stdout.write('\n');
  if (verbose) process.stdout.write(`${formatPkitsCases(pkits)}\n`);
  process.stdout.write(formatPkitsReport(pkits, repoRoot));
  const limboOk = limbo.deviations.unexpected.length === 0 && limbo.deviations.stale.length === 0;
  const pkitsOk = pkits.falseAccepts.length === 0 && pkits.deviations.unexpected.length === 0 && pkits.deviations.stale.length === 0;
  return limboOk && pkitsOk ? 0 : 1;
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
