import { readFileSync } from 'node:fs';

/**
 * Load-generation and reporting helpers shared by the load and fault tests and
 * by `npm run bench`. Figures are printed, never asserted: wall-clock numbers
 * depend on the machine, correctness does not.
 */

interface Timed<R> {
  readonly index: number;
  readonly startedAt: number;
  readonly latencyMs: number;
  readonly result: R;
}

export interface LoadRun<R> {
  /** One entry per item sent, in item order (items left unsent by `stopAt` are absent). */
  readonly answers: Timed<R>[];
  readonly wallMs: number;
}

export interface RunHooks<R> {
  /** Called with each answer as it arrives (e.g. to take a dependency away mid-load). */
  afterEach?: (answer: Timed<R>) => void;
  /** performance.now() after which no new item is sent (a time cap for benchmarks). */
  stopAt?: number;
}

/**
 * Runs `task` once per item with at most `concurrency` in flight. Bounded by
 * construction: at most `items.length` calls, fewer if `stopAt` passes.
 */
export async function runWithConcurrency<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
  hooks: RunHooks<R> = {},
): Promise<LoadRun<R>> {
  const answers: Timed<R>[] = new Array(items.length);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      if (hooks.stopAt !== undefined && performance.now() > hooks.stopAt) return;
      const index = next++;
      if (index >= items.length) return;
      const startedAt = performance.now();
      const result = await task(items[index], index);
      const answer = { index, startedAt, latencyMs: performance.now() - startedAt, result };
      answers[index] = answer;
      hooks.afterEach?.(answer);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return { answers: answers.filter((answer) => answer !== undefined), wallMs: performance.now() - started };
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[Math.min(sortedAscending.length, Math.max(1, rank)) - 1];
}

export interface LatencySummary {
  readonly count: number;
  readonly wallMs: number;
  readonly throughputPerSecond: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export function summarise(latenciesMs: readonly number[], wallMs: number): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    wallMs,
    throughputPerSecond: sorted.length / (wallMs / 1000),
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length === 0 ? Number.NaN : total / sorted.length,
  };
}

export function formatLatency(label: string, summary: LatencySummary): string {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  return (
    `${label}: ${summary.count} requests in ${(summary.wallMs / 1000).toFixed(2)} s → ${summary.throughputPerSecond.toFixed(1)} req/s; ` +
    `latency p50 ${ms(summary.p50)}, p95 ${ms(summary.p95)}, p99 ${ms(summary.p99)}, max ${ms(summary.max)}`
  );
}

export interface MemorySnapshot {
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
  readonly heapTotalMiB: number;
  readonly externalMiB: number;
}

export function memorySnapshot(): MemorySnapshot {
  const usage = process.memoryUsage();
  const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  return { rssMiB: mib(usage.rss), heapUsedMiB: mib(usage.heapUsed), heapTotalMiB: mib(usage.heapTotal), externalMiB: mib(usage.external) };
}

/** Resident memory of another process (Linux /proc), e.g. the server or the DynamoDB Local JVM; undefined elsewhere. */
export function processRssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 102.4) / 10 : undefined;
  } catch {
    return undefined;
  }
}

export function formatMemory(label: string, snapshot: MemorySnapshot): string {
  return `${label}: rss ${snapshot.rssMiB} MiB, heap used ${snapshot.heapUsedMiB} / ${snapshot.heapTotalMiB} MiB, external ${snapshot.externalMiB} MiB`;
}

/** Counts answers by a key, for one-line "200×950 503×50" summaries. */
export function tally<T>(values: readonly T[], key: (value: T) => string | number): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(String(key(value)), (counts.get(String(key(value))) ?? 0) + 1);
  return [...counts.entries()].map(([name, count]) => `${name}×${count}`).join(' ');
}
