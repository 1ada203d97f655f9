import { validateChain } from '../domain/chain';
import { checkRevocation, revocationViewOf } from '../domain/revocation';
import { type CrlUpload, uploadCrls } from './pkits-crl-upload';
import type { PkitsData, PkitsTest, PkitsVerdict } from './pkits-manifest';
import { PKITS_VALIDATION_TIME, pkitsPolicy } from './pkits-policy';

export interface PkitsOutcome {
  readonly test: PkitsTest;
  readonly verdict: PkitsVerdict;
  /** 'ok', or the chain or revocation code that made the path invalid. */
  readonly code: string;
  readonly detail: string;
  readonly uploads: readonly CrlUpload[];
}

/**
 * One PKITS test through the product, in process: the test's CRLs uploaded
 * as an operator would, the path validated in pool mode (end entity first,
 * the test's other certificates as an unordered pool) against the single
 * trust anchor, then revocation checked with `requireCrl: true`: PKITS
 * treats an undeterminable status as invalid.
 */
export async function runPkitsTest(data: PkitsData, test: PkitsTest, now: Date = PKITS_VALIDATION_TIME): Promise<PkitsOutcome> {
  const anchor = data.certificate(test.trustAnchor);
  const intermediates = test.intermediates.map(data.certificate);
  const endEntity = data.certificate(test.endEntity);
  const crls = test.crls.map((file) => ({ file, der: data.crl(file) }));
  const pool = await uploadCrls(crls, anchor, [...intermediates, endEntity], now);
  const chain = await validateChain({ chain: [endEntity, ...intermediates], anchors: [anchor], intermediates: 'pool' }, pkitsPolicy(now));
  if (!chain.valid) return { test, verdict: 'invalid', code: chain.code, detail: chain.detail, uploads: pool.uploads };
  const refusal = checkRevocation(chain.path, revocationViewOf({ crls: pool.crls }), { now, requireCrl: true });
  if (refusal !== undefined) return { test, verdict: 'invalid', code: refusal.code, detail: refusal.detail, uploads: pool.uploads };
  return { test, verdict: 'valid', code: 'ok', detail: `path of ${chain.path.length} certificates, no revocation`, uploads: pool.uploads };
}
