import { constants, type KeyObject, verify } from 'node:crypto';
import { DomainError } from '../../errors';
import type { AssertionAlg } from './compact-jws';

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };
/** RFC 7518 §3.4: each ES* algorithm is bound to one curve. */
const CURVE_FOR_ALG: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

function invalid(message: string): DomainError {
  return new DomainError('assertion_signature_invalid', message);
}

/**
 * Verifies the JWS signature with the device certificate's key. The key type
 * must match the algorithm family, so an RSA certificate cannot be paired with
 * an ECDSA `alg` (or vice versa) to confuse verification.
 */
export function verifyAssertionSignature(alg: AssertionAlg, key: KeyObject, signingInput: Buffer, signature: Buffer): void {
  const hash = HASH[alg.slice(2)];
  const family = alg.slice(0, 2);
  const keyType = key.asymmetricKeyType;
  let ok = false;
  try {
    if (family === 'ES') {
      if (keyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== CURVE_FOR_ALG[alg]) {
        throw invalid(`${alg} requires an EC key on the matching curve`);
      }
      ok = verify(hash, signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature);
    } else {
      // RFC 4055 §1.2: an id-RSASSA-PSS key signs PSS only, never PKCS#1 v1.5.
      if (keyType !== 'rsa' && !(keyType === 'rsa-pss' && family === 'PS')) throw invalid(`${alg} requires an RSA key`);
      const padding = family === 'PS' ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING;
      // RFC 7518 §3.5: the PSS salt is as long as the hash output.
      ok = verify(hash, signingInput, { key, padding, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature);
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    ok = false;
  }
  if (!ok) throw invalid('the assertion signature does not verify with the device certificate key');
}
