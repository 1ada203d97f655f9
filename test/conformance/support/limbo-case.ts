import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** One x509-limbo testcase, as stored in the snapshot (schema: test/conformance/x509-limbo/README.md). */
export interface LimboCase {
  readonly id: string;
  readonly features: readonly string[] | null;
  readonly description: string;
  readonly validation_kind: string;
  readonly trusted_certs: readonly string[];
  readonly untrusted_intermediates: readonly string[];
  readonly peer_certificate: string;
  readonly validation_time: string | null;
  readonly signature_algorithms: readonly string[] | null;
  readonly key_usage: readonly string[] | null;
  readonly extended_key_usage: readonly string[] | null;
  readonly expected_result: LimboResult;
  readonly max_chain_depth: number | null;
}

export type LimboResult = 'SUCCESS' | 'FAILURE';

export interface LimboSnapshot {
  readonly path: string;
  readonly cases: readonly LimboCase[];
}

/** The vendored snapshot (provenance and licence: test/conformance/x509-limbo/README.md). */
export function limboSnapshotPath(repoRoot: string): string {
  return resolve(repoRoot, 'test', 'conformance', 'x509-limbo', 'limbo.json');
}

export function loadLimboSnapshot(path: string): LimboSnapshot {
  if (!existsSync(path)) {
    throw new Error(`x509-limbo snapshot not found at ${path}; it is vendored at test/conformance/x509-limbo/limbo.json.`);
  }
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const testcases = (parsed as { testcases?: unknown })?.testcases;
  if ((parsed as { version?: unknown })?.version !== 1 || !Array.isArray(testcases)) {
    throw new Error(`${path} is not an x509-limbo v1 document (expected {"version": 1, "testcases": [...]})`);
  }
  const seen = new Set<string>();
  for (const testcase of testcases as LimboCase[]) {
    if (typeof testcase?.id !== 'string' || seen.has(testcase.id)) throw new Error(`${path}: missing or duplicate testcase id ${String(testcase?.id)}`);
    if (testcase.expected_result !== 'SUCCESS' && testcase.expected_result !== 'FAILURE') {
      throw new Error(`${path}: ${testcase.id} has expected_result ${String(testcase.expected_result)}`);
    }
    seen.add(testcase.id);
  }
  return { path, cases: testcases as LimboCase[] };
}

/** The validation time of a case: its `validation_time`, or the run's single "now" (README: null means now). */
export function validationTimeOf(testcase: LimboCase, runStartedAt: Date): Date {
  return testcase.validation_time === null ? runStartedAt : new Date(testcase.validation_time);
}
