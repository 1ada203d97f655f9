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
export {
  CRL_IMPORT_ERROR_CODES,
  REVOCATION_ERROR_CODES,
  CrlImportError,
  type CrlImportErrorCode,
  type RevocationErrorCode,
} from './error-codes';
export { CRL_REASONS, isCrlReason, type CrlReason } from './crl-reasons';
export { assessCrlImport, type CrlEntry, type CrlImportInput, type ImportedCrl } from './assess-crl-import';
export { parseCrl, type ParsedCrl } from './parse-crl';
export type { ParsedCrlEntry, EntryExtension } from './crl-entries';
export type { CrlExtensions } from './crl-extensions';
export { MAX_CRL_BYTES } from './crl-input';
export { CRL_CLOCK_SKEW_MS } from './checks/crl-content';
export { findCrlIssuer, type CrlIssuerInput } from './checks/crl-issuer';
export { crlIssuerId, issuerSerialId } from './crl-issuer-id';
export { crlRecordId, crlScopeId } from './crl-scope-id';
export { revocationSubjects, subjectKey, type RevocationIdentity, type RevocationSubject } from './revocation-subjects';
export {
  REVOCATION_MATCHES,
  certificateIdentities,
  fingerprintIdentities,
  matchesOf,
  type RevocationIdentities,
  type RevocationMatch,
} from './revocation-identity';
export { checkRevocation, type RevocationFailure, type RevocationOptions } from './check-revocation';
export { crlStatusOf, revocationViewOf, type CrlStatus, type RevocationView } from './revocation-view';
export { isNewerCrl, type CrlFreshness } from './crl-freshness';
