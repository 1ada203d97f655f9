import { type KeyObject, createPublicKey } from 'node:crypto';
import { TAG, childrenOf, decodeDer, rawDer, sequenceOf } from './asn1';
import type { ParsedCertificate } from './parse-certificate';

export type JwsAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';

const keyObjects = new WeakMap<ParsedCertificate, KeyObject | null>();

/**
 * The certificate's public key as a Node KeyObject (usable with `crypto.verify`
 * and with `jose`), or undefined when the key is outside the accepted set or
 * OpenSSL refuses it. Keys are only loaded after `publicKey` passed the local
 * checks, so no library ever sees an explicit-parameter curve or a huge key.
 */
export function publicKeyObject(certificate: ParsedCertificate): KeyObject | undefined {
  if (certificate.publicKey.kind === 'unsupported') return undefined;
  let key = keyObjects.get(certificate);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: Buffer.from(certificate.spkiDer), format: 'der', type: 'spki' });
    } catch {
      key = null;
    }
    keyObjects.set(certificate, key);
  }
  return key ?? undefined;
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

/**
 * JWS algorithms (RFC 7518 §3.1) the certificate's key may verify: an ES*
 * algorithm is bound to its curve (RFC 7518 §3.4), an id-RSASSA-PSS key only
 * signs PSS (RFC 4055 §1.2). The assertion check must refuse any other `alg`.
 */
export function jwsAlgorithmsFor(certificate: ParsedCertificate): readonly JwsAlgorithm[] {
  const key = certificate.publicKey;
  if (key.kind === 'rsa') return key.pssOnly ? ['PS256', 'PS384', 'PS512'] : ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
  if (key.kind === 'ec') return [({ 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' } as const)[key.curve]];
  return [];
}
