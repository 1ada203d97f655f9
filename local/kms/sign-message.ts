import { constants, createECDH, createHash, type KeyObject, privateEncrypt, randomBytes, sign } from 'node:crypto';
import { type EcdsaJoseAlg, joseToDer } from '../../src/crypto/ecdsa-der-to-jose';
import { DIGEST_LENGTH, type DigestName, type SigningAlgorithmInfo } from './key-specs';

/**
 * Produces signatures byte-compatible with KMS Sign: ECDSA as DER, RSA-PSS with
 * MGF1 and a salt as long as the digest. MessageType RAW goes through
 * node:crypto. Node has no "sign this pre-computed digest" API, so DIGEST is
 * built from primitives: PKCS#1 v1.5 and PSS encode the digest and use the raw
 * RSA private operation; ECDSA lets OpenSSL compute k·G (via ECDH) and does
 * the scalar arithmetic mod n here. Not constant-time — acceptable only
 * because this is a local stand-in holding throwaway keys.
 */
export function signMessage(key: KeyObject, algorithm: SigningAlgorithmInfo, message: Buffer, isDigest: boolean): Buffer {
  const { family, digest } = algorithm;
  if (!isDigest) {
    if (family === 'pss') {
      return sign(digest, message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: DIGEST_LENGTH[digest] });
    }
    return sign(digest, message, key);
  }
  if (family === 'pkcs1') {
    return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([DIGEST_INFO[digest], message]));
  }
  if (family === 'pss') return signPssDigest(key, digest, message);
  return signEcdsaDigest(key, message);
}

/** RFC 8017 §9.2 note 1: DER DigestInfo prefixes. */
const DIGEST_INFO: Readonly<Record<DigestName, Buffer>> = {
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

/** RFC 8017 §9.1.1 EMSA-PSS-ENCODE with sLen = hLen, then RSASP1. */
function signPssDigest(key: KeyObject, digest: DigestName, mHash: Buffer): Buffer {
  const modBits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  const k = Math.ceil(modBits / 8);
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const hLen = DIGEST_LENGTH[digest];
  const salt = randomBytes(hLen);
  const h = createHash(digest).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  const db = Buffer.concat([Buffer.alloc(emLen - 2 * hLen - 2), Buffer.from([0x01]), salt]);
  const mask = mgf1(digest, h, db.length);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0xff >> (8 * emLen - emBits);
  const em = Buffer.concat([Buffer.alloc(k - emLen), db, h, Buffer.from([0xbc])]);
  return privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, em);
}

function mgf1(digest: DigestName, seed: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * DIGEST_LENGTH[digest] < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    blocks.push(createHash(digest).update(seed).update(c).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

const CURVES: Readonly<Record<string, { ecdhName: string; order: bigint; alg: EcdsaJoseAlg }>> = {
  'P-256': { ecdhName: 'prime256v1', alg: 'ES256', order: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n },
  'P-384': {
    ecdhName: 'secp384r1',
    alg: 'ES384',
    order: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  },
  'P-521': {
    ecdhName: 'secp521r1',
    alg: 'ES512',
    order: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
  },
};

/** SEC 1 §4.1.3 with a random nonce k. */
function signEcdsaDigest(key: KeyObject, digest: Buffer): Buffer {
  const jwk = key.export({ format: 'jwk' });
  const curve = CURVES[String(jwk.crv)];
  if (!curve || !jwk.d) throw new Error(`unsupported EC key ${String(jwk.crv)}`);
  const n = curve.order;
  const nBits = n.toString(2).length;
  const size = Math.ceil(nBits / 8);
  const d = toBigInt(Buffer.from(jwk.d, 'base64url'));
  const e = toBigInt(digest) >> BigInt(Math.max(0, digest.length * 8 - nBits));
  for (;;) {
    const k = toBigInt(randomBytes(size)) >> BigInt(size * 8 - nBits);
    if (k === 0n || k >= n) continue;
    const ecdh = createECDH(curve.ecdhName);
    ecdh.setPrivateKey(toFixed(k, size));
    const x = ecdh.getPublicKey().subarray(1, 1 + size);
    const r = toBigInt(x) % n;
    const s = (modPow(k, n - 2n, n) * ((e + r * d) % n)) % n;
    if (r !== 0n && s !== 0n) return joseToDer(Buffer.concat([toFixed(r, size), toFixed(s, size)]), curve.alg);
  }
}

function toBigInt(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`);
}

function toFixed(value: bigint, size: number): Buffer {
  return Buffer.from(value.toString(16).padStart(size * 2, '0'), 'hex');
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}
