/**
 * The asymmetric SIGN_VERIFY key specs the local KMS supports, with the
 * signing algorithms real KMS allows for each (AWS KMS developer guide,
 * "Asymmetric key specs").
 */
export type DigestName = 'sha256' | 'sha384' | 'sha512';

export interface SigningAlgorithmInfo {
  family: 'ecdsa' | 'pkcs1' | 'pss';
  digest: DigestName;
}

export const SIGNING_ALGORITHMS: Readonly<Record<string, SigningAlgorithmInfo>> = {
  ECDSA_SHA_256: { family: 'ecdsa', digest: 'sha256' },
  ECDSA_SHA_384: { family: 'ecdsa', digest: 'sha384' },
  ECDSA_SHA_512: { family: 'ecdsa', digest: 'sha512' },
  RSASSA_PKCS1_V1_5_SHA_256: { family: 'pkcs1', digest: 'sha256' },
  RSASSA_PKCS1_V1_5_SHA_384: { family: 'pkcs1', digest: 'sha384' },
  RSASSA_PKCS1_V1_5_SHA_512: { family: 'pkcs1', digest: 'sha512' },
  RSASSA_PSS_SHA_256: { family: 'pss', digest: 'sha256' },
  RSASSA_PSS_SHA_384: { family: 'pss', digest: 'sha384' },
  RSASSA_PSS_SHA_512: { family: 'pss', digest: 'sha512' },
};

export const DIGEST_LENGTH: Readonly<Record<DigestName, number>> = { sha256: 32, sha384: 48, sha512: 64 };

export type KeyGeneration = { type: 'ec'; namedCurve: string } | { type: 'rsa'; modulusLength: number };

export interface KeySpecInfo {
  generation: KeyGeneration;
  signingAlgorithms: readonly string[];
}

const RSA_ALGORITHMS = [
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
];

export const KEY_SPECS: Readonly<Record<string, KeySpecInfo>> = {
  ECC_NIST_P256: { generation: { type: 'ec', namedCurve: 'P-256' }, signingAlgorithms: ['ECDSA_SHA_256'] },
  ECC_NIST_P384: { generation: { type: 'ec', namedCurve: 'P-384' }, signingAlgorithms: ['ECDSA_SHA_384'] },
  ECC_NIST_P521: { generation: { type: 'ec', namedCurve: 'P-521' }, signingAlgorithms: ['ECDSA_SHA_512'] },
  RSA_2048: { generation: { type: 'rsa', modulusLength: 2048 }, signingAlgorithms: RSA_ALGORITHMS },
  RSA_3072: { generation: { type: 'rsa', modulusLength: 3072 }, signingAlgorithms: RSA_ALGORITHMS },
  RSA_4096: { generation: { type: 'rsa', modulusLength: 4096 }, signingAlgorithms: RSA_ALGORITHMS },
};
