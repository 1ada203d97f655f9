import type { ParsedCertificate } from '../chain/parse-certificate';
import { crlIssuerId, issuerSerialId } from './crl-issuer-id';
import { delegatesRevocation } from './crl-scope';
import { crlScopeId } from './crl-scope-id';
import { serialNumberKey } from './serial-number';

/** The identities under which one certificate's revocation is looked up; plain data, stored with a CRL for its signer's path. */
export interface RevocationIdentity {
  /** crlScopeId(the path's anchor, the certificate's issuer name): the CRLs that speak for its issuer. */
  readonly scopeId: string;
  /**
   * crlIssuerId of its issuer on the path, then of the same CA's other keys
   * above it (self-issued certificates: a key rollover), without repeats:
   * the CRLs stored before scopes existed, keyed by their signer's name and
   * key (`CRL#{crlIssuerId}`), are matched by these.
   */
  readonly legacyIssuerIds: readonly string[];
  /** serialNumberKey of its serial: its `serialNumberHex` unless the serial is negative. */
  readonly serialNumberHex: string;
  /** SHA-256 of the certificate's DER, lowercase hex. */
  readonly fingerprint: string;
  /** issuerSerialId of the certificate: matched by operator revocations given as a PEM, whatever the encoding. */
  readonly issuerSerialId: string;
  /** crlIssuerId of the certificate itself (its subject and key): matched by operator revocations of a CA given as a PEM. */
  readonly keyId: string;
}

/** One certificate whose revocation status is checked: its identities and what a refusal names. */
export interface RevocationSubject extends RevocationIdentity {
  /** RFC 4514 forms, for messages. */
  readonly subjectDn: string;
  readonly issuerDn: string;
  /** delegatesRevocation(certificate): it names another CRL issuer in cRLDistributionPoints. */
  readonly delegatesRevocation: boolean;
}

/**
 * The certificates of a validated path (leaf first, anchor last) whose
 * status is checked: every one but the anchor, whose trust is the
 * operator's decision, in path order, one subject each. Its CRL scope is
 * that of its issuer's name under the path's anchor
 * ([RFC 5280 §6.3.3](https://www.rfc-editor.org/rfc/rfc5280#section-6.3.3) (b)(1), (f)).
 */
export function revocationSubjects(path: readonly ParsedCertificate[]): RevocationSubject[] {
  if (path.length === 0) return [];
  const anchor = path[path.length - 1];
  return path.slice(0, -1).map((certificate, index) => ({
    scopeId: crlScopeId(anchor, certificate.issuer),
    legacyIssuerIds: legacyIssuerIds(path, index),
    serialNumberHex: serialNumberKey(certificate.serialNumber),
    fingerprint: certificate.sha256Hex,
    issuerSerialId: issuerSerialId(certificate),
    keyId: crlIssuerId(certificate),
    subjectDn: certificate.subjectDn,
    issuerDn: certificate.issuerDn,
    delegatesRevocation: delegatesRevocation(certificate),
  }));
}

/** The path's keys of the CA that issued path[index]: its issuer, then, while that is self-issued, the keys above it. */
function legacyIssuerIds(path: readonly ParsedCertificate[], index: number): string[] {
  const ids = [crlIssuerId(path[index + 1])];
  for (let above = index + 2; above < path.length && path[above - 1].selfIssued; above++) {
    const id = crlIssuerId(path[above]);
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** The same certificate under the same scope (a CRL signer's path often shares certificates with the device's). */
export function subjectKey(subject: Pick<RevocationIdentity, 'fingerprint' | 'scopeId'>): string {
  return `${subject.fingerprint.toLowerCase()}|${subject.scopeId}`;
}
