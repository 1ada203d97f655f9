import { validateChain } from '../../../src/domain/chain';
import { checkRevocation, revocationViewOf } from '../../../src/domain/revocation';
import { type CrlUpload, uploadCrls } from './pkits-crl-upload';
import type { PkitsData, PkitsTest, PkitsVerdict } from './pkits-manifest';
import { PKITS_VALIDATION_TIME, pkitsPolicy, pkitsPolicyInputs } from './pkits-policy';

export interface PkitsOutcome {
  readonly test: PkitsTest;
  /** 'skipped' when the test's inputs cannot be given to the core (never counted as agreement). */
  readonly verdict: PkitsVerdict | 'skipped';
  /** 'ok', or the chain or revocation code that made the path invalid, or 'skipped'. */
  readonly code: string;
  readonly detail: string;
  /** Whether a missing CRL made the path invalid (the pool's requireCrl). */
  readonly requireCrl: boolean;
  readonly uploads: readonly CrlUpload[];
}

/**
 * Whether a test runs with `requireCrl`: the tests whose verdict depends on
 * revocation (manifest feature `crl`, data README), where PKITS counts an
 * undeterminable status as invalid. The others run as a pool does by default
 * (requireCrl off); their CRLs are uploaded and consulted all the same, so a
 * revoked certificate or a stale CRL still refuses the path.
 */
function pkitsRequiresCrl(test: PkitsTest): boolean {
  return test.features.includes('crl');
}

/**
 * One PKITS test through the product, in process: the test's CRLs uploaded
 * as an operator would, the path validated in pool mode (end entity first,
 * the test's other certificates as an unordered pool) against the single
 * trust anchor with the test's RFC 5280 §6.1.1 policy inputs, then
 * revocation checked.
 */
export async function runPkitsTest(data: PkitsData, test: PkitsTest, now: Date = PKITS_VALIDATION_TIME): Promise<PkitsOutcome> {
  const requireCrl = pkitsRequiresCrl(test);
  const inputs = pkitsPolicyInputs(test.settings);
  if (typeof inputs === 'string') return { test, verdict: 'skipped', code: 'skipped', detail: inputs, requireCrl, uploads: [] };
  const anchor = data.certificate(test.trustAnchor);
  const intermediates = test.intermediates.map(data.certificate);
  const endEntity = data.certificate(test.endEntity);
  const crls = test.crls.map((file) => ({ file, der: data.crl(file) }));
  const pool = await uploadCrls(crls, anchor, [...intermediates, endEntity], now);
  const outcome = { test, requireCrl, uploads: pool.uploads };
  const chain = await validateChain({ chain: [endEntity, ...intermediates], anchors: [anchor], intermediates: 'pool' }, pkitsPolicy(now, inputs));
  if (!chain.valid) return { ...outcome, verdict: 'invalid', code: chain.code, detail: chain.detail };
  const refusal = checkRevocation(chain.path, revocationViewOf({ crls: pool.crls }), { now, requireCrl });
  if (refusal !== undefined) return { ...outcome, verdict: 'invalid', code: refusal.code, detail: refusal.detail };
  return { ...outcome, verdict: 'valid', code: 'ok', detail: `path of ${chain.path.length} certificates, no revocation` };
}
