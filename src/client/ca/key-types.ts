import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { DeviceClientError } from '../errors';

/** Keys the token endpoint accepts (docs/contract.md §4.3: RSA ≥ 2048, EC P-256/P-384). */
export const KEY_TYPES = ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export function parseKeyType(value: string): KeyType {
  if (!(KEY_TYPES as readonly string[]).includes(value)) throw new DeviceClientError('ca_input_invalid', `--key-type must be one of ${KEY_TYPES.join(', ')}`);
  return value as KeyType;
}

export function generateKey(type: KeyType): KeyObject {
  if (type.startsWith('rsa-')) return generateKeyPairSync('rsa', { modulusLength: Number(type.slice(4)) }).privateKey;
  return generateKeyPairSync('ec', { namedCurve: type === 'ec-p256' ? 'prime256v1' : 'secp384r1' }).privateKey;
}

/** The RFC 5280 §4.1.1.2 AlgorithmIdentifier a key signs certificates with, and how. */
export interface CertificateSigner {
  /** sha256WithRSAEncryption (RFC 4055 §5, parameters NULL) or ecdsa-with-SHA256/384 (RFC 5758 §3.2, no parameters). */
  algorithmOid: string;
  /** Whether the AlgorithmIdentifier carries a NULL parameter. */
  nullParameters: boolean;
  sign(data: Uint8Array): Uint8Array;
}

const RSA_SHA256 = '1.2.840.113549.1.1.11';
const ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const ECDSA_SHA384 = '1.2.840.10045.4.3.3';

/** RSA signs with SHA-256 (what `openssl x509 -req` does); EC with the hash matching its curve (RFC 5480 §4). */
export function certificateSigner(key: KeyObject): CertificateSigner {
  if (key.asymmetricKeyType === 'rsa') {
    return { algorithmOid: RSA_SHA256, nullParameters: true, sign: (data) => new Uint8Array(sign('sha256', data, key)) };
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ec' && (curve === 'prime256v1' || curve === 'secp384r1')) {
    const hash = curve === 'prime256v1' ? 'sha256' : 'sha384';
    return { algorithmOid: hash === 'sha256' ? ECDSA_SHA256 : ECDSA_SHA384, nullParameters: false, sign: (data) => new Uint8Array(sign(hash, data, key)) };
  }
  throw new DeviceClientError('unsupported_key_type', `a CA key must be RSA or EC P-256/P-384, not ${key.asymmetricKeyType} ${curve ?? ''}`.trim());
}
