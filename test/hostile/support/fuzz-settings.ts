import type { Parameters as FcParameters } from 'fast-check';

/**
 * Fuzz budget: fixed and small by default so CI stays fast and reproducible;
 * FUZZ_RUNS scales every property (e.g. FUZZ_RUNS=5000 for a soak), FUZZ_SEED
 * replays a reported run. The seed is printed so any failure can be replayed.
 */
const DEFAULT_SEED = 20300615;

function positiveInteger(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got ${raw}`);
  return value;
}

const FUZZ_SEED = positiveInteger('FUZZ_SEED') ?? DEFAULT_SEED;
const RUNS_OVERRIDE = positiveInteger('FUZZ_RUNS');

let announced = false;

/**
 * fast-check parameters for one property: `defaultRuns` unless FUZZ_RUNS is
 * set. No shrinking (endOnFailure): the properties compare stored state with
 * a baseline, and a failing run (a token issued, a record written) changes
 * that state, so every shrink candidate would fail too and the "minimal"
 * counterexample would be meaningless; the first failing input is reported.
 */
export function fuzzParameters<T>(defaultRuns: number): FcParameters<T> {
  if (!announced) {
    announced = true;
    process.stdout.write(`[fuzz] seed=${FUZZ_SEED} runs=${RUNS_OVERRIDE ?? 'default'} (override with FUZZ_SEED / FUZZ_RUNS)\n`);
  }
  return { seed: FUZZ_SEED, numRuns: RUNS_OVERRIDE ?? defaultRuns, endOnFailure: true, verbose: 1 };
}

/** Jest timeout for a property: generous per run, so FUZZ_RUNS soaks do not time out. */
export function fuzzTimeout(defaultRuns: number, millisecondsPerRun = 250): number {
  return Math.max(60_000, (RUNS_OVERRIDE ?? defaultRuns) * millisecondsPerRun + 30_000);
}
