import { createHash } from 'node:crypto';
import type { ParsedCertificate } from './parse-certificate';

type AnchorFields = Pick<ParsedCertificate, 'subject' | 'spkiDer'>;

/**
 * Identities of CA certificates (frozen ParsedCertificates with cA=TRUE, the
 * anchors and intermediates that recur): path building asks for them on
 * every validation. Not kept for others (one WeakMap entry per request
 * costs the garbage collector more than the hash it saves).
 */
const identities = new WeakMap<AnchorFields, string>();

/**
 * RFC 5280 §6.1.1 (d): a trust anchor is a name and a public key. Two
 * certificates with the same subject (compared as §7.1 compares names) and
 * the same SubjectPublicKeyInfo are the same anchor, whatever their dates,
 * issuer, extensions or signature encoding. Hex SHA-256 over both, length
 * prefixed so the boundary cannot shift.
 */
export function anchorIdentity(certificate: AnchorFields): string {
  const known = identities.get(certificate);
  if (known !== undefined) return known;
  const name = Buffer.from(certificate.subject.comparisonKey, 'utf8');
  const length = (buffer: Uint8Array) => Buffer.from(Uint32Array.of(buffer.byteLength).buffer);
  const identity = createHash('sha256').update(length(name)).update(name).update(length(certificate.spkiDer)).update(certificate.spkiDer).digest('hex');
  // Only a frozen object cannot change under its remembered identity.
  if ((certificate as Partial<ParsedCertificate>).isCA === true && Object.isFrozen(certificate)) identities.set(certificate, identity);
  return identity;
}
