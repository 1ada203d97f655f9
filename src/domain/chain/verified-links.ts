import { LruCache } from './lru-cache';
import type { ParsedCertificate } from './parse-certificate';

/**
 * CA → CA links whose signature verified, remembered for the life of a
 * function instance: the intermediate ← root link of a pool is verified once,
 * not on every token request (an RSA-4096 verification costs more than the
 * rest of the request's cryptography).
 *
 * The key is the SHA-256 of both certificates' exact DER, so a hit means the
 * same TBSCertificate, signature and algorithm under the same issuer key: the
 * result of RFC 5280 §6.1.3 (a)(1) for those bytes cannot differ. Only
 * successes are kept (a failure is recomputed, so hostile input cannot fill
 * the cache), only for subjects that are CA certificates (device
 * certificates are verified on every request), and never for a DSA key that
 * inherits its parameters (the result depends on the path above; see
 * SignatureCache). Which algorithms and keys are acceptable is the policy's
 * decision, checked on every validation before any signature is looked at.
 */
const VERIFIED_LINKS = new LruCache<true>(1024);

function linkKey(subject: ParsedCertificate, issuer: ParsedCertificate): string {
  return `${issuer.sha256Hex}>${subject.sha256Hex}`;
}

/** True when `issuer`'s key is known to verify the signature on CA certificate `subject` (same bytes). */
export function isVerifiedLink(subject: ParsedCertificate, issuer: ParsedCertificate): boolean {
  return subject.isCA && VERIFIED_LINKS.get(linkKey(subject, issuer)) === true;
}

/** Remembers a verified signature on CA certificate `subject`; does nothing for an end-entity subject. */
export function rememberVerifiedLink(subject: ParsedCertificate, issuer: ParsedCertificate): void {
  if (subject.isCA) VERIFIED_LINKS.set(linkKey(subject, issuer), true);
}

/** How many links the process keeps (for tests of the bound). */
export function verifiedLinkCount(): number {
  return VERIFIED_LINKS.size;
}
