import { bytesEqual } from '../../chain/asn1';
import { signatureAlgorithmRefusal } from '../../chain/checks/algorithm-policy';
import { OID } from '../../chain/oids';
import { DEFAULT_ALGORITHM_POLICY } from '../../chain/policy';
import { CRL_EXTENSION, hasExtension, UNDERSTOOD_CRL_EXTENSIONS } from '../crl-extensions';
import { CrlImportError } from '../error-codes';
import type { ParsedCrl } from '../parse-crl';

/** A rule about the CRL itself, before its issuer is looked at. Returns the refusal, or undefined. */
export type CrlCheck = (crl: ParsedCrl, now: Date) => CrlImportError | undefined;

/** Clock skew tolerated between the CRL issuer and this service. */
export const CRL_CLOCK_SKEW_MS = 60_000;

const WEAK_SIGNATURE_OIDS: ReadonlySet<string> = new Set([OID.md2WithRsa, OID.md5WithRsa, OID.sha1WithRsa, OID.ecdsaWithSha1]);

/** [RFC 5280 §5.1.1.2](https://www.rfc-editor.org/rfc/rfc5280#section-5.1.1.2): signatureAlgorithm MUST equal TBSCertList.signature. */
const checkSignatureAlgorithmFieldsMatch: CrlCheck = (crl) =>
  bytesEqual(crl.signatureAlgorithm.der, crl.tbsSignatureAlgorithmDer)
    ? undefined
    : new CrlImportError('crl_signature_algorithm_mismatch', 'signatureAlgorithm differs from tbsCertList.signature (RFC 5280 §5.1.1.2)');

/**
 * The certificate algorithm policy applies unchanged: a forged CRL that omits
 * entries un-revokes certificates once stored as the newest one, and SHA-1
 * and MD5 signatures are forgeable (chosen-prefix collisions).
 */
const checkSignatureAlgorithmAllowed: CrlCheck = (crl) => {
  const info = crl.signatureAlgorithm;
  if (!info.supported && WEAK_SIGNATURE_OIDS.has(info.oid)) {
    return new CrlImportError('crl_weak_signature_algorithm', `CRL signature algorithm ${info.oid} refused (${info.reason})`);
  }
  const refusal = signatureAlgorithmRefusal(info, DEFAULT_ALGORITHM_POLICY);
  return refusal === undefined ? undefined : new CrlImportError('crl_unsupported_signature_algorithm', `CRL ${refusal}`);
};

/** [RFC 5280 §5.2.4](https://www.rfc-editor.org/rfc/rfc5280#section-5.2.4): a delta CRL lists changes only; the pool keeps complete CRLs. */
const checkNotDelta: CrlCheck = (crl) =>
  hasExtension(crl.extensions, CRL_EXTENSION.deltaCrlIndicator)
    ? new CrlImportError('crl_delta_unsupported', 'the CRL is a delta CRL (deltaCRLIndicator); upload the complete CRL')
    : undefined;

/**
 * [RFC 5280 §5.2.6](https://www.rfc-editor.org/rfc/rfc5280#section-5.2.6):
 * freshestCRL announces delta CRLs that carry revocations made since this
 * CRL. Delta CRLs are not accepted, so this CRL alone would hide them: fail
 * closed (the issuer can publish complete CRLs without freshestCRL).
 */
const checkNoFreshestCrl: CrlCheck = (crl) =>
  hasExtension(crl.extensions, CRL_EXTENSION.freshestCrl)
    ? new CrlImportError('crl_freshest_crl_unsupported', 'the CRL announces delta CRLs (freshestCRL), which are not processed; it cannot be relied on alone')
    : undefined;

/**
 * [RFC 5280 §5.2.5](https://www.rfc-editor.org/rfc/rfc5280#section-5.2.5):
 * issuingDistributionPoint narrows a CRL to a distribution point, to user or
 * CA certificates, to some reasons, or makes it indirect. The pool holds one
 * CRL per issuer and treats it as covering every certificate of that issuer,
 * so a scoped CRL would vouch for certificates it does not cover: refused.
 */
const checkNoIssuingDistributionPoint: CrlCheck = (crl) =>
  hasExtension(crl.extensions, CRL_EXTENSION.issuingDistributionPoint)
    ? new CrlImportError('crl_scope_unsupported', 'the CRL has an issuingDistributionPoint (a partitioned or indirect CRL); only complete CRLs are accepted')
    : undefined;

/** [RFC 5280 §5.2](https://www.rfc-editor.org/rfc/rfc5280#section-5.2): a CRL with a critical extension the user does not understand MUST NOT be used. */
const checkCriticalExtensions: CrlCheck = (crl) => {
  const unknown = crl.extensions.all.find((e) => e.critical && !UNDERSTOOD_CRL_EXTENSIONS.has(e.oid));
  return unknown === undefined ? undefined : new CrlImportError('crl_unknown_critical_extension', `unknown critical CRL extension ${unknown.oid}`);
};

/**
 * [RFC 5280 §5.3](https://www.rfc-editor.org/rfc/rfc5280#section-5.3): the
 * same for entry extensions; §5.3.3 certificateIssuer makes the CRL indirect
 * (entries for other issuers' certificates), which the pool does not support.
 */
const checkEntryExtensions: CrlCheck = (crl) => {
  for (const [index, entry] of crl.entries.entries()) {
    for (const extension of entry.otherExtensions) {
      if (extension.oid === '2.5.29.29') {
        return new CrlImportError(
          'crl_indirect_unsupported',
          `entry #${index} (serial ${entry.serialNumberHex}) has certificateIssuer: indirect CRLs are not accepted`,
        );
      }
      if (extension.critical) {
        return new CrlImportError(
          'crl_unknown_critical_entry_extension',
          `entry #${index} (serial ${entry.serialNumberHex}) has unknown critical extension ${extension.oid}`,
        );
      }
    }
  }
  return undefined;
};

/** [RFC 5280 §5.1.2.5](https://www.rfc-editor.org/rfc/rfc5280#section-5.1.2.5): conforming issuers MUST include nextUpdate; without it the CRL never goes stale. */
const checkNextUpdatePresent: CrlCheck = (crl) =>
  crl.nextUpdate === undefined
    ? new CrlImportError('crl_next_update_missing', 'the CRL has no nextUpdate, so it could never be recognised as stale')
    : undefined;

/** A CRL issued in the future (beyond clock skew) means a wrong clock at the issuer or a pre-dated forgery. */
const checkThisUpdate: CrlCheck = (crl, now) =>
  crl.thisUpdate.getTime() > now.getTime() + CRL_CLOCK_SKEW_MS
    ? new CrlImportError('crl_not_yet_valid', `the CRL's thisUpdate ${crl.thisUpdate.toISOString()} is in the future`)
    : undefined;

/** A CRL past its nextUpdate proves nothing about the present ([RFC 5280 §6.3.3 (a)(2)](https://www.rfc-editor.org/rfc/rfc5280#section-6.3.3)). */
const checkNextUpdate: CrlCheck = (crl, now) =>
  crl.nextUpdate !== undefined && crl.nextUpdate.getTime() < now.getTime()
    ? new CrlImportError('crl_expired', `the CRL's nextUpdate ${crl.nextUpdate.toISOString()} has passed; upload a current CRL`)
    : undefined;

/** In order: cheapest and most structural first, so each input has one deterministic code. */
export const CRL_CONTENT_CHECKS: readonly CrlCheck[] = [
  checkSignatureAlgorithmFieldsMatch,
  checkSignatureAlgorithmAllowed,
  checkNotDelta,
  checkNoFreshestCrl,
  checkNoIssuingDistributionPoint,
  checkCriticalExtensions,
  checkEntryExtensions,
  checkNextUpdatePresent,
  checkThisUpdate,
  checkNextUpdate,
];
