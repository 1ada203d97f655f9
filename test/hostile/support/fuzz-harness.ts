import { CHAIN_ERROR_CODES } from '../../../src/domain/chain/error-codes';
import type { HttpAnswer, TokenAnswer } from '../../support/device-fleet';
import type { TestIdp } from '../../support/test-idp';
import { bucketKeys, type StoredItem, scanTable } from './stored-state';

/**
 * Oracles shared by the fuzz suites. A fuzzed token request may only ever
 * be refused the RFC 6749 §5.2 way; a fuzzed upload only with a 4xx admin
 * error; and neither may leave anything in DynamoDB or S3 behind.
 */

const OAUTH_REFUSALS = ['invalid_request', 'invalid_grant', 'invalid_scope', 'unsupported_grant_type'];

/** Never a 5xx, never a token: a 4xx RFC 6749 §5.2 body whose description starts with a domain code, and no-store. */
export function expectTokenRefusal(result: HttpAnswer<TokenAnswer>, allowedCodes?: readonly string[]): string {
  const body = (typeof result.body === 'object' && result.body !== null ? result.body : { raw: result.body }) as TokenAnswer & Record<string, unknown>;
  const code = /^([a-z0-9_]+): /.exec(String(body.error_description))?.[1];
  const summary = { status: result.status, error: body.error, code, access_token: body.access_token, cacheControl: result.headers.get('cache-control') };
  expect(summary).toEqual({
    status: result.status >= 400 && result.status < 500 ? result.status : 'a 4xx status',
    error: OAUTH_REFUSALS.includes(String(body.error)) ? body.error : `one of ${OAUTH_REFUSALS.join(', ')}`,
    code: code ?? 'a domain code prefix',
    access_token: undefined,
    cacheControl: 'no-store',
  });
  if (allowedCodes) expect(allowedCodes).toContain(code);
  return code as string;
}

/** Codes a token request with a broken certificate chain may be refused with. */
export const CHAIN_REFUSAL_CODES: readonly string[] = [...CHAIN_ERROR_CODES, 'x5c_malformed'];

export interface StoredState {
  /** The pool partition (devices, roots, bindings, the pool itself), without volatile attributes. */
  pool: StoredItem[];
  jtiCount: number;
  objects: string[];
}

/** Everything the IDP stored for `clientPoolId`, read from DynamoDB Local and s3rver directly. */
export async function storedState(idp: TestIdp, clientPoolId: string): Promise<StoredState> {
  const [items, runtime, objects] = await Promise.all([
    scanTable(idp),
    scanTable({ tableName: idp.runtimeTableName }),
    bucketKeys(idp, `pools/${clientPoolId}/`),
  ]);
  return {
    // The pool item's trustEpoch counts trust changes (src/storage/keys.ts); a delete that restores the content moves it on purpose.
    pool: items
      .filter((item) => item.pk === `POOL#${clientPoolId}`)
      .map(({ trustEpoch: _epoch, ...item }) => item as StoredItem)
      .sort((a, b) => a.sk.localeCompare(b.sk)),
    jtiCount: runtime.filter((item) => item.pk.startsWith(`JTI#${clientPoolId}#`)).length,
    objects,
  };
}

/** An accepted root upload stored exactly the root sent, once: one ROOT# record with `fingerprint`, and the one object it points at. */
export function expectRootStoredOnce(after: StoredState, fingerprint: string): void {
  const roots = after.pool.filter((item) => item.sk.startsWith('ROOT#'));
  expect(roots.map((item) => item.fingerprint)).toEqual([fingerprint]);
  expect(after.objects).toEqual([roots.find((item) => item.fingerprint === fingerprint)?.objectKey]);
}

/**
 * A refused upload: a status among `statuses` with an admin error body
 * (`error` and `message` strings, docs/contract.md §3.1), and the pool's
 * stored state still `empty`.
 */
export function expectUploadRefused(
  answer: { status: number; body: Record<string, unknown> },
  statuses: readonly number[],
  after: StoredState,
  empty: StoredState,
): void {
  expect({ status: statuses.includes(answer.status), error: typeof answer.body.error, message: typeof answer.body.message }).toEqual({
    status: true,
    error: 'string',
    message: 'string',
  });
  expect(after).toEqual(empty);
}

/** Counts outcomes per property and prints them, so a run shows what the fuzzer reached (not only that it passed). */
export class OutcomeTally {
  private readonly counts = new Map<string, number>();

  add(outcome: string): void {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
  }

  print(title: string): void {
    const rows = [...this.counts.entries()].sort((a, b) => b[1] - a[1]).map(([outcome, count]) => `${count}× ${outcome}`);
    process.stdout.write(`[fuzz] ${title}: ${rows.join(', ') || 'no runs'}\n`);
  }
}
