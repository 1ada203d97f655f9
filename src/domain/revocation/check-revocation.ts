import type { ParsedCertificate } from '../chain/parse-certificate';
import type { RevocationErrorCode } from './error-codes';
import { type RevocationSubject, revocationSubjects, subjectKey } from './revocation-subjects';
import type { CrlStatus, RevocationView } from './revocation-view';

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

/** What one check of a path shares: the view, the options, and the certificates already checked or being checked. */
interface CheckContext {
  readonly view: RevocationView;
  readonly options: RevocationOptions;
  readonly subjects: readonly RevocationSubject[];
  /** subjectKey of each; made when a CRL's signer is first looked at (most paths meet no CRL). */
  seen?: Set<string>;
}

/**
 * Revocation status of a validated path (leaf first, anchor last) at the
 * token endpoint: every certificate but the anchor, device first, against
 * the operator's individual revocations and the CRLs of its issuer's scope
 * ([RFC 5280 §6.3](https://www.rfc-editor.org/rfc/rfc5280#section-6.3),
 * with only operator-supplied CRLs). Each CRL used brings its signer's path,
 * whose certificates are checked the same way (§6.3.3 (f): the CRL issuer's
 * path is validated, revocation included); a certificate is checked once.
 * undefined = not revoked.
 */
export function checkRevocation(path: readonly ParsedCertificate[], view: RevocationView, options: RevocationOptions): RevocationFailure | undefined {
  const subjects = revocationSubjects(path);
  const context: CheckContext = { view, options, subjects };
  for (let index = 0; index < subjects.length; index++) {
    const subject = subjects[index];
    const refusal = checkSubject(
      subject,
      `${index === 0 ? 'certificate' : `intermediate #${index}`} '${subject.subjectDn}' (serial ${subject.serialNumberHex})`,
      context,
    );
    if (refusal !== undefined) return refusal;
  }
  return undefined;
}

function checkSubject(subject: RevocationSubject, label: string, context: CheckContext): RevocationFailure | undefined {
  return checkOperatorRevocation(subject, context.view, label) ?? checkIssuerCrls(subject, label, context);
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
 * Every CRL of the issuer's scope (each signing key's current one; crl-scope-id.ts),
 * and the CRLs stored before scopes existed of the path's keys of that CA:
 * each must be current (a stale one proves nothing: fail closed) and must
 * not list the serial (certificateHold too, until a newer CRL omits it);
 * then the signer's path of each must hold (checkCrlSigners). Without any
 * covering CRL the pool's `requireCrl` decides.
 */
function checkIssuerCrls(subject: RevocationSubject, label: string, context: CheckContext): RevocationFailure | undefined {
  const { view, options } = context;
  const crls = issuerCrls(subject, view);
  for (const crl of crls) {
    if (crl.nextUpdate.getTime() < options.now.getTime()) {
      return refuse(
        'crl_expired',
        `the CRL of '${crl.issuerDn}' expired at ${crl.nextUpdate.toISOString()}; ${label} cannot be checked until a current CRL is uploaded`,
      );
    }
    const entry = crl.entry(subject.serialNumberHex);
    if (entry !== undefined) {
      const reason = entry.reason === undefined ? '' : `, reason ${entry.reason}`;
      return refuse('certificate_revoked', `${label} is revoked by the CRL of '${crl.issuerDn}' since ${entry.revocationDate.toISOString()}${reason}`);
    }
  }
  for (const crl of crls) {
    const refusal = checkCrlSigners(crl, label, context);
    if (refusal !== undefined) return refusal;
  }
  if (crls.length === 0) {
    return options.requireCrl ? refuse('crl_missing', `no CRL of '${subject.issuerDn}' is in the pool, and the pool requires one for ${label}`) : undefined;
  }
  if (!subject.delegatesRevocation || !options.requireCrl) return undefined;
  return refuse('crl_missing', `${label} names another CRL issuer in cRLDistributionPoints; indirect CRLs are not accepted, so no CRL of the pool covers it`);
}

/** The CRLs of the subject's issuer scope and the legacy CRLs of its issuer's keys, each once. */
function issuerCrls(subject: RevocationSubject, view: RevocationView): readonly CrlStatus[] {
  const scoped = view.crls(subject.scopeId);
  const legacy = subject.legacyIssuerIds.flatMap((id) => view.legacyCrl(id) ?? []);
  // Most pools have no CRL: nothing to merge.
  if (scoped.length === 0 && legacy.length === 0) return scoped;
  return [...new Set([...scoped, ...legacy])];
}

/**
 * A CRL speaks only while its signer's path holds: each of its certificates
 * not checked yet is checked like a path certificate (its own scope's CRLs,
 * and their signers in turn; each certificate once, so a signer whose status
 * is on the very CRL it signed ends there). A revoked one makes every use of
 * the CRL a refusal, `crl_issuer_revoked` (a compromised CRL key can sign a
 * CRL that omits anything); a stale or missing CRL for it refuses as it
 * would for the certificate itself.
 */
function checkCrlSigners(crl: CrlStatus, label: string, context: CheckContext): RevocationFailure | undefined {
  context.seen ??= new Set(context.subjects.map(subjectKey));
  for (const signer of crl.signerPath) {
    const key = subjectKey(signer);
    if (context.seen.has(key)) continue;
    context.seen.add(key);
    const refusal = checkSubject(signer, `its signer '${signer.subjectDn}' (serial ${signer.serialNumberHex})`, context);
    if (refusal === undefined) continue;
    const code = refusal.code === 'certificate_revoked' ? 'crl_issuer_revoked' : refusal.code;
    return refuse(code, `${label} is covered by the CRL of '${crl.issuerDn}', which cannot be relied on: ${refusal.detail}`);
  }
  return undefined;
}

function refuse(code: RevocationErrorCode, detail: string): RevocationFailure {
  return { valid: false, code, detail };
}
