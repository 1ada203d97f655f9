import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** One NIST PKITS test as listed in the vendored manifest (schema: test/conformance/pkits/data/README.md). */
export interface PkitsTest {
  readonly id: string;
  readonly name: string;
  readonly section: string;
  readonly sectionTitle: string;
  readonly expected: PkitsVerdict;
  readonly trustAnchor: string;
  readonly endEntity: string;
  /** The path from the end entity's issuer up, then helper certificates (separate CRL signers, indirect CRL issuers). */
  readonly intermediates: readonly string[];
  readonly crls: readonly string[];
  readonly settings: Readonly<Record<string, unknown>>;
  readonly reason?: string;
  readonly features: readonly string[];
}

export type PkitsVerdict = 'valid' | 'invalid';

export interface PkitsData {
  readonly dir: string;
  readonly tests: readonly PkitsTest[];
  readonly certificate: (file: string) => Uint8Array;
  readonly crl: (file: string) => Uint8Array;
}

/** The vendored copy; tests never read the shared original. */
export function pkitsDataDir(repoRoot: string): string {
  return resolve(repoRoot, 'test', 'conformance', 'pkits', 'data');
}

export function loadPkitsData(dir: string): PkitsData {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`PKITS manifest not found at ${manifestPath}`);
  const parsed: unknown = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${manifestPath}: expected a JSON array of tests`);
  const seen = new Set<string>();
  for (const test of parsed as PkitsTest[]) {
    if (typeof test?.id !== 'string' || seen.has(test.id)) throw new Error(`${manifestPath}: missing or duplicate test id ${String(test?.id)}`);
    if (test.expected !== 'valid' && test.expected !== 'invalid') throw new Error(`${manifestPath}: ${test.id} expects ${String(test.expected)}`);
    seen.add(test.id);
  }
  const reader =
    (sub: string) =>
    (file: string): Uint8Array => {
      if (!/^[A-Za-z0-9._-]+$/.test(file)) throw new Error(`PKITS: unexpected file name ${file}`);
      return new Uint8Array(readFileSync(join(dir, sub, file)));
    };
  return { dir, tests: parsed as PkitsTest[], certificate: reader('certs'), crl: reader('crls') };
}
