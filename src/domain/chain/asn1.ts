import { Asn1Error, type Asn1Node } from './der-decoder';
import { wellFormedSubidentifiers } from './der-universal-types';

/**
 * Readers of the decoded values (der-decoder.ts) for the fields of
 * certificates and CRLs: each checks the type it expects and the DER rule of
 * that field, and throws Asn1Error naming the field.
 */
export { Asn1Error, Asn1Node, decodeDer } from './der-decoder';

/** Tag classes, numbered as X.690 §8.1.2.2 bits 8-7 plus one (and as asn1js numbered them). */
const UNIVERSAL = 1;
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

export function isTagged(node: Asn1Node, tagClass: number, tagNumber: number): boolean {
  return node.tagClass === tagClass && node.tagNumber === tagNumber;
}

/** Children of a constructed value whose tag is `tagNumber` (universal unless `tagClass` says otherwise). */
export function childrenOf(node: Asn1Node, tagNumber: number, what: string, tagClass = UNIVERSAL): readonly Asn1Node[] {
  if (!isTagged(node, tagClass, tagNumber) || node.children === undefined) throw new Asn1Error(`${what}: unexpected ASN.1 type`);
  return node.children;
}

export function sequenceOf(node: Asn1Node, what: string, min: number, max: number): readonly Asn1Node[] {
  const children = childrenOf(node, TAG.sequence, what);
  if (children.length < min || children.length > max) throw new Asn1Error(`${what}: wrong number of fields`);
  return children;
}

/** The exact encoding of a value, header included. */
export function rawDer(node: Asn1Node): Uint8Array {
  return node.bytes.subarray(node.start, node.end);
}

/** The content octets of a primitive value. */
export function primitiveContent(node: Asn1Node, tagNumber: number, what: string, tagClass = UNIVERSAL): Uint8Array {
  if (!isTagged(node, tagClass, tagNumber) || node.children !== undefined) throw new Asn1Error(`${what}: unexpected ASN.1 type`);
  return node.bytes.subarray(node.contentStart, node.end);
}

/** X.690 §8.19: the dotted form of an OBJECT IDENTIFIER (sub-identifiers base-128, no leading 0x80 octet). */
export function readOid(node: Asn1Node, what: string): string {
  const content = primitiveContent(node, TAG.oid, what);
  if (!wellFormedSubidentifiers(content, 0, content.length)) throw new Asn1Error(`${what}: invalid OID`);
  return oidText(content);
}

function oidText(content: Uint8Array): string {
  let text = '';
  let arc = 0;
  let big: bigint | undefined;
  for (let i = 0; i < content.length; i++) {
    const bits = content[i] & 0x7f;
    // 2^46: seven more bits still fit a double exactly; longer arcs continue as BigInt.
    if (big === undefined && arc >= 2 ** 46) big = BigInt(arc);
    if (big === undefined) arc = arc * 128 + bits;
    else big = (big << 7n) | BigInt(bits);
    if ((content[i] & 0x80) !== 0) continue;
    // X.690 §8.19.4: the first sub-identifier packs the first two arcs.
    if (text.length === 0) text = firstArcs(big ?? arc);
    else text += `.${big ?? arc}`;
    arc = 0;
    big = undefined;
  }
  return text;
}

function firstArcs(packed: number | bigint): string {
  if (typeof packed === 'bigint') return `2.${packed - 80n}`;
  return packed < 40 ? `0.${packed}` : packed < 80 ? `1.${packed - 40}` : `2.${packed - 80}`;
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
  // Short values (algorithm identifiers, names) compare faster here than through a Buffer view; whole certificates natively.
  if (a.byteLength > 64) return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
