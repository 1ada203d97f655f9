import { SigningError } from './signing-error';

/**
 * ECDSA signature encodings: KMS (like OpenSSL) returns the ASN.1 DER
 * `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (RFC 3279 §2.2.3);
 * JWS wants the fixed-length big-endian concatenation r‖s (RFC 7518 §3.4).
 *
 * Parsing is strict DER on purpose: a lenient parser would accept several
 * encodings of one signature, so anything but the single canonical form is
 * refused with `SigningError('invalid_signature_encoding')`.
 */
export type EcdsaJoseAlg = 'ES256' | 'ES384' | 'ES512';

/** RFC 7518 §3.4: r and s each take ceil(curve bits / 8) octets. */
export const JOSE_SIGNATURE_LENGTH: Readonly<Record<EcdsaJoseAlg, number>> = {
  ES256: 64,
  ES384: 96,
  ES512: 132,
};

const TAG_SEQUENCE = 0x30;
const TAG_INTEGER = 0x02;

export function derToJose(der: Uint8Array, alg: EcdsaJoseAlg): Buffer {
  const size = joseLength(alg) / 2;
  const input = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  const seq = readElement(input, 0, TAG_SEQUENCE);
  if (seq.end !== input.length) fail('trailing bytes after the signature SEQUENCE');
  const r = readElement(input, seq.contentStart, TAG_INTEGER);
  const s = readElement(input, r.end, TAG_INTEGER);
  if (s.end !== seq.end) fail('unexpected content after s in the signature SEQUENCE');
  return Buffer.concat([integerToFixed(input.subarray(r.contentStart, r.end), size, 'r'), integerToFixed(input.subarray(s.contentStart, s.end), size, 's')]);
}

export function joseToDer(jose: Uint8Array, alg: EcdsaJoseAlg): Buffer {
  const length = joseLength(alg);
  if (jose.length !== length) fail(`${alg} signature must be ${length} bytes, got ${jose.length}`);
  const half = length / 2;
  const r = fixedToInteger(Buffer.from(jose.subarray(0, half)), 'r');
  const s = fixedToInteger(Buffer.from(jose.subarray(half)), 's');
  const body = Buffer.concat([r, s]);
  return Buffer.concat([Buffer.from([TAG_SEQUENCE]), encodeLength(body.length), body]);
}

function joseLength(alg: EcdsaJoseAlg): number {
  const length = JOSE_SIGNATURE_LENGTH[alg];
  if (length === undefined) fail(`unsupported ECDSA algorithm ${String(alg)}`);
  return length;
}

interface Element {
  contentStart: number;
  end: number;
}

/** X.690 §8.1: one tag byte, then definite length in its shortest form. */
function readElement(buf: Buffer, offset: number, tag: number): Element {
  if (offset + 2 > buf.length) fail('truncated DER');
  if (buf[offset] !== tag) fail(`expected DER tag 0x${tag.toString(16)} at offset ${offset}`);
  let length = buf[offset + 1];
  let contentStart = offset + 2;
  if (length === 0x81) {
    // Long form is only allowed for lengths >= 128 (X.690 §10.1: minimal octets).
    if (offset + 3 > buf.length) fail('truncated DER length');
    length = buf[offset + 2];
    if (length < 0x80) fail('non-minimal DER length');
    contentStart = offset + 3;
  } else if (length > 0x7f) {
    // Indefinite (0x80) and multi-octet lengths cannot occur for signatures <= P-521.
    fail('unsupported DER length encoding');
  }
  const end = contentStart + length;
  if (end > buf.length) fail('DER length exceeds the input');
  return { contentStart, end };
}

function integerToFixed(content: Buffer, size: number, name: string): Buffer {
  if (content.length === 0) fail(`${name} is an empty INTEGER`);
  if (content[0] & 0x80) fail(`${name} is negative`);
  let value = content;
  if (value[0] === 0x00) {
    if (value.length === 1) fail(`${name} is zero`);
    if (!(value[1] & 0x80)) fail(`${name} has a non-minimal leading zero`);
    value = value.subarray(1);
  }
  if (value.length > size) fail(`${name} is longer than ${size} bytes`);
  const out = Buffer.alloc(size);
  value.copy(out, size - value.length);
  return out;
}

function fixedToInteger(fixed: Buffer, name: string): Buffer {
  let start = 0;
  while (start < fixed.length && fixed[start] === 0) start++;
  if (start === fixed.length) fail(`${name} is zero`);
  const magnitude = fixed.subarray(start);
  const value = magnitude[0] & 0x80 ? Buffer.concat([Buffer.from([0]), magnitude]) : magnitude;
  return Buffer.concat([Buffer.from([TAG_INTEGER]), encodeLength(value.length), value]);
}

function encodeLength(length: number): Buffer {
  return length < 0x80 ? Buffer.from([length]) : Buffer.from([0x81, length]);
}

function fail(message: string): never {
  throw new SigningError('invalid_signature_encoding', `Invalid ECDSA signature: ${message}`);
}
