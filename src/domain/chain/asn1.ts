import { CONSTRUCTED, DerError, readDerHeader } from '../der/der-tlv';

/**
 * Strict DER decoding (X.690 §10, required by RFC 5280 §4.1) for
 * certificates and the parts of CRLs that share their types. A certificate
 * is identified by the SHA-256 of its bytes (RFC 8705 x5t#S256, duplicate
 * detection), so every accepted certificate must have exactly one encoding:
 * definite minimal lengths (der-tlv.ts), primitive encodings for every
 * universal type but the constructed ones, and the DER content rules of the
 * universal types whose encoding X.690 fixes (BOOLEAN, INTEGER, ENUMERATED,
 * NULL, OBJECT IDENTIFIER, BIT STRING, UTCTime, GeneralizedTime), checked
 * wherever they appear, whether or not a reader later looks at them.
 *
 * The decoded tree is a set of offsets into the input: nothing is copied.
 */

/** Thrown by the readers below; always caught and turned into `malformed_certificate` (or `crl_malformed`). */
export class Asn1Error extends Error {}

/** Tag classes, numbered as X.690 §8.1.2.2 bits 8-7 plus one (and as asn1js numbered them). */
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
 * Bounds on the work per decoded value. Real certificates have a few hundred
 * nodes (the largest in x509-limbo, with SCT lists: 346) and a depth under
 * 15, so a 16 KiB certificate made of tiny nodes is refused here. OCTET and
 * BIT STRING contents are never decoded as ASN.1 on a guess: extension values
 * are decoded explicitly (decodeDer on the value), each under the same bounds.
 */
export const DECODE_LIMITS = { maxNodes: 1500, maxDepth: 32 } as const;

/** One decoded DER value: its identifier octet and where its header and content lie in `bytes`. */
export class Asn1Node {
  constructor(
    /** The whole decoded input. */
    readonly bytes: Uint8Array,
    /** The identifier octet (low tag number form). */
    readonly tag: number,
    readonly start: number,
    readonly contentStart: number,
    readonly end: number,
    /** The values inside a constructed value, in order; undefined for a primitive one. */
    readonly children: readonly Asn1Node[] | undefined,
  ) {}

  /** UNIVERSAL (1), APPLICATION (2), CONTEXT (3) or PRIVATE (4). */
  get tagClass(): number {
    return (this.tag >> 6) + 1;
  }

  get tagNumber(): number {
    return this.tag & 0x1f;
  }

  get constructed(): boolean {
    return (this.tag & CONSTRUCTED) !== 0;
  }
}

/** Decodes one complete DER value (no trailing bytes); throws Asn1Error naming `what`. */
export function decodeDer(bytes: Uint8Array, what: string): Asn1Node {
  if (bytes.byteLength === 0) throw new Asn1Error(`${what}: empty input`);
  const budget = { nodes: 0 };
  let node: Asn1Node;
  try {
    node = decodeValue(bytes, 0, bytes.byteLength, 0, budget);
  } catch (error) {
    if (error instanceof DerError) throw new Asn1Error(`${what}: ${error.reason}`);
    throw error;
  }
  if (node.end !== bytes.byteLength) throw new Asn1Error(`${what}: ${bytes.byteLength - node.end} trailing byte(s) after the DER value`);
  return node;
}

/** Scratch space for one header: copied out before anything else is decoded. */
const header = { tag: 0, start: 0, contentStart: 0, end: 0 };

function decodeValue(bytes: Uint8Array, offset: number, limit: number, depth: number, budget: { nodes: number }): Asn1Node {
  readDerHeader(bytes, offset, limit, header);
  const { tag, contentStart, end } = header;
  if (++budget.nodes > DECODE_LIMITS.maxNodes) throw new DerError(`ASN.1 node count exceeds ${DECODE_LIMITS.maxNodes}`);
  const constructed = (tag & CONSTRUCTED) !== 0;
  if ((tag & 0xc0) === 0) checkUniversal(bytes, tag & 0x1f, constructed, contentStart, end);
  if (!constructed) return new Asn1Node(bytes, tag, offset, contentStart, end, undefined);
  if (depth >= DECODE_LIMITS.maxDepth) throw new DerError(`ASN.1 nesting depth exceeds ${DECODE_LIMITS.maxDepth}`);
  const children: Asn1Node[] = [];
  for (let child = contentStart; child < end; ) {
    const node = decodeValue(bytes, child, end, depth + 1, budget);
    children.push(node);
    child = node.end;
  }
  return new Asn1Node(bytes, tag, offset, contentStart, end, children);
}

/** Universal types whose encoding is always constructed (X.690 §8.9-8.12, §8.18, §8.20, §8.21.7). */
const CONSTRUCTED_TYPES = new Set([8, 11, 16, 17, 29]);

/**
 * X.690 rules on universal types that hold wherever the value appears: tag 0
 * is end-of-contents (BER indefinite lengths only) and 15 is reserved; DER
 * uses the primitive encoding for every type that has one (§10.2, strings
 * included); and the content rules below.
 */
function checkUniversal(bytes: Uint8Array, tagNumber: number, constructed: boolean, start: number, end: number): void {
  if (tagNumber === 0 || tagNumber === 15) throw new DerError(`[UNIVERSAL ${tagNumber}] is not allowed in DER`);
  if (constructed !== CONSTRUCTED_TYPES.has(tagNumber)) {
    throw new DerError(constructed ? `constructed encoding of [UNIVERSAL ${tagNumber}] (not DER)` : `[UNIVERSAL ${tagNumber}] must be constructed`);
  }
  const length = end - start;
  switch (tagNumber) {
    case 1: // §11.1
      if (length !== 1 || (bytes[start] !== 0x00 && bytes[start] !== 0xff)) throw new DerError('BOOLEAN not DER-encoded');
      return;
    case 2: // §8.3.2
    case 10:
      if (length === 0) throw new DerError('empty INTEGER');
      if (length > 1 && ((bytes[start] === 0x00 && bytes[start + 1] < 0x80) || (bytes[start] === 0xff && bytes[start + 1] >= 0x80))) {
        throw new DerError('non-minimal INTEGER');
      }
      return;
    case 3: // §8.6.2, §11.2
      if (length === 0 || bytes[start] > 7 || (length === 1 && bytes[start] !== 0)) throw new DerError('invalid BIT STRING');
      return;
    case 5: // §8.8.2
      if (length !== 0) throw new DerError('NULL with content');
      return;
    case 6: // §8.19.2
    case 13:
      if (!wellFormedSubidentifiers(bytes, start, end)) throw new DerError('invalid OID');
      return;
    case 23: // §11.8
      if (!utcTimeForm(bytes, start, end)) throw new DerError('UTCTime not in the DER form');
      return;
    case 24: // §11.7
      if (!generalizedTimeForm(bytes, start, end)) throw new DerError('GeneralizedTime not in the DER form');
      return;
    default:
      return;
  }
}

/** Base-128 sub-identifiers, each without a leading 0x80 octet, the last octet ending one. */
function wellFormedSubidentifiers(bytes: Uint8Array, start: number, end: number): boolean {
  if (end === start || (bytes[end - 1] & 0x80) !== 0) return false;
  for (let i = start; i < end; i++) {
    if (bytes[i] === 0x80 && (i === start || (bytes[i - 1] & 0x80) === 0)) return false;
  }
  return true;
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

/** YYMMDDHHMMSSZ (seconds present, UTC). */
function utcTimeForm(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start !== 13 || bytes[end - 1] !== 0x5a) return false;
  for (let i = start; i < end - 1; i++) if (!isDigit(bytes[i])) return false;
  return true;
}

/** YYYYMMDDHHMMSS[.f…]Z: seconds present, UTC, a fraction without trailing zeros. */
function generalizedTimeForm(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start < 15 || bytes[end - 1] !== 0x5a) return false;
  for (let i = start; i < start + 14; i++) if (!isDigit(bytes[i])) return false;
  if (end - start === 15) return true;
  if (bytes[start + 14] !== 0x2e || end - start < 17 || bytes[end - 2] === 0x30) return false;
  for (let i = start + 15; i < end - 1; i++) if (!isDigit(bytes[i])) return false;
  return true;
}

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
  const arcs: (number | bigint)[] = [];
  let arc = 0;
  let big: bigint | undefined;
  for (let i = 0; i < content.length; i++) {
    const bits = content[i] & 0x7f;
    // 2^46: seven more bits still fit a double exactly; longer arcs continue as BigInt.
    if (big === undefined && arc >= 2 ** 46) big = BigInt(arc);
    if (big === undefined) arc = arc * 128 + bits;
    else big = (big << 7n) | BigInt(bits);
    if ((content[i] & 0x80) === 0) {
      arcs.push(big ?? arc);
      arc = 0;
      big = undefined;
    }
  }
  const first = arcs[0];
  const head =
    typeof first === 'bigint' ? `2.${first - 80n}` : first < 40 ? `0.${first}` : first < 80 ? `1.${first - 40}` : `2.${first - 80}`;
  return arcs.length === 1 ? head : `${head}.${arcs.slice(1).join('.')}`;
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
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
