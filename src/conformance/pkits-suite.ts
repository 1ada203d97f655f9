import { join } from 'node:path';
import { type DeviationCheck, type ExpectedDeviation, checkDeviations, loadExpectedDeviations } from './limbo-deviations';
import { type PkitsOutcome, runPkitsTest } from './pkits-engine';
import { loadPkitsData, pkitsDataDir } from './pkits-manifest';
import { PKITS_VALIDATION_TIME } from './pkits-policy';

/** The PKITS sections whose verdicts depend on revocation processing. */
export const PKITS_REVOCATION_SECTIONS = ['4.4', '4.14', '4.15'] as const;

export interface PkitsRunOptions {
  readonly repoRoot: string;
  /** PKITS section numbers, e.g. ['4.4', '4.14']. */
  readonly sections: readonly string[];
  /** Default: the vendored copy, `<repoRoot>/test/conformance/pkits/data`. */
  readonly dataDir?: string;
  /** Default: `<repoRoot>/test/conformance/pkits/revocation-deviations.json`. */
  readonly deviationsPath?: string;
}

export type PkitsClass = 'agree' | 'false-accept' | 'false-reject';

export interface PkitsSectionSummary {
  readonly section: string;
  readonly title: string;
  readonly tests: number;
  readonly agree: number;
  readonly falseAccepts: number;
  readonly falseRejects: number;
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
  /** Against the checked-in list: `unexpected` are unlisted disagreements, `stale` listed ones that no longer occur. */
  readonly deviations: DeviationCheck;
  readonly elapsedMs: number;
}

export function classify(outcome: PkitsOutcome): PkitsClass {
  if (outcome.verdict === outcome.test.expected) return 'agree';
  return outcome.verdict === 'valid' ? 'false-accept' : 'false-reject';
}

/** Runs every test of the given sections through the product (CRL upload, path validation, revocation check). */
export async function runPkitsConformance(options: PkitsRunOptions): Promise<PkitsConformanceReport> {
  const started = Date.now();
  const dataDir = options.dataDir ?? pkitsDataDir(options.repoRoot);
  const data = loadPkitsData(dataDir);
  const deviationsPath = options.deviationsPath ?? join(options.repoRoot, 'test', 'conformance', 'pkits', 'revocation-deviations.json');
  const listedDeviations = loadExpectedDeviations(deviationsPath);
  const unknown = options.sections.filter((s) => !data.tests.some((t) => t.section === s));
  if (unknown.length > 0) throw new Error(`PKITS has no section ${unknown.join(', ')}`);

  const outcomes: PkitsOutcome[] = [];
  for (const test of data.tests.filter((t) => options.sections.includes(t.section))) outcomes.push(await runPkitsTest(data, test));
  const disagreeing = outcomes.filter((o) => classify(o) !== 'agree').map((o) => o.test.id);
  return {
    dataDir,
    deviationsPath,
    validationTime: PKITS_VALIDATION_TIME,
    sections: options.sections.map((section) => summarise(section, outcomes.filter((o) => o.test.section === section))),
    outcomes,
    falseAccepts: outcomes.filter((o) => classify(o) === 'false-accept'),
    listedDeviations,
    deviations: checkDeviations(listedDeviations, disagreeing),
    elapsedMs: Date.now() - started,
  };
}

function summarise(section: string, outcomes: readonly PkitsOutcome[]): PkitsSectionSummary {
  const count = (c: PkitsClass): number => outcomes.filter((o) => classify(o) === c).length;
  return {
    section,
    title: outcomes[0]?.test.sectionTitle ?? '',
    tests: outcomes.length,
    agree: count('agree'),
    falseAccepts: count('false-accept'),
    falseRejects: count('false-reject'),
  };
}
