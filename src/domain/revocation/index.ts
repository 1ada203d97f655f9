/**
 * Certificate revocation with operator-uploaded CRLs: pure, no I/O, the clock
 * injected; distribution points are never fetched.
 *
 * Admin upload (POST .../crls):
 *   const imported = await assessCrlImport({ crl: bytes, anchors: poolRootsDer, issuerChain: issuerPem ? [issuerDer] : undefined, now });
 *   // CrlImportError -> 400 with error.code; else store `imported` under imported.id (its scope and
 *   // signing key) unless the stored CRL of that id is not older: isNewerCrl(imported, stored) must hold.
 *
 * Token endpoint, after validateChain succeeded:
 *   const refusal = checkRevocation(result.path, view, { now, requireCrl });
 *   // refusal -> invalid_grant with refusal.code; view.crls(scopeId) = crlStatusOf(each stored CRL of the scope).
 */

export { assessCrlImport, type CrlEntry, type ImportedCrl } from './assess-crl-import';
export { checkRevocation } from './check-revocation';
export { CRL_CLOCK_SKEW_MS } from './checks/crl-content';
export { findCrlIssuer } from './checks/crl-issuer';
export { isNewerCrl } from './crl-freshness';
export { MAX_CRL_BYTES } from './crl-input';
export { crlIssuerId, issuerSerialId } from './crl-issuer-id';
export { CRL_REASONS, type CrlReason, isCrlReason } from './crl-reasons';
export { crlRecordId, crlScopeId } from './crl-scope-id';
export {
  CRL_IMPORT_ERROR_CODES,
  CrlImportError,
  type CrlImportErrorCode,
  REVOCATION_ERROR_CODES,
} from './error-codes';
export { parseCrl } from './parse-crl';
export {
  certificateIdentities,
  fingerprintIdentities,
  matchesOf,
  type RevocationIdentities,
} from './revocation-identity';
export { type RevocationIdentity, type RevocationSubject, revocationSubjects } from './revocation-subjects';
export { type CrlStatus, crlStatusOf, type RevocationView, revocationViewOf } from './revocation-view';
