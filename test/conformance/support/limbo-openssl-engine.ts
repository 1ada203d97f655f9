import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LimboCase } from './limbo-case';
import type { EngineVerdict } from './limbo-verdict';

/**
 * Flags given to every `openssl verify`, besides the case's files:
 * - `-purpose sslserver` (sslclient for CLIENT cases): the EKU and keyUsage
 *   checks a TLS peer gets; without it EKU is not checked at all.
 * - `-x509_strict`: the RFC 5280 profile checks (AKI/SKI present, CA
 *   basicConstraints critical, empty names, keyCertSign without cA...), the
 *   same profile the core is run with (see limbo-policy.ts).
 * - `-partial_chain`: a trusted certificate is a trust anchor even when it is
 *   not self-signed. That is RFC 5280's trust-anchor model and the core's
 *   (anchors matched by their bytes); without it OpenSSL insists on reaching
 *   a self-signed root, and refuses e.g. a root whose AKI names another
 *   issuer for that reason alone rather than for what the case tests.
 * Per case: `-attime <epoch>` when `validation_time` is given (else now),
 * `-verify_depth <n>` when `max_chain_depth` is given.
 */
export const OPENSSL_FLAGS = ['-x509_strict', '-partial_chain'] as const;

const PER_CASE_TIMEOUT_MS = 10_000;

/** `OpenSSL 3.0.13 30 Jan 2024 ...`, or undefined when the CLI cannot be run. */
export function opensslVersion(): string | undefined {
  try {
    return execFileSync('openssl', ['version'], { encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function opensslArguments(testcase: LimboCase, dir: string): string[] {
  const args = ['verify', '-CAfile', join(dir, 'trusted.pem')];
  if (testcase.untrusted_intermediates.length > 0) args.push('-untrusted', join(dir, 'untrusted.pem'));
  if (testcase.validation_time !== null) args.push('-attime', String(Math.floor(Date.parse(testcase.validation_time) / 1000)));
  if (testcase.max_chain_depth !== null) args.push('-verify_depth', String(testcase.max_chain_depth));
  args.push('-purpose', testcase.validation_kind === 'CLIENT' ? 'sslclient' : 'sslserver', ...OPENSSL_FLAGS, join(dir, 'peer.pem'));
  return args;
}

/** One `openssl verify` process per case, `concurrency` at a time, on files in a temp directory removed afterwards. */
export async function runOpensslEngine(cases: readonly LimboCase[], concurrency: number): Promise<Map<string, EngineVerdict>> {
  const root = mkdtempSync(join(tmpdir(), 'limbo-openssl-'));
  const verdicts = new Map<string, EngineVerdict>();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < cases.length) {
      const index = next++;
      const testcase = cases[index];
      const dir = join(root, String(index));
      mkdirSync(dir);
      writeFileSync(join(dir, 'trusted.pem'), testcase.trusted_certs.join('\n'));
      writeFileSync(join(dir, 'untrusted.pem'), testcase.untrusted_intermediates.join('\n'));
      writeFileSync(join(dir, 'peer.pem'), testcase.peer_certificate);
      verdicts.set(testcase.id, await verify(opensslArguments(testcase, dir)));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return verdicts;
}

function verify(args: readonly string[]): Promise<EngineVerdict> {
  return new Promise((resolve) => {
    execFile('openssl', args, { encoding: 'utf8', timeout: PER_CASE_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error === null) return resolve({ result: 'SUCCESS', detail: stdout.trim().split('\n').pop() ?? 'OK' });
      const spawnFailure = typeof error.code === 'string' || error.killed;
      if (spawnFailure) return resolve({ result: 'ERROR', detail: error.killed ? `timed out after ${PER_CASE_TIMEOUT_MS} ms` : error.message });
      // Exit status 2 is "verification failed"; a certificate OpenSSL cannot load is refused too.
      const output = `${stderr}\n${stdout}`;
      const reason = /error \d+ at \d+ depth lookup: [^\n]*/.exec(output)?.[0] ?? lastLine(output);
      resolve({ result: 'FAILURE', detail: reason.replace(/ lookup:/, ':') });
    });
  });
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return lines[lines.length - 1] ?? 'failed without a message';
}
