import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** Key types the test PKI can generate. RSA-1024 exists only to prove it is refused. */
export type KeyAlgorithm = 'RSA-1024' | 'RSA-2048' | 'RSA-3072' | 'RSA-4096' | 'EC-P256' | 'EC-P384' | 'EC-P521';

export type HashAlgorithm = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** How an issuer signs: PKCS#1 v1.5 or PSS for RSA keys, ECDSA for EC keys. */
export type SignatureScheme = 'pkcs1' | 'pss' | 'ecdsa';

const subtle = globalThis.crypto.subtle;

const OIDS = {
  pkcs1: { 'SHA-1': '1.2.840.113549.1.1.5', 'SHA-256': '1.2.840.113549.1.1.11', 'SHA-384': '1.2.840.113549.1.1.12', 'SHA-512': '1.2.840.113549.1.1.13' },
  ecdsa: { 'SHA-1': '1.2.840.10045.4.1', 'SHA-256': '1.2.840.10045.4.3.2', 'SHA-384': '1.2.840.10045.4.3.3', 'SHA-512': '1.2.840.10045.4.3.4' },
  hash: { 'SHA-1': '1.3.14.3.2.26', 'SHA-256': '2.16.840.1.101.3.4.2.1', 'SHA-384': '2.16.840.1.101.3.4.2.2', 'SHA-512': '2.16.840.1.101.3.4.2.3' },
} as const;
const HASH_BYTES: Record<HashAlgorithm, number> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

/** Extractable keys: the private key is re-imported per signing hash and handed to JWT-signing tests. */
export async function generateKeys(algorithm: KeyAlgorithm): Promise<CryptoKeyPair> {
  if (algorithm.startsWith('RSA-')) {
    const modulusLength = Number(algorithm.slice(4));
    const params = { name: 'RSASSA-PKCS1-v1_5', modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
    return subtle.generateKey(params, true, ['sign', 'verify']);
  }
  const namedCurve = { 'EC-P256': 'P-256', 'EC-P384': 'P-384', 'EC-P521': 'P-521' }[algorithm as 'EC-P256'];
  return subtle.generateKey({ name: 'ECDSA', namedCurve }, true, ['sign', 'verify']);
}

export function defaultScheme(keys: CryptoKeyPair): SignatureScheme {
  return keys.privateKey.algorithm.name === 'ECDSA' ? 'ecdsa' : 'pkcs1';
}

/** The AlgorithmIdentifier a certificate signed this way carries (RFC 4055, RFC 5758). */
export function signatureAlgorithmIdentifier(scheme: SignatureScheme, hash: HashAlgorithm): pkijs.AlgorithmIdentifier {
  if (scheme === 'ecdsa') return new pkijs.AlgorithmIdentifier({ algorithmId: OIDS.ecdsa[hash] });
  if (scheme === 'pkcs1') return new pkijs.AlgorithmIdentifier({ algorithmId: OIDS.pkcs1[hash], algorithmParams: new asn1js.Null() });
  const hashAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: OIDS.hash[hash], algorithmParams: new asn1js.Null() });
  const params = new pkijs.RSASSAPSSParams({
    hashAlgorithm,
    maskGenAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.113549.1.1.8', algorithmParams: hashAlgorithm.toSchema() }),
    saltLength: HASH_BYTES[hash],
  });
  return new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.113549.1.1.10', algorithmParams: params.toSchema() });
}

/** Signs `data` with the private key under the given scheme and hash; returns the signature as certificates carry it. */
export async function signBytes(privateKey: CryptoKey, scheme: SignatureScheme, hash: HashAlgorithm, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const pkcs8 = await subtle.exportKey('pkcs8', privateKey);
  if (scheme === 'ecdsa') {
    const namedCurve = (privateKey.algorithm as EcKeyAlgorithm).namedCurve;
    const key = await subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve }, false, ['sign']);
    const raw = await subtle.sign({ name: 'ECDSA', hash }, key, data);
    // WebCrypto returns r||s; X.509 carries Ecdsa-Sig-Value DER (RFC 5758 §3.2).
    return new Uint8Array(pkijs.createCMSECDSASignature(raw));
  }
  const name = scheme === 'pss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5';
  const key = await subtle.importKey('pkcs8', pkcs8, { name, hash }, false, ['sign']);
  const params = scheme === 'pss' ? { name, saltLength: HASH_BYTES[hash] } : { name };
  return new Uint8Array(await subtle.sign(params, key, data));
}
