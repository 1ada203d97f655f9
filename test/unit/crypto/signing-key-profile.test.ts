import { SigningError } from '../../../src/crypto/signing-error';
import { signingKeyProfile } from '../../../src/crypto/signing-key-profile';

describe('signingKeyProfile', () => {
  it.each([
    ['ECC_NIST_P256', 'ES256', 'ECDSA_SHA_256'],
    ['ECC_NIST_P384', 'ES384', 'ECDSA_SHA_384'],
    ['ECC_NIST_P521', 'ES512', 'ECDSA_SHA_512'],
    ['RSA_2048', 'RS256', 'RSASSA_PKCS1_V1_5_SHA_256'],
    ['RSA_3072', 'RS256', 'RSASSA_PKCS1_V1_5_SHA_256'],
    ['RSA_4096', 'RS256', 'RSASSA_PKCS1_V1_5_SHA_256'],
  ])('%s signs %s with KMS %s', (keySpec, alg, kmsAlgorithm) => {
    expect(signingKeyProfile(keySpec)).toMatchObject({ alg, kmsAlgorithm });
  });

  it.each(['SYMMETRIC_DEFAULT', 'HMAC_256', 'ECC_SECG_P256K1', 'SM2', undefined])('refuses %s', (keySpec) => {
    expect(() => signingKeyProfile(keySpec)).toThrow(SigningError);
    expect(() => signingKeyProfile(keySpec)).toThrow(expect.objectContaining({ code: 'unsupported_signing_key' }));
  });
});
