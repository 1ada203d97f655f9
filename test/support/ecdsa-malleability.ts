/**
 * ECDSA signature malleability: if (r, s) is a valid signature, so is
 * (r, n − s) (n the curve order), and anyone can compute it without the key.
 * Applied to a certificate it gives another DER, hence another SHA-256
 * fingerprint, of the very same signed content (same issuer, serial, subject,
 * key), which every ECDSA verifier that does not enforce low-S (OpenSSL, Node,
 * WebCrypto, this project) accepts.
 */

const ORDERS: Record<'P-256' | 'P-384' | 'P-521', bigint> = {
  'P-256': 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  'P-384': 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  'P-521': 0x01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
};

interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

function readTlv(bytes: Uint8Array, offset: number): Tlv {
  const tag = bytes[offset];
  let length = bytes[offset + 1];
  let contentStart = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + bytes[offset + 2 + i];
    contentStart += octets;
  }
  return { tag, start: offset, contentStart, end: contentStart + length };
}

function children(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const list: Tlv[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = readTlv(bytes, offset);
    list.push(child);
    offset = child.end;
  }
  return list;
}

function encodeLength(length: number): number[] {
  if (length < 0x80) return [length];
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return [0x80 | octets.length, ...octets];
}

function tlv(tag: number, content: Uint8Array): Uint8Array {
  return new Uint8Array([tag, ...encodeLength(content.length), ...content]);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function toInteger(value: bigint): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const magnitude = Buffer.from(hex, 'hex');
  return tlv(0x02, magnitude[0] & 0x80 ? concat(new Uint8Array([0]), magnitude) : magnitude);
}

function integerValue(bytes: Uint8Array, integer: Tlv): bigint {
  return BigInt(`0x${Buffer.from(bytes.subarray(integer.contentStart, integer.end)).toString('hex') || '0'}`);
}

/**
 * The same certificate with its ECDSA signature (r, s) replaced by (r, n − s).
 * The curve is the issuer's; by default guessed from the size of r and s.
 */
export function malleateEcdsaSignature(der: Uint8Array, curve?: keyof typeof ORDERS): Uint8Array {
  const certificate = readTlv(der, 0);
  const [tbs, algorithm, signature] = children(der, certificate);
  if (signature?.tag !== 0x03 || der[signature.contentStart] !== 0) throw new Error('malleateEcdsaSignature: no BIT STRING signature');
  const value = readTlv(der, signature.contentStart + 1);
  const [r, s] = children(der, value);
  const size = Math.max(r.end - r.contentStart, s.end - s.contentStart);
  const order = ORDERS[curve ?? (size <= 33 ? 'P-256' : size <= 49 ? 'P-384' : 'P-521')];
  const twin = concat(toInteger(integerValue(der, r)), toInteger(order - integerValue(der, s)));
  const bitString = tlv(0x03, concat(new Uint8Array([0]), tlv(0x30, twin)));
  return tlv(0x30, concat(der.subarray(tbs.start, tbs.end), der.subarray(algorithm.start, algorithm.end), bitString));
}
