import { createHash } from 'node:crypto';
import type { ParsedCertificate } from '../chain/parse-certificate';
import { serialNumberKey } from './serial-number';

/**
 * Identifies a CRL issuer by name AND key: SHA-256 over the issuer's
 * normalised subject (the key [RFC 5280 §7.1](https://www.rfc-editor.org/rfc/rfc5280#section-7.1) name comparison uses) and its
 * SubjectPublicKeyInfo DER, each length-prefixed so no two pairs collide.
 * The name alone is not enough: another pool's CA, or a re-keyed CA, may
 * carry the same name, and a CRL only speaks for the key that signed it
 * ([RFC 5280 §6.3.3 (f)](https://www.rfc-editor.org/rfc/rfc5280#section-6.3.3)).
 */
export function crlIssuerId(issuer: ParsedCertificate): string {
  const name = Buffer.from(issuer.subject.comparisonKey, 'utf8');
  const hash = createHash('sha256');
  for (const part of [name, issuer.spkiDer]) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(part.byteLength);
    hash.update(length).update(part);
  }
  return hash.digest('hex');
}

export interface RevocationSubject {
  readonly certificate: ParsedCertificate;
  /** crlIssuerId of the certificate that issued it (the next one on the path). */
  readonly issuerId: string;
  /** serialNumberKey of its serial: its `serialNumberHex` unless the serial is negative. */
  readonly serialNumberHex: string;
  /** SHA-256 of the certificate's DER, lowercase hex. */
  readonly fingerprint: string;
}

/**
 * Which CRL of which issuer decides the status of each certificate of a
 * validated path (leaf first, anchor last): every certificate but the
 * anchor, whose trust is the operator's decision, in path order.
 */
export function revocationSubjects(path: readonly ParsedCertificate[]): RevocationSubject[] {
  return path.slice(0, -1).map((certificate, index) => ({
    certificate,
    issuerId: crlIssuerId(path[index + 1]),
    serialNumberHex: serialNumberKey(certificate.serialNumber),
    fingerprint: certificate.sha256Hex,
  }));
}
