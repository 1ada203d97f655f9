import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type Applicability, classifyLimboCase } from './limbo-applicability';
import { type LimboCase, limboSnapshotPath, loadLimboSnapshot, validationTimeOf } from './limbo-case';
import { runCoreEngine } from './limbo-core-engine';
import { checkDeviations, type DeviationCheck, type ExpectedDeviation, loadExpectedDeviations } from './limbo-deviations';
import { OPENSSL_FLAGS, opensslVersion, runOpensslEngine } from './limbo-openssl-engine';
import { DEFAULT_PKIJS_LIMITS, type PkijsLimits, runPkijsEngine } from './limbo-pkijs-engine';
import type { EngineName, EngineVerdict } from './limbo-verdict';

export interface LimboRunOptions {
  readonly repoRoot: string;
  /** Default: the vendored `test/conformance/x509-limbo/limbo.json`. */
  readonly snapshotPath?: string;
  /** Default: `<repoRoot>/test/conformance/limbo-deviations.json`. */
  readonly deviationsPath?: string;
  /** Default: `<repoRoot>/test/conformance/openssl-disagreements.md`. */
  readonly opensslNotesPath?: string;
  readonly pkijsLimits?: PkijsLimits;
}

export interface LimboCaseOutcome {
  readonly testcase: LimboCase;
  readonly applicability: Applicability;
  /** Present for applicable cases only. */
  readonly verdicts: Partial<Record<EngineName, EngineVerdict>>;
}

interface EngineSummary {
  readonly engine: EngineName;
  readonly agree: number;
  readonly disagree: number;
  readonly errors: number;
  readonly elapsedMs: number;
  readonly note: string;
}

export interface LimboConformanceReport {
  readonly snapshotPath: string;
  readonly deviationsPath: string;
  readonly runStartedAt: Date;
  readonly outcomes: readonly LimboCaseOutcome[];
  readonly counts: { readonly passed: number; readonly failed: number; readonly skipped: number };
  readonly listedDeviations: readonly ExpectedDeviation[];
  readonly deviations: DeviationCheck;
  readonly engines: readonly EngineSummary[];
  readonly opensslAvailable: boolean;
  /** Applicable cases where the core and OpenSSL both gave a verdict and the verdicts differ. */
  readonly opensslDisagreements: readonly LimboCaseOutcome[];
  /** Against the checked-in notes: disagreements without a note, and notes whose disagreement is gone. */
  readonly opensslNotes: { readonly path: string; readonly undocumented: readonly string[]; readonly resolved: readonly string[] };
  readonly elapsedMs: number;
}

/**
 * Runs every applicable x509-limbo case through the core in process, and
 * the same cases through `openssl verify` (child processes) and pkijs'
 * chain engine (a worker thread) concurrently, then compares.
 */
export async function runLimboConformance(options: LimboRunOptions): Promise<LimboConformanceReport> {
  const started = Date.now();
  const runStartedAt = new Date(started);
  const snapshot = loadLimboSnapshot(options.snapshotPath ?? limboSnapshotPath(options.repoRoot));
  const deviationsPath = options.deviationsPath ?? join(options.repoRoot, 'test', 'conformance', 'limbo-deviations.json');
  const listedDeviations = loadExpectedDeviations(deviationsPath);
  const classified = snapshot.cases.map((testcase) => ({ testcase, applicability: classifyLimboCase(testcase) }));
  const applicable = classified.filter((c) => c.applicability.applicable).map((c) => c.testcase);

  const version = opensslVersion();
  const timed = async <T>(work: () => Promise<T>): Promise<{ value: T; elapsedMs: number }> => {
    const begin = Date.now();
    const value = await work();
    return { value, elapsedMs: Date.now() - begin };
  };
  const opensslRun = timed(async () => (version === undefined ? new Map<string, EngineVerdict>() : runOpensslEngine(applicable, availableParallelism())));
  const pkijsRun = timed(() =>
    runPkijsEngine(
      applicable.map((c) => ({
        id: c.id,
        trustedPems: c.trusted_certs,
        certPems: [...c.untrusted_intermediates, c.peer_certificate],
        checkDate: validationTimeOf(c, runStartedAt),
      })),
      options.pkijsLimits ?? DEFAULT_PKIJS_LIMITS,
    ),
  );
  const coreRun = await timed(async () => {
    const verdicts = new Map<string, EngineVerdict>();
    for (const testcase of applicable) {
      verdicts.set(testcase.id, await runCoreEngine(testcase, runStartedAt).catch(harnessError));
      // The core is CPU-bound; yielding lets OpenSSL exits and pkijs replies be handled
      // on time, so a pkijs timeout measures pkijs and not this loop.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return verdicts;
  });
  const [openssl, pkijs] = await Promise.all([opensslRun, pkijsRun]);

  const outcomes: LimboCaseOutcome[] = classified.map(({ testcase, applicability }) => ({
    testcase,
    applicability,
    verdicts: applicability.applicable
      ? { core: coreRun.value.get(testcase.id), openssl: openssl.value.get(testcase.id), pkijs: pkijs.value.get(testcase.id) }
      : {},
  }));
  const ran = outcomes.filter((o) => o.applicability.applicable);
  const failed = ran.filter((o) => o.verdicts.core?.result !== o.testcase.expected_result).map((o) => o.testcase.id);
  const opensslDisagreements = ran.filter((o) => {
    const [ours, theirs] = [o.verdicts.core?.result, o.verdicts.openssl?.result];
    return ours !== undefined && theirs !== undefined && ours !== 'ERROR' && theirs !== 'ERROR' && ours !== theirs;
  });
  const opensslFlags = `verify -purpose sslserver ${OPENSSL_FLAGS.join(' ')}`;
  const opensslNotesPath = options.opensslNotesPath ?? join(options.repoRoot, 'test', 'conformance', 'openssl-disagreements.md');

  return {
    snapshotPath: snapshot.path,
    deviationsPath,
    runStartedAt,
    outcomes,
    counts: { passed: ran.length - failed.length, failed: failed.length, skipped: outcomes.length - ran.length },
    listedDeviations,
    deviations: checkDeviations(listedDeviations, failed),
    engines: [
      summarise('core', ran, coreRun.elapsedMs, 'src/domain/chain, pool mode, limbo-policy.ts'),
      summarise('openssl', ran, openssl.elapsedMs, version === undefined ? 'openssl CLI not found: not run' : `${version}; ${opensslFlags}`),
      summarise('pkijs', ran, pkijs.elapsedMs, 'pkijs 4.0.0 CertificateChainValidationEngine alone, leaf last, worker thread with timeout'),
    ],
    opensslAvailable: version !== undefined,
    opensslDisagreements,
    opensslNotes: compareNotes(
      opensslNotesPath,
      opensslDisagreements.map((o) => o.testcase.id),
    ),
    elapsedMs: Date.now() - started,
  };
}

/** The core never throws on input; a throw here is the harness's (e.g. a limbo field it cannot map), reported per case. */
function harnessError(error: unknown): EngineVerdict {
  return { result: 'ERROR', detail: `harness error: ${(error as Error)?.message ?? String(error)}` };
}

function summarise(engine: EngineName, ran: readonly LimboCaseOutcome[], elapsedMs: number, note: string): EngineSummary {
  let agree = 0;
  let disagree = 0;
  let errors = 0;
  for (const outcome of ran) {
    const verdict = outcome.verdicts[engine];
    if (verdict === undefined || verdict.result === 'ERROR') errors++;
    else if (verdict.result === outcome.testcase.expected_result) agree++;
    else disagree++;
  }
  return { engine, agree, disagree, errors, elapsedMs, note };
}

/** Table rows of the notes file that start with a backticked case id, versus the current disagreements. */
function compareNotes(path: string, disagreements: readonly string[]): LimboConformanceReport['opensslNotes'] {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const documented = new Set([...text.matchAll(/^\|\s*`([^`]+)`/gm)].map((match) => match[1]));
  return {
    path,
    undocumented: disagreements.filter((id) => !documented.has(id)),
    resolved: [...documented].filter((id) => !disagreements.includes(id)),
  };
}
