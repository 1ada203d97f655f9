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
  return lengthPrefixedSha256([Buffer.from(issuer.subject.comparisonKey, 'utf8'), issuer.spkiDer]);
}

/**
 * Identifies a certificate whatever its encoding: SHA-256 over its
 * normalised issuer name and its serial (serialNumberKey), each
 * length-prefixed. An issuer's name and serial name exactly one certificate
 * ([RFC 5280 §4.1.2.2](https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.2)),
 * and both lie inside the signed part, so unlike the DER fingerprint they do
 * not change when the signature is re-encoded or, for ECDSA, replaced by its
 * malleable twin (r, n−s), which anyone can compute without the key.
 */
export function issuerSerialId(certificate: ParsedCertificate): string {
  return lengthPrefixedSha256([Buffer.from(certificate.issuer.comparisonKey, 'utf8'), Buffer.from(serialNumberKey(certificate.serialNumber), 'utf8')]);
}

function lengthPrefixedSha256(parts: readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(part.byteLength);
    hash.update(length).update(part);
  }
  return hash.digest('hex');
}

export interface RevocationSubject {
  readonly certificate: ParsedCertificate;
  /** crlIssuerId of the certificate that issued it (the next one on the path), or of another key of that CA above it. */
  readonly issuerId: string;
  /** serialNumberKey of its serial: its `serialNumberHex` unless the serial is negative. */
  readonly serialNumberHex: string;
  /** SHA-256 of the certificate's DER, lowercase hex. */
  readonly fingerprint: string;
  /** issuerSerialId of the certificate: matched by operator revocations given as a PEM, whatever the encoding. */
  readonly issuerSerialId: string;
  /** crlIssuerId of the certificate itself (its subject and key): matched by operator revocations of a CA given as a PEM. */
  readonly keyId: string;
}

/**
 * Which CRLs of which issuer decide the status of each certificate of a
 * validated path (leaf first, anchor last): every certificate but the
 * anchor, whose trust is the operator's decision, in path order. The first
 * subject of a certificate names its issuer's key. When that issuer is
 * self-issued (a CA's key rollover: RFC 5280 §6.1 "self-issued"), the same
 * CA's other keys above it on the path follow, each as one more subject of
 * the same certificate: a CRL signed with any of them speaks for the CA
 * ([RFC 5280 §6.3.3 (f)](https://www.rfc-editor.org/rfc/rfc5280#section-6.3.3):
 * a CRL issuer with the certificate's issuer name, validated to the same
 * trust anchor; here, on the very path). Storage reads a CRL and the serial's
 * bucket per subject, so such a CRL is loaded like any other.
 */
export function revocationSubjects(path: readonly ParsedCertificate[]): RevocationSubject[] {
  return path.slice(0, -1).flatMap((certificate, index) => {
    const identity = {
      certificate,
      serialNumberHex: serialNumberKey(certificate.serialNumber),
      fingerprint: certificate.sha256Hex,
      issuerSerialId: issuerSerialId(certificate),
      keyId: crlIssuerId(certificate),
    };
    const issuerIds = [crlIssuerId(path[index + 1])];
    for (let above = index + 2; above < path.length && path[above - 1].selfIssued; above++) {
      const id = crlIssuerId(path[above]);
      if (!issuerIds.includes(id)) issuerIds.push(id);
    }
    return issuerIds.map((issuerId) => ({ ...identity, issuerId }));
  });
}
