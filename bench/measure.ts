import { percentile } from '../test/load/support/load-stats';

export interface OpsFigures {
  readonly label: string;
  readonly ops: number;
  readonly opsPerSecond: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly outcome: string;
}

export interface OpsBudget {
  /** Stop once this much time has been spent (after minOps). */
  readonly budgetMs: number;
  readonly minOps: number;
  readonly maxOps: number;
  readonly warmupOps: number;
}

const DEFAULT_BUDGET: OpsBudget = { budgetMs: 3_000, minOps: 10, maxOps: 2_000, warmupOps: 3 };

/**
 * Times `operation` one call at a time (sequential, so the per-op latency is
 * the operation's own cost), within a time budget. `describe` turns the last
 * result into the outcome printed next to the figures, e.g. the chain code.
 */
export async function measureOps<R>(
  label: string,
  operation: () => R | Promise<R>,
  describe: (result: R) => string,
  budget: Partial<OpsBudget> = {},
): Promise<OpsFigures> {
  const { budgetMs, minOps, maxOps, warmupOps } = { ...DEFAULT_BUDGET, ...budget };
  let last: R | undefined;
  for (let i = 0; i < warmupOps; i++) last = await operation();
  const latencies: number[] = [];
  const started = performance.now();
  while (latencies.length < maxOps && (latencies.length < minOps || performance.now() - started < budgetMs)) {
    const t0 = performance.now();
    last = await operation();
    latencies.push(performance.now() - t0);
  }
  const elapsed = performance.now() - started;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    label,
    ops: latencies.length,
    opsPerSecond: latencies.length / (elapsed / 1000),
    meanMs: elapsed / latencies.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    outcome: last === undefined ? 'n/a' : describe(last),
  };
}

export function formatOps(figures: OpsFigures): string {
  const pad = (text: string, width: number) => text.padEnd(width);
  return (
    `  ${pad(figures.label, 58)} ${figures.opsPerSecond.toFixed(1).padStart(9)} ops/s  ` +
    `mean ${figures.meanMs.toFixed(3)} ms  p50 ${figures.p50Ms.toFixed(3)} ms  p99 ${figures.p99Ms.toFixed(3)} ms  ` +
    `(${figures.ops} ops → ${figures.outcome})`
  );
}
