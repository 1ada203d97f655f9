import type { ParsedCertificate } from './parse-certificate';
import { type SignatureCheck, verifyCertificateSignature } from './verify-signature';

/**
 * Memoises (subject, issuer) signature checks for one validation, so path
 * building over a pool verifies each edge at most once however many
 * candidate paths share it.
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
      this.verifications++;
      result = verifyCertificateSignature(subject, issuer);
      byIssuer.set(issuer, result);
    }
    return result;
  }

  /** Number of actual verifications performed (for tests and metrics). */
  get count(): number {
    return this.verifications;
  }
}
