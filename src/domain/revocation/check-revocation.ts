import type { ParsedCertificate } from '../chain/parse-certificate';
import { type RevocationSubject, revocationSubjects } from './crl-issuer-id';
import { delegatesRevocation } from './crl-scope';
import type { RevocationErrorCode } from './error-codes';
import type { RevocationView } from './revocation-view';

export interface RevocationFailure {
  readonly valid: false;
  readonly code: RevocationErrorCode;
  /** Names the certificate, its serial and the reason; safe to show the caller (no key material). */
  readonly detail: string;
}

export interface RevocationOptions {
  readonly now: Date;
  /** The pool demands a current CRL from every issuer on the path. */
  readonly requireCrl: boolean;
}

/**
 * Revocation status of a validated path (leaf first, anchor last) at the
 * token endpoint: every certificate but the anchor, device first, against
 * the operator's individual revocations and the issuer's uploaded CRL
 * ([RFC 5280 §6.3](https://www.rfc-editor.org/rfc/rfc5280#section-6.3),
 * with only operator-supplied CRLs). undefined = not revoked.
 */
export function checkRevocation(path: readonly ParsedCertificate[], view: RevocationView, options: RevocationOptions): RevocationFailure | undefined {
  const subjects = revocationSubjects(path);
  for (const [index, certificate] of path.slice(0, -1).entries()) {
    const [subject, ...otherKeys] = subjects.filter((s) => s.certificate === certificate);
    const label = `${index === 0 ? 'certificate' : `intermediate #${index}`} '${certificate.subjectDn}' (serial ${subject.serialNumberHex})`;
    const refusal = checkOperatorRevocation(subject, view, label) ?? checkIssuerCrl(subject, otherKeys, view, options, label);
    if (refusal !== undefined) return refusal;
  }
  return undefined;
}

/**
 * The admin revocations API: the operator's word needs no CRL. A certificate
 * is refused when any identity a revocation recorded matches it: its exact
 * DER (fingerprint), the certificate whatever its encoding (issuer and
 * serial: an ECDSA signature (r, s) turned into (r, n−s) changes the
 * fingerprint, not these), or the subject and key of a revoked CA (its
 * renewals and re-encodings). See revocation-identity.ts.
 */
function checkOperatorRevocation(subject: RevocationSubject, view: RevocationView, label: string): RevocationFailure | undefined {
  if (view.revokedFingerprints.has(subject.fingerprint)) return refuse('certificate_revoked', `${label} is revoked by the operator`);
  if (view.revokedIssuerSerials.has(subject.issuerSerialId)) {
    return refuse('certificate_revoked', `${label} is revoked by the operator (matched by issuer and serial number)`);
  }
  if (view.revokedKeys.has(subject.keyId)) {
    return refuse('certificate_revoked', `${label} is revoked by the operator (it has the subject and key of a revoked CA certificate)`);
  }
  return undefined;
}

/**
 * The issuer's CRLs, matched by the issuer's name and key (its own key
 * first, then the CA's other keys on the path, revocationSubjects): each
 * present one must be current (a stale one proves nothing: fail closed) and
 * must not list the serial (certificateHold too, until a newer CRL omits
 * it). Without any covering CRL the pool's `requireCrl` decides.
 */
function checkIssuerCrl(
  subject: RevocationSubject,
  otherKeys: readonly RevocationSubject[],
  view: RevocationView,
  options: RevocationOptions,
  label: string,
): RevocationFailure | undefined {
  const crls = [subject, ...otherKeys].flatMap((s) => view.crl(s.issuerId) ?? []);
  for (const crl of crls) {
    if (crl.nextUpdate.getTime() < options.now.getTime()) {
      return refuse('crl_expired', `the CRL of '${crl.issuerDn}' expired at ${crl.nextUpdate.toISOString()}; ${label} cannot be checked until a current CRL is uploaded`);
    }
    const entry = crl.entry(subject.serialNumberHex);
    if (entry !== undefined) {
      const reason = entry.reason === undefined ? '' : `, reason ${entry.reason}`;
      return refuse('certificate_revoked', `${label} is revoked by the CRL of '${crl.issuerDn}' since ${entry.revocationDate.toISOString()}${reason}`);
    }
  }
  if (crls.length === 0) {
    return options.requireCrl ? refuse('crl_missing', `no CRL of '${subject.certificate.issuerDn}' is in the pool, and the pool requires one for ${label}`) : undefined;
  }
  if (!delegatesRevocation(subject.certificate) || !options.requireCrl) return undefined;
  return refuse('crl_missing', `${label} names another CRL issuer in cRLDistributionPoints; indirect CRLs are not accepted, so no CRL of the pool covers it`);
}

function refuse(code: RevocationErrorCode, detail: string): RevocationFailure {
  return { valid: false, code, detail };
}
