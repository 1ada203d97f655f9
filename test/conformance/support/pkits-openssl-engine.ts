import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANY_POLICY } from '../../../src/domain/chain';
import type { EngineVerdict } from './limbo-verdict';
import type { PkitsData, PkitsTest } from './pkits-manifest';

/**
 * Flags given to every `openssl verify` of a PKITS test, besides its files
 * and the validation time:
 * - `-crl_check_all`: every certificate's status from its issuer's CRL
 *   (PKITS supplies one for every CA), `-extended_crl` for indirect and
 *   partitioned CRLs, `-use_deltas` for delta CRLs (4.14, 4.15);
 * - `-policy_check`: RFC 5280 policy processing (4.8–4.12), with the test's
 *   settings as `-explicit_policy`, `-inhibit_map`, `-inhibit_any`, and its
 *   initial policy set as `-policy` (anyPolicy by default: without any
 *   `-policy` OpenSSL starts from an empty set and requires a policy).
 * No `-x509_strict`: PKITS tests RFC 5280 §6.1, not the §4 profile (with it
 * OpenSSL refuses 4.6.4's non-critical basicConstraints).
 */
export const PKITS_OPENSSL_FLAGS = ['-crl_check_all', '-extended_crl', '-use_deltas', '-policy_check'] as const;

const PER_TEST_TIMEOUT_MS = 10_000;

/** The arguments of `openssl verify` for one test whose files are written in `dir`. */
function pkitsOpensslArguments(test: PkitsTest, dir: string, validationTime: Date): string[] {
  const args = ['verify', '-CAfile', join(dir, 'anchor.pem'), '-CRLfile', join(dir, 'crls.pem')];
  if (test.intermediates.length > 0) args.push('-untrusted', join(dir, 'untrusted.pem'));
  args.push('-attime', String(Math.floor(validationTime.getTime() / 1000)), ...PKITS_OPENSSL_FLAGS);
  const settings = test.settings;
  if (settings.initialExplicitPolicy === true) args.push('-explicit_policy');
  if (settings.initialPolicyMappingInhibit === true) args.push('-inhibit_map');
  if (settings.initialAnyPolicyInhibit === true) args.push('-inhibit_any');
  const policySet = Array.isArray(settings.initialPolicySet) ? settings.initialPolicySet : [ANY_POLICY];
  for (const oid of policySet) args.push('-policy', String(oid));
  args.push(join(dir, 'ee.pem'));
  return args;
}

/** One `openssl verify` per test, `concurrency` at a time, on PEM files in a temporary directory removed afterwards. */
export async function runPkitsOpenssl(
  data: PkitsData,
  tests: readonly PkitsTest[],
  validationTime: Date,
  concurrency: number,
): Promise<Map<string, EngineVerdict>> {
  const root = mkdtempSync(join(tmpdir(), 'pkits-openssl-'));
  const verdicts = new Map<string, EngineVerdict>();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < tests.length) {
      const test = tests[next++];
      const dir = join(root, test.id);
      mkdirSync(dir);
      writeFileSync(join(dir, 'anchor.pem'), pem('CERTIFICATE', data.certificate(test.trustAnchor)));
      writeFileSync(join(dir, 'untrusted.pem'), test.intermediates.map((f) => pem('CERTIFICATE', data.certificate(f))).join(''));
      writeFileSync(join(dir, 'crls.pem'), test.crls.map((f) => pem('X509 CRL', data.crl(f))).join(''));
      writeFileSync(join(dir, 'ee.pem'), pem('CERTIFICATE', data.certificate(test.endEntity)));
      verdicts.set(test.id, await verify(pkitsOpensslArguments(test, dir, validationTime)));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return verdicts;
}

function pem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der)
    .toString('base64')
    .replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${base64}-----END ${label}-----\n`;
}

function verify(args: readonly string[]): Promise<EngineVerdict> {
  return new Promise((resolve) => {
    execFile('openssl', args, { encoding: 'utf8', timeout: PER_TEST_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error === null) return resolve({ result: 'SUCCESS', detail: 'OK' });
      if (typeof error.code === 'string' || error.killed) {
        return resolve({ result: 'ERROR', detail: error.killed ? `timed out after ${PER_TEST_TIMEOUT_MS} ms` : error.message });
      }
      const output = `${stderr}\n${stdout}`;
      const reason = /error \d+ at \d+ depth lookup: [^\n]*/.exec(output)?.[0] ?? output.trim().split('\n').pop() ?? 'failed';
      resolve({ result: 'FAILURE', detail: reason.replace(/ lookup:/, ':') });
    });
  });
}
