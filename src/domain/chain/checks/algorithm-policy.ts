import type { AlgorithmPolicy } from '../policy';
import type { PublicKeyDescription } from '../public-key-info';
import { failure } from '../result';
import type { SignatureAlgorithmInfo } from '../signature-algorithm';
import type { CertificateCheck } from './check';

/** Why a signature algorithm is refused by the policy, or undefined when it is allowed. */
export function signatureAlgorithmRefusal(info: SignatureAlgorithmInfo, policy: AlgorithmPolicy): string | undefined {
  if (!info.supported) return `signature algorithm ${info.oid} refused (${info.reason})`;
  if (!policy.signatureAlgorithms.includes(info.algorithm.name)) return `signature algorithm ${info.algorithm.name} is not allowed by the policy`;
  return undefined;
}

/** FIPS 186-4 §4.2's largest DSA prime; also bounds the cost of one verification. */
const MAX_DSA_PRIME_BITS = 3072;

/** Why a public key is refused by the policy, or undefined when it is allowed. */
export function publicKeyRefusal(key: PublicKeyDescription, policy: AlgorithmPolicy): string | undefined {
  if (key.kind === 'unsupported') return `public key ${key.oid} refused (${key.reason})`;
  if (key.kind === 'rsa' && (key.modulusBits < policy.minRsaModulusBits || key.modulusBits > policy.maxRsaModulusBits)) {
    return `RSA key of ${key.modulusBits} bits outside ${policy.minRsaModulusBits}..${policy.maxRsaModulusBits}`;
  }
  if (key.kind === 'ec' && !policy.ecCurves.includes(key.curve)) return `EC curve ${key.curve} is not allowed by the policy`;
  if (key.kind === 'dsa') {
    if (policy.minDsaPrimeBits === undefined) return 'DSA keys are not allowed by the policy';
    if (key.primeBits !== undefined && (key.primeBits < policy.minDsaPrimeBits || key.primeBits > MAX_DSA_PRIME_BITS)) {
      return `DSA key with a ${key.primeBits}-bit prime outside ${policy.minDsaPrimeBits}..${MAX_DSA_PRIME_BITS}`;
    }
  }
  return undefined;
}

/**
 * docs/contract.md §4.3 signature algorithms: RSA PKCS#1 v1.5 / PSS and ECDSA with
 * SHA-256/384/512; a SHA-1 or MD5 signature is refused (chosen-prefix
 * collisions make it forgeable). Not applied to the trust anchor's own
 * self-signature: RFC 5280 §6.1.1 (d) trusts the anchor's name and key, its
 * self-signature is never verified and proves nothing (real roots such as
 * DigiCert Global Root CA are SHA-1 self-signed). The anchor's key is still
 * checked, and so is every signature the anchor made on the path. Root
 * uploads refuse SHA-1/MD5 roots separately (docs/contract.md §3.1).
 */
const checkSignatureAlgorithmAllowed: CertificateCheck = (certificate, position, policy) => {
  if (position.isAnchor && !position.isLeaf) return undefined;
  const refusal = signatureAlgorithmRefusal(certificate.signatureAlgorithm, policy.algorithms);
  return refusal === undefined ? undefined : failure('unsupported_signature_algorithm', `${position.label}: ${refusal}`);
};

/** docs/contract.md §4.3 keys: RSA >= 2048 bits (bounded above to bound verification cost), EC P-256/P-384/P-521. */
const checkPublicKeyAllowed: CertificateCheck = (certificate, position, policy) => {
  const refusal = publicKeyRefusal(certificate.publicKey, policy.algorithms);
  return refusal === undefined ? undefined : failure('unsupported_public_key', `${position.label}: ${refusal}`);
};

export const ALGORITHM_POLICY_CHECKS: readonly CertificateCheck[] = [checkSignatureAlgorithmAllowed, checkPublicKeyAllowed];
