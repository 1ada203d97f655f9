import type { SliceSchedule } from './interleaved-throughput';

/** The bench's sections, in the order they run (README "Benchmark"). */
const SECTIONS = ['tokens', 'bundles', 'calls', 'http'] as const;

/** The Lambda functions under functions/ the stack deploys (lib/device-idp.ts, lib/constructs/admin-api-key.ts). */
const FUNCTIONS = ['token', 'admin', 'certificates', 'admin-key-rotation'] as const;

export interface BenchConfig {
  readonly sections: readonly string[];
  /** Devices per fleet (token throughput). */
  readonly fleetSize: number;
  readonly slices: SliceSchedule;
  readonly functions: readonly string[];
  /** Fresh processes per import-time median. */
  readonly initRuns: number;
  /** Devices (= counted requests) of the calls-per-token run. */
  readonly callDevices: number;
  readonly http: { concurrency: number; requests: number; maxSeconds: number; devices: number };
}

/**
 * Settings from the environment (all optional):
 * BENCH_SECTIONS (comma-separated subset of tokens,bundles,calls,http),
 * BENCH_FLEET (devices per fleet, default 200), BENCH_SLICES and
 * BENCH_SLICE_SECONDS (timed slices per implementation, default 6 × 0.4 s),
 * BENCH_INIT_RUNS (default 7), BENCH_CALL_DEVICES (default 50),
 * BENCH_HTTP_REQUESTS (default 1000), BENCH_HTTP_SECONDS (cap, default 20),
 * BENCH_HTTP_CONCURRENCY (default 16), BENCH_HTTP_DEVICES (default 64).
 */
export function benchConfig(env: NodeJS.ProcessEnv): BenchConfig {
  const number = (name: string, fallback: number, { integer = true, min = 1 } = {}) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value)))
      throw new Error(`${name} must be a${integer ? 'n integer' : ' number'} ≥ ${min}`);
    return value;
  };
  const sections = (env.BENCH_SECTIONS ?? SECTIONS.join(','))
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = sections.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`BENCH_SECTIONS: unknown ${unknown.join(', ')} (known: ${SECTIONS.join(', ')})`);
  return {
    sections,
    fleetSize: number('BENCH_FLEET', 200, { min: 2 }),
    slices: {
      warmupSeconds: 0.5,
      slices: number('BENCH_SLICES', 6),
      sliceSeconds: number('BENCH_SLICE_SECONDS', 0.4, { integer: false, min: 0.05 }),
    },
    functions: FUNCTIONS,
    initRuns: number('BENCH_INIT_RUNS', 7),
    callDevices: number('BENCH_CALL_DEVICES', 50),
    http: {
      concurrency: number('BENCH_HTTP_CONCURRENCY', 16),
      requests: number('BENCH_HTTP_REQUESTS', 1000),
      maxSeconds: number('BENCH_HTTP_SECONDS', 20, { integer: false }),
      devices: number('BENCH_HTTP_DEVICES', 64),
    },
  };
}
