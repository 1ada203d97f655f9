import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { LocalIdp, LocalIdpOptions } from '../../local/local-idp';
import { REPO_ROOT } from './local-process';

/** The IDP of a child process in the LocalIdp shape, and that process's id (for its resident memory). */
export interface IdpProcess {
  idp: LocalIdp;
  pid: number;
}

const START_TIMEOUT_MS = 60_000;
/** SIGTERM lets the server stop the emulators it started; SIGKILL after this long. */
const STOP_GRACE_MS = 10_000;

/**
 * startLocalIdp in a child process (test/support/serve-local-idp.ts, run by
 * tsx), so the server neither shares a thread with a load generator nor runs
 * inside jest's module sandbox (which makes certificate parsing about twice
 * as slow). Endpoints left out of `options` are started by the child itself.
 * The KMS test hooks (kmsServer) live in the child and are not reachable:
 * they throw. `stop` ends the child; `options.dataDir` stays for the caller.
 *
 * @throws Error with the child's last stderr when it exits or prints nothing within 60 s.
 */
export async function startIdpProcess(options: Omit<LocalIdpOptions, 'port'>): Promise<IdpProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'serve-local-idp.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, IDP_LOG_LEVEL: 'silent', IDP_SERVE_CONFIG: JSON.stringify(options) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const stop = () => stopProcess(child);
  try {
    const { baseUrl, endpoints } = JSON.parse(await firstLine(child, child.stdout, START_TIMEOUT_MS)) as Pick<LocalIdp, 'baseUrl' | 'endpoints'>;
    const unreachable = (): never => {
      throw new Error('the KMS test hooks are not reachable in a child-process IDP; use startTestIdp() without `process`');
    };
    const idp: LocalIdp = {
      baseUrl,
      endpoints,
      dataDir: options.dataDir,
      adminKey: { value: options.adminApiKey ?? '', source: 'environment', ...(options.previousAdminApiKey ? { previous: options.previousAdminApiKey } : {}) },
      kmsServer: { stop: async () => unreachable(), restart: async () => unreachable(), injectFault: unreachable, clearFaults: () => undefined },
      stop,
    };
    return { idp, pid: child.pid ?? -1 };
  } catch (error) {
    await stop();
    throw new Error(`local IDP process did not start: ${(error as Error).message}\n${stderr}`);
  }
}

function firstLine(child: ChildProcess, stdout: Readable, timeoutMs: number): Promise<string> {
  return new Promise((resolveLine, reject) => {
    const lines = createInterface({ input: stdout });
    const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const fail = (reason: string) => {
      clearTimeout(timer);
      lines.close();
      reject(new Error(reason));
    };
    child.once('exit', (code, signal) => fail(`exited with ${code ?? signal}`));
    lines.once('line', (line) => {
      clearTimeout(timer);
      lines.close();
      resolveLine(line);
    });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(force);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}
