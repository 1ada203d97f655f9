import type { HealthProbe } from './ports';

/**
 * `GET /health`: can this function reach what a token request needs? Each
 * probe is one cheap read, bounded by a short timeout, so a load balancer or
 * an uptime check gets an answer well before its own deadline. Only names and
 * states are reported: no endpoint, key id or error text.
 */
type DependencyState = 'ok' | 'unavailable' | 'timeout';

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, DependencyState>;
}

export interface CheckHealthDeps {
  probes: Readonly<Record<string, HealthProbe>>;
  timeoutMs?: number;
}

const HEALTH_TIMEOUT_MS = 2_000;

export class CheckHealth {
  constructor(private readonly deps: CheckHealthDeps) {}

  async execute(): Promise<HealthReport> {
    const timeoutMs = this.deps.timeoutMs ?? HEALTH_TIMEOUT_MS;
    const names = Object.keys(this.deps.probes);
    const states = await Promise.all(names.map((name) => runProbe(this.deps.probes[name], timeoutMs)));
    const checks = Object.fromEntries(names.map((name, i) => [name, states[i]])) as Record<string, DependencyState>;
    return { status: states.every((state) => state === 'ok') ? 'ok' : 'unavailable', checks };
  }
}

async function runProbe(probe: HealthProbe, timeoutMs: number): Promise<DependencyState> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<DependencyState>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve('timeout');
    }, timeoutMs);
  });
  const answered = probe(controller.signal).then(
    (): DependencyState => 'ok',
    (): DependencyState => (controller.signal.aborted ? 'timeout' : 'unavailable'),
  );
  try {
    return await Promise.race([answered, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
