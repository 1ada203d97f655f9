import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { childrenOf, decodeDer, rawDer, readBitString, readIntegerBytes, sequenceOf, TAG } from './asn1';
import type { ParsedCertificate } from './parse-certificate';

/**
 * The keys of CA certificates, imported once: every certificate a CA issues
 * is verified with the same key. A device certificate's key is imported for
 * its one request (a WeakMap entry per request would cost the garbage
 * collector more than it saves).
 */
const caKeys = new WeakMap<ParsedCertificate, KeyObject | null>();

/**
 * The certificate's public key as a Node KeyObject (usable with `crypto.verify`
 * and with `jose`), or undefined when the key is outside the accepted set or
 * OpenSSL refuses it. Keys are only loaded after `publicKey` passed the local
 * checks, so no library ever sees an explicit-parameter curve or a huge key.
 */
export function publicKeyObject(certificate: ParsedCertificate): KeyObject | undefined {
  if (certificate.publicKey.kind === 'unsupported') return undefined;
  let key = caKeys.get(certificate);
  if (key === undefined) {
    key = importJwk(certificate) ?? importSpki(certificate.spkiDer);
    if (certificate.isCA) caKeys.set(certificate, key);
  }
  return key ?? undefined;
}

function importSpki(spkiDer: Uint8Array): KeyObject | null {
  try {
    return createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
}

/**
 * The same key imported from its components (RFC 7518 §6.2, §6.3) rather
 * than from the SubjectPublicKeyInfo: OpenSSL 3 decodes an SPKI through its
 * generic decoder framework, which costs about 200 µs per key (measured on
 * Node 20: RSA-2048 from DER 205 µs, from JWK 6 µs; P-256 163 µs and 90 µs),
 * more than the signature it is imported for. Only for rsaEncryption and
 * named-curve EC keys, whose SPKI holds nothing but these components
 * (RFC 3279 §2.3.1, RFC 5480 §2); an id-RSASSA-PSS key keeps its SPKI import
 * (its parameters restrict the key). The point is checked to be on the
 * curve by OpenSSL either way. Null when the import fails (the caller then
 * tries the SPKI, so what is accepted never depends on the route).
 */
function importJwk(certificate: ParsedCertificate): KeyObject | null {
  const description = certificate.publicKey;
  if (!(description.kind === 'ec' || (description.kind === 'rsa' && !description.pssOnly))) return null;
  try {
    const [, subjectPublicKey] = sequenceOf(decodeDer(certificate.spkiDer, 'subjectPublicKeyInfo'), 'subjectPublicKeyInfo', 2, 2);
    const point = readBitString(subjectPublicKey, 'subjectPublicKey').bytes;
    let jwk: JsonWebKey;
    if (description.kind === 'ec') {
      const size = (point.length - 1) / 2;
      jwk = { kty: 'EC', crv: description.curve, x: base64Url(point.subarray(1, 1 + size)), y: base64Url(point.subarray(1 + size)) };
    } else {
      const [modulus, exponent] = sequenceOf(decodeDer(point, 'RSAPublicKey'), 'RSAPublicKey', 2, 2).map((n) => unsigned(readIntegerBytes(n, 'RSAPublicKey')));
      jwk = { kty: 'RSA', n: base64Url(modulus), e: base64Url(exponent) };
    }
    return createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    return null;
  }
}

/** RFC 7518 §6.3.1: the unsigned big-endian value, without the DER sign octet. */
function unsigned(integer: Uint8Array): Uint8Array {
  return integer.length > 1 && integer[0] === 0 ? integer.subarray(1) : integer;
}

function base64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * A DSA key whose SubjectPublicKeyInfo omits Dss-Parms, with the parameters
 * it inherits (RFC 3279 §2.3.2, RFC 5280 §6.1.4 (f)) put back into the
 * AlgorithmIdentifier, or undefined when OpenSSL refuses the result.
 */
export function publicKeyObjectWithParameters(certificate: ParsedCertificate, dssParms: Uint8Array): KeyObject | undefined {
  if (certificate.publicKey.kind !== 'dsa') return undefined;
  try {
    const [algorithm, subjectPublicKey] = sequenceOf(decodeDer(certificate.spkiDer, 'subjectPublicKeyInfo'), 'subjectPublicKeyInfo', 2, 2);
    const [oid] = childrenOf(algorithm, TAG.sequence, 'algorithm');
    const spki = derSequence([derSequence([rawDer(oid), dssParms]), rawDer(subjectPublicKey)]);
    return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

/** SEQUENCE of already-encoded values (definite length, DER). */
function derSequence(contents: readonly Uint8Array[]): Uint8Array {
  const body = Buffer.concat(contents);
  const length = body.length < 0x80 ? Buffer.of(body.length) : lengthOctets(body.length);
  return Buffer.concat([Buffer.of(0x30), length, body]);
}

function lengthOctets(length: number): Buffer {
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.of(0x80 | bytes.length, ...bytes);
}
