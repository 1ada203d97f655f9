import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { childEnvironment, REPO_ROOT } from '../support/local-process';

/*
 * `npm run demo` (scripts/demo.ts) as a developer runs it: `npm run -s demo`
 * in the repository, its own process group, no log settings inherited (the
 * demo must quiet the handlers itself). It starts its own local IDP, so it
 * must end with exit 0, every step heading printed in order, the first
 * device's decoded claims, the second device refused as revoked, and nothing
 * left behind: no process of its group, no working folder. When the IDP
 * cannot start (a Java that fails), it must exit 1 and clean up just the same.
 */

const FIRST_DEVICE = 'till-0042';
const REVOKED_DEVICE = 'till-0043';
const HEADINGS = [
  "Step 1 of 8: Create the organisation's CA and two device certificates (device-idp ca init, ca issue)",
  'Step 2 of 8: Create an organisation and its environment (admin API)',
  "Step 3 of 8: Upload the root CA to the environment's pool",
  'Step 4 of 8: Register both devices: bind each to the client app with the device scope',
  `Step 5 of 8: Device ${FIRST_DEVICE} gets an access token (device client, RFC 7523 JWT-bearer)`,
  "Step 6 of 8: Decode the token's claims and verify it against the pool JWKS",
  `Step 7 of 8: Revoke device ${REVOKED_DEVICE} and see its token request refused`,
  'Step 8 of 8: Stop the IDP and remove everything the demo wrote',
];

interface DemoRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The process group the demo ran in (its pid). */
  pgid: number;
  /** The TMPDIR it was given. */
  tmp: string;
}

/**
 * `command` (default `npm run -s demo`) in its own process group, with its own
 * TMPDIR so what it leaves there can be listed; the whole group is killed if
 * it outlives `timeoutMs`.
 */
function runDemo(options: { timeoutMs: number; command?: string[]; env?: Record<string, string> }): Promise<DemoRun> {
  const tmp = mkdtempSync(join(tmpdir(), 'demo-test-tmp-'));
  const env = childEnvironment({ TMPDIR: tmp, ...options.env }, [
    'IDP_LOG_LEVEL',
    'POWERTOOLS_LOG_LEVEL',
    'POWERTOOLS_METRICS_DISABLED',
    'IDP_DATA_DIR',
    'IDP_ADMIN_API_KEY',
    'PORT',
  ]);
  const [file, ...args] = options.command ?? ['npm', 'run', '-s', 'demo'];
  const child = spawn(file, args, { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const pgid = child.pid; // detached: the child leads its own process group
  if (pgid === undefined) return Promise.reject(new Error(`could not start ${file}`));
  const timer = setTimeout(() => process.kill(-pgid, 'SIGKILL'), options.timeoutMs);
  return new Promise((done) =>
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      done({ status, signal, stdout, stderr, pgid, tmp });
    }),
  );
}

/** The demo's working folders left in a run's TMPDIR (tsx keeps its compile cache there too; that is not the demo's). */
const demoFoldersIn = (tmp: string): string[] => readdirSync(tmp).filter((name) => name.startsWith('device-idp-demo-'));

/** `pgrep -a` lines of the group's processes that still run: zombies (state Z, exited and only waiting to be reaped) left out. */
function runningInGroup(pgid: number): string[] {
  const lines = spawnSync('pgrep', ['-g', String(pgid), '-a'], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .filter(Boolean);
  return lines.filter((line) => {
    try {
      // /proc/<pid>/stat: "pid (comm) state ..."; comm may hold spaces, so read after its last ')'.
      const stat = readFileSync(`/proc/${line.split(' ')[0]}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false; // gone since pgrep listed it
    }
  });
}

describe('npm run demo', () => {
  let run: DemoRun;

  beforeAll(async () => {
    run = await runDemo({ timeoutMs: 300_000 });
  }, 320_000);

  afterAll(() => {
    if (run) rmSync(run.tmp, { recursive: true, force: true });
  });

  it('exits 0 after every step gave the expected result, with nothing on stderr', () => {
    const transcript = `exit ${run.status ?? run.signal}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
    expect({ status: run.status, stderr: run.stderr, transcript }).toEqual({ status: 0, stderr: '', transcript });
    expect(run.stdout).toContain('All 8 steps gave the expected result.');
  });

  it('prints each step heading, in order', () => {
    const positions = HEADINGS.map((heading) => run.stdout.indexOf(`\n${heading}\n`));
    for (const [index, position] of positions.entries())
      expect({ heading: HEADINGS[index], found: position >= 0 }).toEqual({ heading: HEADINGS[index], found: true });
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it("prints the first device's decoded claims and their verification", () => {
    const step6 = run.stdout.slice(run.stdout.indexOf(HEADINGS[5]), run.stdout.indexOf(HEADINGS[6]));
    expect(step6).toMatch(/^ +"typ": "at\+jwt"$/m);
    expect(step6).toMatch(new RegExp(`^ +"sub": "${FIRST_DEVICE}",$`, 'm'));
    expect(step6).toMatch(/^ +"business_unit_id": "Store 12",$/m);
    expect(step6).toMatch(/^ +"x5t#S256": "[\w-]{43}"$/m);
    expect(step6).toMatch(/verified with jose against http:\/\/127\.0\.0\.1:\d+\/pools\/[\w-]+\/\.well-known\/jwks\.json:/);
  });

  it('shows the revoked device refused with the stable code certificate_revoked, and the other device unaffected', () => {
    const step7 = run.stdout.slice(run.stdout.indexOf(HEADINGS[6]), run.stdout.indexOf(HEADINGS[7]));
    expect(step7).toContain(`${REVOKED_DEVICE} before the revocation: token issued`);
    expect(step7).toMatch(/revocations → 201 /);
    expect(step7).toContain('invalid_grant [certificate_revoked] (HTTP 400)');
    expect(step7).toMatch(/^ +stable code: certificate_revoked$/m);
    expect(step7).toContain(`${FIRST_DEVICE}, not revoked: token issued`);
  });

  it('prints no JSON log lines or metric documents', () => {
    expect(run.stdout).not.toMatch(/^\s*\{"/m);
  });

  it('leaves nothing behind: its working folder is gone and no process of its group runs', () => {
    const folder = /working folder (\/\S+)/.exec(run.stdout)?.[1] ?? '(none printed)';
    expect(folder).toBe(join(run.tmp, basename(folder)));
    expect(existsSync(folder)).toBe(false);
    expect(demoFoldersIn(run.tmp)).toEqual([]);
    expect(runningInGroup(run.pgid)).toEqual([]);
  });
});

describe('npm run demo when a step cannot give its result', () => {
  let brokenJava: string;

  beforeAll(() => {
    // A Java that cannot start: DynamoDB Local, and with it the IDP, cannot come up (a real failure, no mock).
    brokenJava = mkdtempSync(join(tmpdir(), 'demo-test-broken-java-'));
    writeFileSync(join(brokenJava, 'java'), '#!/bin/sh\necho "this java is broken on purpose" >&2\nexit 1\n', { mode: 0o755 });
  });

  afterAll(() => rmSync(brokenJava, { recursive: true, force: true }));

  it('exits 1 with the reason on stderr, and removes what it wrote', async () => {
    // scripts/demo.ts directly: `npm run demo` would stop earlier, in check-prereqs.
    const run = await runDemo({
      timeoutMs: 120_000,
      command: ['npx', 'tsx', 'scripts/demo.ts'],
      env: { PATH: `${brokenJava}:${process.env.PATH ?? '/usr/bin:/bin'}`, JAVA_HOME: '' },
    });
    try {
      expect({ status: run.status, stderr: run.stderr }).toEqual({
        status: 1,
        stderr: expect.stringMatching(/^\ndemo: starting the local IDP failed: JavaRuntimeError: .*this java is broken on purpose/s),
      });
      expect(run.stdout).not.toContain('Step 1 of 8');
      expect(demoFoldersIn(run.tmp)).toEqual([]);
      expect(runningInGroup(run.pgid)).toEqual([]);
    } finally {
      rmSync(run.tmp, { recursive: true, force: true });
    }
  }, 130_000);
});
