import { createHash } from 'node:crypto';
import type { ParsedCertificate } from '../chain/parse-certificate';
import { serialNumberKey } from './serial-number';

/**
 * Identifies a CA certificate's subject AND key: SHA-256 over its normalised
 * subject (the key [RFC 5280 §7.1](https://www.rfc-editor.org/rfc/rfc5280#section-7.1) name comparison uses) and its
 * SubjectPublicKeyInfo DER, each length-prefixed so no two pairs collide.
 * What an operator revocation of a CA given as a PEM matches (`keyId`,
 * `REVOKEDKEY#`), and the signing key of a CRL: within one CRL scope
 * (crl-scope-id.ts) each signing key has its own sequence of CRLs. CRLs
 * stored before scopes existed are keyed by it (`CRL#{crlIssuerId}`).
 */
export function crlIssuerId(issuer: Pick<ParsedCertificate, 'subject' | 'spkiDer'>): string {
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

/** Lowercase hex SHA-256 over the parts, each preceded by its length (4 octets, big-endian), so no boundary can shift. */
export function lengthPrefixedSha256(parts: readonly Uint8Array[]): string {
  let size = 0;
  for (const part of parts) size += 4 + part.byteLength;
  // One input, every octet written below: the same bytes as hashing each length and part in turn, without a buffer per length.
  const input = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const part of parts) {
    offset = input.writeUInt32BE(part.byteLength, offset);
    input.set(part, offset);
    offset += part.byteLength;
  }
  return createHash('sha256').update(input).digest('hex');
}
