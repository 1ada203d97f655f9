import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { checkDeviations, type DeviationCheck, type ExpectedDeviation, loadExpectedDeviations } from './limbo-deviations';
import { opensslVersion } from './limbo-openssl-engine';
import type { EngineVerdict } from './limbo-verdict';
import { type PkitsOutcome, runPkitsTest } from './pkits-engine';
import { loadPkitsData, type PkitsTest, pkitsDataDir } from './pkits-manifest';
import { PKITS_OPENSSL_FLAGS, runPkitsOpenssl } from './pkits-openssl-engine';
import { PKITS_VALIDATION_TIME } from './pkits-policy';

export interface PkitsRunOptions {
  readonly repoRoot: string;
  /** PKITS section numbers, e.g. ['4.4', '4.14']; default: every section of the manifest. */
  readonly sections?: readonly string[];
  /** Default: the vendored copy, `<repoRoot>/test/conformance/pkits/data`. */
  readonly dataDir?: string;
  /** Default: `<repoRoot>/test/conformance/pkits/deviations.json`. */
  readonly deviationsPath?: string;
  /** Run `openssl verify` on the same tests for comparison (default true; skipped when the CLI is missing). */
  readonly openssl?: boolean;
}

export type PkitsClass = 'agree' | 'false-accept' | 'false-reject' | 'skipped';

export interface PkitsSectionSummary {
  readonly section: string;
  readonly title: string;
  readonly tests: number;
  readonly agree: number;
  readonly falseAccepts: number;
  readonly falseRejects: number;
  readonly skipped: number;
  /** Tests where OpenSSL's verdict is PKITS' (undefined when OpenSSL was not run). */
  readonly opensslAgree: number | undefined;
}

export interface PkitsConformanceReport {
  readonly dataDir: string;
  readonly deviationsPath: string;
  readonly validationTime: Date;
  readonly sections: readonly PkitsSectionSummary[];
  readonly outcomes: readonly PkitsOutcome[];
  /** Never acceptable, listed or not: the product said valid where PKITS says invalid. */
  readonly falseAccepts: readonly PkitsOutcome[];
  readonly listedDeviations: readonly ExpectedDeviation[];
  /** Against the checked-in list: `unexpected` are unlisted disagreements (skipped tests included), `stale` listed ones that no longer occur. */
  readonly deviations: DeviationCheck;
  /** `openssl version` and flags, or why OpenSSL was not run. */
  readonly openssl: { readonly ran: boolean; readonly note: string; readonly verdicts: ReadonlyMap<string, EngineVerdict> };
  readonly elapsedMs: number;
}

export function classify(outcome: PkitsOutcome): PkitsClass {
  if (outcome.verdict === 'skipped') return 'skipped';
  if (outcome.verdict === outcome.test.expected) return 'agree';
  return outcome.verdict === 'valid' ? 'false-accept' : 'false-reject';
}

/** Whether OpenSSL's verdict on a test is PKITS' (no verdict never agrees). */
export function opensslAgrees(test: PkitsTest, verdict: EngineVerdict | undefined): boolean {
  return verdict !== undefined && verdict.result !== 'ERROR' && (verdict.result === 'SUCCESS') === (test.expected === 'valid');
}

/**
 * Runs the tests of the given sections through the product (CRL upload,
 * path validation, revocation check) and, concurrently, through `openssl
 * verify` for comparison.
 */
export async function runPkitsConformance(options: PkitsRunOptions): Promise<PkitsConformanceReport> {
  const started = Date.now();
  const dataDir = options.dataDir ?? pkitsDataDir(options.repoRoot);
  const data = loadPkitsData(dataDir);
  const deviationsPath = options.deviationsPath ?? join(options.repoRoot, 'test', 'conformance', 'pkits', 'deviations.json');
  const listedDeviations = loadExpectedDeviations(deviationsPath);
  const sections = options.sections ?? [...new Set(data.tests.map((t) => t.section))];
  const unknown = sections.filter((s) => !data.tests.some((t) => t.section === s));
  if (unknown.length > 0) throw new Error(`PKITS has no section ${unknown.join(', ')}`);
  const tests = data.tests.filter((t) => sections.includes(t.section));

  const version = options.openssl === false ? undefined : opensslVersion();
  const opensslRun =
    version === undefined ? Promise.resolve(new Map<string, EngineVerdict>()) : runPkitsOpenssl(data, tests, PKITS_VALIDATION_TIME, availableParallelism());
  const outcomes: PkitsOutcome[] = [];
  for (const test of tests) {
    outcomes.push(await runPkitsTest(data, test));
    // Lets OpenSSL's exits be handled while the CPU-bound core runs.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const openssl = await opensslRun;
  const disagreeing = outcomes.filter((o) => classify(o) !== 'agree').map((o) => o.test.id);
  const note =
    version === undefined
      ? options.openssl === false
        ? 'not run (disabled)'
        : 'openssl CLI not found: not run'
      : `${version}; verify ${PKITS_OPENSSL_FLAGS.join(' ')} -policy <initial set> -attime <validation time>`;
  return {
    dataDir,
    deviationsPath,
    validationTime: PKITS_VALIDATION_TIME,
    sections: sections.map((section) =>
      summarise(
        section,
        outcomes.filter((o) => o.test.section === section),
        version === undefined ? undefined : openssl,
      ),
    ),
    outcomes,
    falseAccepts: outcomes.filter((o) => classify(o) === 'false-accept'),
    listedDeviations,
    deviations: checkDeviations(listedDeviations, disagreeing),
    openssl: { ran: version !== undefined, note, verdicts: openssl },
    elapsedMs: Date.now() - started,
  };
}

function summarise(section: string, outcomes: readonly PkitsOutcome[], openssl: ReadonlyMap<string, EngineVerdict> | undefined): PkitsSectionSummary {
  const count = (c: PkitsClass): number => outcomes.filter((o) => classify(o) === c).length;
  return {
    section,
    title: outcomes[0]?.test.sectionTitle ?? '',
    tests: outcomes.length,
    agree: count('agree'),
    falseAccepts: count('false-accept'),
    falseRejects: count('false-reject'),
    skipped: count('skipped'),
    opensslAgree: openssl === undefined ? undefined : outcomes.filter((o) => opensslAgrees(o.test, openssl.get(o.test.id))).length,
  };
}
