import type { KeyObject } from 'node:crypto';
import { ALLOWED_ASSERTION_ALGS, type AssertionAlg } from '../domain/assertion/compact-jws';
import { DeviceClientError } from './errors';

export { ALLOWED_ASSERTION_ALGS, type AssertionAlg };

/** RFC 7518 §3.4: each ES* algorithm is bound to one curve. */
const CURVE_ALG: Record<string, AssertionAlg> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

/**
 * The JWS algorithm for a device key (RFC 7518 §3): RS256 for RSA (the
 * openssl recipe's keys), PS256 for RSA-PSS keys, the curve's ES* for EC.
 * With `requested`, checks that the key can produce it. Throws
 * DeviceClientError `unsupported_key_type` (e.g. Ed25519, which the token
 * endpoint does not accept, or ES384 asked of a P-256 key).
 */
export function signingAlgorithm(key: KeyObject, requested?: string): AssertionAlg {
  const type = key.asymmetricKeyType;
  const curveAlg = type === 'ec' ? CURVE_ALG[key.asymmetricKeyDetails?.namedCurve ?? ''] : undefined;
  const possible: readonly AssertionAlg[] =
    type === 'rsa' ? ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] : type === 'rsa-pss' ? ['PS256', 'PS384', 'PS512'] : curveAlg ? [curveAlg] : [];
  if (possible.length === 0) {
    const detail = type === 'ec' ? `curve ${key.asymmetricKeyDetails?.namedCurve}` : `key type ${type}`;
    throw new DeviceClientError('unsupported_key_type', `${detail}; use RSA (2048 bits or more) or EC P-256/P-384/P-521`);
  }
  if (requested === undefined) return possible[0];
  if (!(ALLOWED_ASSERTION_ALGS as readonly string[]).includes(requested) || !possible.includes(requested as AssertionAlg)) {
    throw new DeviceClientError('unsupported_key_type', `this ${type} key can sign ${possible.join(', ')}, not ${requested}`);
  }
  return requested as AssertionAlg;
}
