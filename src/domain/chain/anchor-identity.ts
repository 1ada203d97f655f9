import { createHash } from 'node:crypto';
import type { ParsedCertificate } from './parse-certificate';

/**
 * RFC 5280 §6.1.1 (d): a trust anchor is a name and a public key. Two
 * certificates with the same subject (compared as §7.1 compares names) and
 * the same SubjectPublicKeyInfo are the same anchor, whatever their dates,
 * issuer, extensions or signature encoding. Hex SHA-256 over both, length
 * prefixed so the boundary cannot shift.
 */
export function anchorIdentity(certificate: Pick<ParsedCertificate, 'subject' | 'spkiDer'>): string {
  const name = Buffer.from(certificate.subject.comparisonKey, 'utf8');
  const length = (buffer: Uint8Array) => Buffer.from(Uint32Array.of(buffer.byteLength).buffer);
  return createHash('sha256').update(length(name)).update(name).update(length(certificate.spkiDer)).update(certificate.spkiDer).digest('hex');
}
