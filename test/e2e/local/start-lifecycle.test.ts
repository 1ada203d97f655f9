import { type ChildProcess, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnvironment, REPO_ROOT, startLocalIdpProcess } from '../../support/local-process';

/*
 * `npm start` as its own process (npx tsx local/start.ts, the way a service
 * manager or CI runs it): SIGTERM to the launcher and SIGHUP to the server
 * stop everything it started — the port closes, DynamoDB Local's Java
 * process is gone, the data directory is unlocked — and a second start on the
 * same data directory is refused while the first runs.
 */
jest.setTimeout(180_000);

interface Started {
  child: ChildProcess;
  dataDir: string;
  baseUrl: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function start(command: string[], dataDir: string): Promise<Started> {
  // Without IDP_ADMIN_API_KEY: the lifecycle includes generating the key.
  const idp = await startLocalIdpProcess({ command, env: childEnvironment({ PORT: '0', IDP_DATA_DIR: dataDir }, ['IDP_ADMIN_API_KEY']) });
  return { child: idp.child, dataDir, baseUrl: idp.baseUrl, output: idp.output, exited: idp.exited };
}

/** DynamoDB Local's Java process for this data directory (its -dbPath names it). */
function javaPids(dataDir: string): number[] {
  const ps = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps
    .split('\n')
    .filter((line) => line.includes('java') && line.includes(join(dataDir, 'dynamodb')))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function portOpen(baseUrl: string): Promise<boolean> {
  const { port } = new URL(baseUrl);
  return new Promise((done) => {
    const socket = connect(Number(port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

async function eventually(check: () => Promise<boolean> | boolean, ms = 30_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return check();
}

describe('npm start: stopping and locking', () => {
  const started: Started[] = [];
  const dataDirs: string[] = [];
  const newDataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'idp-start-'));
    dataDirs.push(dir);
    return dir;
  };

  afterAll(() => {
    for (const { child } of started) {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const dir of dataDirs) for (const pid of javaPids(dir)) isRunning(pid) && process.kill(pid, 'SIGKILL');
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('SIGTERM to the launcher (npx) stops the server and DynamoDB Local; a second start on the same directory is refused meanwhile', async () => {
    const dataDir = newDataDir();
    const idp = await start(['npx', 'tsx', 'local/start.ts'], dataDir);
    started.push(idp);
    const java = javaPids(dataDir);
    expect(java).toHaveLength(1);
    expect(await portOpen(idp.baseUrl)).toBe(true);
    // The generated key is printed once, and it is the stored one.
    const printed = /admin API key \(generated, shown once; kept in (.+)\): (\S+)/.exec(idp.output());
    expect(printed?.[2]).toBe(readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim());
    expect(readFileSync(join(dataDir, 'lock'), 'utf8').trim()).toMatch(/^\d+$/);

    const second = spawnSync('npx', ['tsx', 'local/start.ts'], {
      cwd: REPO_ROOT,
      env: childEnvironment({ PORT: '0', IDP_DATA_DIR: dataDir }, ['IDP_ADMIN_API_KEY']),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`Could not start the local IDP: the data directory ${dataDir} is in use by another local IDP \\(pid \\d+\\)`));
    expect(javaPids(dataDir)).toEqual(java);

    process.kill(idp.child.pid!, 'SIGTERM');
    expect(await eventually(async () => !(await portOpen(idp.baseUrl)))).toBe(true);
    expect(await eventually(() => !isRunning(java[0]))).toBe(true);
    expect(await eventually(() => !existsSync(join(dataDir, 'lock')))).toBe(true);
    expect(idp.output()).toMatch(/stopping/);
  });

  it('SIGHUP to the server process is Ctrl-C: everything stops, exit code 0', async () => {
    const dataDir = newDataDir();
    const idp = await start([process.execPath, '--import', 'tsx', 'local/start.ts'], dataDir);
    started.push(idp);
    const java = javaPids(dataDir);
    expect(java).toHaveLength(1);

    process.kill(idp.child.pid!, 'SIGHUP');
    expect(await idp.exited).toEqual({ code: 0, signal: null });
    expect(idp.output()).toContain('SIGHUP: stopping');
    expect(await portOpen(idp.baseUrl)).toBe(false);
    expect(await eventually(() => !isRunning(java[0]))).toBe(true);
    expect(existsSync(join(dataDir, 'lock'))).toBe(false);
  });
});
