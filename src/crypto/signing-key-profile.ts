import type { SigningAlgorithmSpec } from '@aws-sdk/client-kms';
import { SigningError } from './signing-error';

/**
 * How a KMS key spec maps to a JWS algorithm. RSA keys sign RS256
 * (RSASSA-PKCS1-v1_5), the algorithm every JWT library supports; RSA-PSS
 * (PS256) is possible with the same keys but is deliberately not chosen.
 */
export type JwsAlg = 'ES256' | 'ES384' | 'ES512' | 'RS256';
type DigestName = 'sha256' | 'sha384' | 'sha512';

export interface SigningKeyProfile {
  alg: JwsAlg;
  kmsAlgorithm: SigningAlgorithmSpec;
  digest: DigestName;
  /** JWK `crv` expected for EC keys; undefined for RSA. */
  curve?: 'P-256' | 'P-384' | 'P-521';
}

const RS256: SigningKeyProfile = { alg: 'RS256', kmsAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256', digest: 'sha256' };

const PROFILES: Readonly<Record<string, SigningKeyProfile>> = {
  ECC_NIST_P256: { alg: 'ES256', kmsAlgorithm: 'ECDSA_SHA_256', digest: 'sha256', curve: 'P-256' },
  ECC_NIST_P384: { alg: 'ES384', kmsAlgorithm: 'ECDSA_SHA_384', digest: 'sha384', curve: 'P-384' },
  ECC_NIST_P521: { alg: 'ES512', kmsAlgorithm: 'ECDSA_SHA_512', digest: 'sha512', curve: 'P-521' },
  RSA_2048: RS256,
  RSA_3072: RS256,
  RSA_4096: RS256,
};

export function signingKeyProfile(keySpec: string | undefined): SigningKeyProfile {
  const profile = keySpec ? PROFILES[keySpec] : undefined;
  if (!profile) {
    throw new SigningError('unsupported_signing_key', `KMS key spec ${String(keySpec)} cannot sign JWTs`);
  }
  return profile;
}
