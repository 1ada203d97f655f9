import type { ParsedCertificate } from '../chain/parse-certificate';
import { crlIssuerId, issuerSerialId } from './crl-issuer-id';

/**
 * What an operator revocation matches at the token endpoint (listed as the
 * record's `matches`):
 *
 * - `fingerprint`: the SHA-256 of that exact DER. Always, and all a
 *   revocation given as a fingerprint can match: the same certificate with
 *   its signature re-encoded (for ECDSA, (r, s) → (r, n−s), computable by
 *   anyone) has another fingerprint.
 * - `issuerAndSerial`: the certificate whatever its encoding (issuerSerialId).
 *   Revocations given as a PEM.
 * - `subjectAndKey`: every certificate with the CA's subject and key
 *   (crlIssuerId), e.g. its renewal. Revocations of a CA (basicConstraints
 *   cA) given as a PEM.
 */
const REVOCATION_MATCHES = ['fingerprint', 'issuerAndSerial', 'subjectAndKey'] as const;
export type RevocationMatch = (typeof REVOCATION_MATCHES)[number];

/** The identities one revocation records; the ids are lowercase hex. */
export interface RevocationIdentities {
  readonly fingerprint: string;
  readonly issuerAndSerial?: string;
  readonly subjectAndKey?: string;
}

/** A revocation given as a fingerprint: that encoding only. */
export function fingerprintIdentities(fingerprint: string): RevocationIdentities {
  return { fingerprint: fingerprint.toLowerCase() };
}

/** A revocation given as a certificate: its encoding, the certificate, and for a CA its subject and key. */
export function certificateIdentities(certificate: ParsedCertificate): RevocationIdentities {
  return {
    fingerprint: certificate.sha256Hex,
    issuerAndSerial: issuerSerialId(certificate),
    ...(certificate.isCA ? { subjectAndKey: crlIssuerId(certificate) } : {}),
  };
}

export function matchesOf(identities: RevocationIdentities): RevocationMatch[] {
  return REVOCATION_MATCHES.filter((match) => identities[match] !== undefined);
}
