import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** The repository root, where `npm start` runs. */
export const REPO_ROOT = resolve(__dirname, '..', '..');

export interface LocalIdpProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM to the process group, SIGKILL after `graceMs` if it is still there. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The environment of a child IDP: the test run's own emulator endpoints and
 * AWS variables removed, so the child starts its own emulators as `npm start`
 * does on a developer's machine.
 */
export function childEnvironment(extra: Record<string, string>, drop: readonly string[] = []): NodeJS.ProcessEnv {
  const { TEST_DYNAMODB_ENDPOINT: _d, TEST_S3_ENDPOINT: _s, ...inherited } = process.env;
  const kept = Object.entries(inherited).filter(([name]) => !name.startsWith('AWS_') && !drop.includes(name));
  return { ...Object.fromEntries(kept), ...extra };
}

/**
 * Starts the local IDP as its own process (by default `npx tsx local/start.ts`,
 * what `npm start` runs) in its own process group, and resolves once its
 * banner is complete: the URL it listens on and the Ctrl-C hint.
 */
export function startLocalIdpProcess(options: { env: NodeJS.ProcessEnv; command?: readonly string[]; timeoutMs?: number }): Promise<LocalIdpProcess> {
  const [file, ...args] = options.command ?? ['npx', 'tsx', 'local/start.ts'];
  const child = spawn(file, args, { cwd: REPO_ROOT, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  const timeoutMs = options.timeoutMs ?? 120_000;
  const baseUrl = new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`the local IDP printed no URL within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      // The banner ends with the Ctrl-C hint; wait for all of it.
      if (match && output.includes('Press Ctrl-C to stop.')) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the local IDP exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  const stop = async (graceMs = 15_000) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, name);
      } catch {
        // already gone
      }
    };
    signal('SIGTERM');
    const timeout = new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), graceMs).unref());
    if ((await Promise.race([exited, timeout])) === 'timeout') signal('SIGKILL');
  };
  return baseUrl.then(
    (url) => ({ child, baseUrl: url, output: () => output, exited, stop }),
    async (error: unknown) => {
      await stop(2_000);
      throw error;
    },
  );
}
