import { LruCache } from '../chain/lru-cache';
import type { ParsedCertificate } from '../chain/parse-certificate';

/** The identities of one CA certificate that do not depend on the path it is on (revocation-subjects.ts). */
export interface CaIdentities {
  /** crlIssuerId: its subject and key. */
  readonly keyId: string;
  /** issuerSerialId: its issuer name and serial. */
  readonly issuerSerialId: string;
  /** serialNumberKey of its serial. */
  readonly serialNumberHex: string;
  /** delegatesRevocation: it names another CRL issuer in cRLDistributionPoints. */
  readonly delegatesRevocation: boolean;
}

/** The most CA certificates whose identities a function instance keeps (as many as parsed CA certificates, parsed-certificates.ts). */
export const CA_IDENTITY_CAPACITY = 256;

/**
 * A pool's intermediates and roots are on the path of every token request,
 * and their revocation identities (SHA-256 each) are pure functions of
 * their bytes: they are computed once per parsed CA certificate.
 *
 * Key: the certificate's `sha256Hex` (SHA-256 of its exact DER); a hit must
 * also be the very same ParsedCertificate object (frozen, parsed from those
 * bytes and never modified), so other bytes, or a certificate parsed again,
 * are computed afresh. Bound: CA_IDENTITY_CAPACITY certificates, least
 * recently used first out. Only frozen CA certificates (basicConstraints
 * cA=TRUE) are kept: a stream of new device certificates never evicts them.
 * Safe because nothing is decided here: the same bytes give the same ids.
 */
const CA_IDENTITIES = new LruCache<{ readonly certificate: ParsedCertificate; readonly identities: CaIdentities }>(CA_IDENTITY_CAPACITY);

/** `compute(certificate)`, remembered for a frozen CA certificate (the same object next time); computed on every call for any other. */
export function caIdentities(certificate: ParsedCertificate, compute: (certificate: ParsedCertificate) => CaIdentities): CaIdentities {
  if (!certificate.isCA || !Object.isFrozen(certificate)) return compute(certificate);
  const known = CA_IDENTITIES.get(certificate.sha256Hex);
  if (known !== undefined && known.certificate === certificate) return known.identities;
  const identities = Object.freeze(compute(certificate));
  CA_IDENTITIES.set(certificate.sha256Hex, { certificate, identities });
  return identities;
}

/** How many CA certificates' identities the process keeps (for the test of the bound). */
export function cachedCaIdentityCount(): number {
  return CA_IDENTITIES.size;
}
