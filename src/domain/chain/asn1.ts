import * as asn1js from 'asn1js';

/**
 * Strict DER readers over asn1js. asn1js is a lenient BER parser (it accepts
 * non-minimal integers, multi-byte booleans, malformed times, trailing bytes);
 * a certificate is identified by the SHA-256 of its bytes (RFC 8705 x5t#S256,
 * duplicate detection), so every accepted certificate must have exactly one
 * encoding: DER (X.690 §10, required by RFC 5280 §4.1).
 */

export type Asn1Node = asn1js.BaseBlock;

/** Thrown by the readers below; always caught and turned into `malformed_certificate`. */
export class Asn1Error extends Error {}

export const UNIVERSAL = 1;
export const CONTEXT = 3;

export const TAG = {
  boolean: 1,
  integer: 2,
  bitString: 3,
  octetString: 4,
  null: 5,
  oid: 6,
  utf8String: 12,
  sequence: 16,
  set: 17,
  printableString: 19,
  teletexString: 20,
  ia5String: 22,
  utcTime: 23,
  generalizedTime: 24,
  universalString: 28,
  bmpString: 30,
} as const;

/**
 * Bounds on asn1js work per decoded value. Real certificates have a few
 * hundred nodes (the largest in x509-limbo, with SCT lists: 346) and a depth
 * under 15; asn1js cost grows faster than linearly beyond a few thousand
 * nodes, so a 16 KiB certificate made of tiny nodes is refused here.
 * Embedded parsing (asn1js guessing that OCTET/BIT STRING contents are ASN.1)
 * is off: extension values are decoded explicitly, each under the same bounds.
 */
export const DECODE_LIMITS = { maxNodes: 1500, maxDepth: 32, parseEmbedded: false } as const;

/** Decodes one complete DER value: no trailing bytes, and re-encoding gives back the input. */
export function decodeDer(bytes: Uint8Array, what: string): Asn1Node {
  if (bytes.byteLength === 0) throw new Asn1Error(`${what}: empty input`);
  const decoded = asn1js.fromBER(bytes, DECODE_LIMITS);
  if (decoded.offset === -1) throw new Asn1Error(`${what}: ${decoded.result.error || 'not valid ASN.1'}`);
  if (decoded.offset !== bytes.byteLength) {
    throw new Asn1Error(`${what}: ${bytes.byteLength - decoded.offset} trailing byte(s) after the DER value`);
  }
  const reencoded = new Uint8Array(decoded.result.toBER(false));
  if (!bytesEqual(reencoded, bytes)) throw new Asn1Error(`${what}: BER encoding that is not DER`);
  return decoded.result;
}

export function isTagged(node: Asn1Node, tagClass: number, tagNumber: number): boolean {
  return node.idBlock.tagClass === tagClass && node.idBlock.tagNumber === tagNumber;
}

/** Children of a constructed value whose tag is `tagNumber` (universal unless `tagClass` says otherwise). */
export function childrenOf(node: Asn1Node, tagNumber: number, what: string, tagClass = UNIVERSAL): Asn1Node[] {
  if (!isTagged(node, tagClass, tagNumber) || !node.idBlock.isConstructed) {
    throw new Asn1Error(`${what}: unexpected ASN.1 type`);
  }
  const value = (node.valueBlock as { value?: unknown }).value;
  if (!Array.isArray(value)) throw new Asn1Error(`${what}: unexpected ASN.1 type`);
  return value as Asn1Node[];
}

export function sequenceOf(node: Asn1Node, what: string, min: number, max: number): Asn1Node[] {
  const children = childrenOf(node, TAG.sequence, what);
  if (children.length < min || children.length > max) throw new Asn1Error(`${what}: wrong number of fields`);
  return children;
}

/** The exact encoding of a value, header included. */
export function rawDer(node: Asn1Node): Uint8Array {
  return node.valueBeforeDecodeView;
}

/** The content octets of a primitive value (DER guarantees a definite length). */
export function primitiveContent(node: Asn1Node, tagNumber: number, what: string, tagClass = UNIVERSAL): Uint8Array {
  if (!isTagged(node, tagClass, tagNumber) || node.idBlock.isConstructed) {
    throw new Asn1Error(`${what}: unexpected ASN.1 type`);
  }
  return node.valueBeforeDecodeView.subarray(node.idBlock.blockLength + node.lenBlock.blockLength);
}

/** X.690 §8.19: sub-identifiers are base-128 with no leading 0x80 octet. */
export function readOid(node: Asn1Node, what: string): string {
  const content = primitiveContent(node, TAG.oid, what);
  if (content.length === 0 || (content[content.length - 1] & 0x80) !== 0) throw new Asn1Error(`${what}: invalid OID`);
  for (let i = 0; i < content.length; i++) {
    const startsSubidentifier = i === 0 || (content[i - 1] & 0x80) === 0;
    if (startsSubidentifier && content[i] === 0x80) throw new Asn1Error(`${what}: non-minimal OID encoding`);
  }
  return (node as asn1js.ObjectIdentifier).valueBlock.toString();
}

/** X.690 §8.3.2: two's complement, minimal; returns the content octets. */
export function readIntegerBytes(node: Asn1Node, what: string): Uint8Array {
  const content = primitiveContent(node, TAG.integer, what);
  if (content.length === 0) throw new Asn1Error(`${what}: empty INTEGER`);
  if (content.length > 1) {
    const redundantZero = content[0] === 0x00 && (content[1] & 0x80) === 0;
    const redundantOnes = content[0] === 0xff && (content[1] & 0x80) !== 0;
    if (redundantZero || redundantOnes) throw new Asn1Error(`${what}: non-minimal INTEGER`);
  }
  return content;
}

/** A non-negative INTEGER that must fit a JS number exactly (pathLenConstraint, skipCerts). */
export function readSmallNonNegativeInteger(node: Asn1Node, what: string): number {
  const content = readIntegerBytes(node, what);
  if ((content[0] & 0x80) !== 0) throw new Asn1Error(`${what}: negative INTEGER`);
  if (content.length > 6) return Number.MAX_SAFE_INTEGER;
  return content.reduce((acc, byte) => acc * 256 + byte, 0);
}

/** X.690 §11.1: DER TRUE is 0xFF, FALSE is 0x00. */
export function readBoolean(node: Asn1Node, what: string): boolean {
  const content = primitiveContent(node, TAG.boolean, what);
  if (content.length !== 1 || (content[0] !== 0x00 && content[0] !== 0xff)) {
    throw new Asn1Error(`${what}: BOOLEAN not DER-encoded`);
  }
  return content[0] === 0xff;
}

export interface BitString {
  readonly bytes: Uint8Array;
  readonly unusedBits: number;
}

export function readBitString(node: Asn1Node, what: string): BitString {
  const content = primitiveContent(node, TAG.bitString, what);
  if (content.length === 0 || content[0] > 7 || (content.length === 1 && content[0] !== 0)) {
    throw new Asn1Error(`${what}: invalid BIT STRING`);
  }
  return { unusedBits: content[0], bytes: content.subarray(1) };
}

export function readOctetString(node: Asn1Node, what: string): Uint8Array {
  return primitiveContent(node, TAG.octetString, what);
}

export function readNull(node: Asn1Node, what: string): void {
  if (primitiveContent(node, TAG.null, what).length !== 0) throw new Asn1Error(`${what}: NULL with content`);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
