import type { ParsedCertificate } from './parse-certificate';
import { isVerifiedLink, rememberVerifiedLink } from './verified-links';
import { type SignatureCheck, verifyCertificateSignature } from './verify-signature';

const VERIFIED: SignatureCheck = Object.freeze({ ok: true });

/**
 * Memoises (subject, issuer) signature checks for one validation, so path
 * building over a pool verifies each edge at most once however many
 * candidate paths share it. CA → CA links verified by an earlier validation
 * of the same bytes are not verified again (verified-links.ts).
 */
export class SignatureCache {
  private readonly results = new Map<ParsedCertificate, Map<ParsedCertificate, SignatureCheck>>();
  private verifications = 0;

  /** `inheritedDsaParameters`: see verifyCertificateSignature; such a check is not memoised (it depends on the path above). */
  verify(subject: ParsedCertificate, issuer: ParsedCertificate, inheritedDsaParameters?: Uint8Array): SignatureCheck {
    if (inheritedDsaParameters !== undefined) {
      this.verifications++;
      return verifyCertificateSignature(subject, issuer, inheritedDsaParameters);
    }
    let byIssuer = this.results.get(subject);
    if (byIssuer === undefined) {
      byIssuer = new Map();
      this.results.set(subject, byIssuer);
    }
    let result = byIssuer.get(issuer);
    if (result === undefined) {
      if (isVerifiedLink(subject, issuer)) {
        result = VERIFIED;
      } else {
        this.verifications++;
        result = verifyCertificateSignature(subject, issuer);
        if (result.ok) rememberVerifiedLink(subject, issuer);
      }
      byIssuer.set(issuer, result);
    }
    return result;
  }

  /** Number of actual verifications performed (for tests and metrics). */
  get count(): number {
    return this.verifications;
  }
}
