import fc from 'fast-check';

/**
 * Structure-aware DER mutations for certificate fuzzing: bit flips,
 * truncation, insertion and deletion anywhere, plus corruption of the tag and
 * length octets of any TLV (found by walking the encoding, including TLVs
 * nested in OCTET STRING / BIT STRING wrappers such as extnValue).
 */

interface Tlv {
  /** Offset of the identifier octet. */
  offset: number;
  /** Offset and size of the length octets. */
  lengthOffset: number;
  lengthBytes: number;
  contentLength: number;
  constructed: boolean;
}

/** Every TLV of a (well-formed) DER encoding, depth first. Stops quietly on anything it cannot read. */
function walkDer(bytes: Uint8Array, start = 0, end = bytes.length, out: Tlv[] = [], depth = 0): Tlv[] {
  let position = start;
  while (position < end && depth < 32) {
    const offset = position;
    const tag = bytes[position++];
    if ((tag & 0x1f) === 0x1f) while (position < end && bytes[position++] & 0x80);
    if (position >= end) return out;
    const lengthOffset = position;
    const first = bytes[position++];
    let contentLength = first;
    if (first & 0x80) {
      const count = first & 0x7f;
      if (count === 0 || count > 4 || position + count > end) return out;
      contentLength = 0;
      for (let i = 0; i < count; i++) contentLength = contentLength * 256 + bytes[position++];
    }
    const contentStart = position;
    if (contentStart + contentLength > end) return out;
    const constructed = (tag & 0x20) !== 0;
    out.push({ offset, lengthOffset, lengthBytes: contentStart - lengthOffset, contentLength, constructed });
    if (constructed) walkDer(bytes, contentStart, contentStart + contentLength, out, depth + 1);
    else if (tag === 0x04 && contentLength > 1) tryNested(bytes, contentStart, contentStart + contentLength, out, depth);
    else if (tag === 0x03 && contentLength > 2 && bytes[contentStart] === 0) tryNested(bytes, contentStart + 1, contentStart + contentLength, out, depth);
    position = contentStart + contentLength;
  }
  return out;
}

function tryNested(bytes: Uint8Array, start: number, end: number, out: Tlv[], depth: number): void {
  const nested = walkDer(bytes, start, end, [], depth + 1);
  const outer = nested[0];
  // Only an encapsulation that covers the content exactly (not random bytes that happen to look like a TLV).
  if (outer && outer.offset === start && outer.lengthOffset + outer.lengthBytes + outer.contentLength === end) out.push(...nested);
}

export type DerMutation =
  | { kind: 'bit-flip'; position: number; bit: number }
  | { kind: 'content-flip'; tlv: number; position: number; bit: number }
  | { kind: 'byte-set'; position: number; value: number }
  | { kind: 'truncate'; keep: number }
  | { kind: 'insert'; position: number; bytes: Uint8Array }
  | { kind: 'delete'; position: number; count: number }
  | { kind: 'append'; bytes: Uint8Array }
  | { kind: 'length'; tlv: number; corruption: 'plus-one' | 'minus-one' | 'zero' | 'indefinite' | 'huge' | 'non-minimal' | 'random'; value: number }
  | { kind: 'tag'; tlv: number; value: number }
  | { kind: 'duplicate-tlv'; tlv: number };

const position = fc.nat({ max: 1 << 20 });

export const derMutation: fc.Arbitrary<DerMutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('bit-flip' as const), position, bit: fc.integer({ min: 0, max: 7 }) }) },
  // Inside the content of a primitive TLV the encoding stays well-formed: these reach the checks after parsing.
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('content-flip' as const), tlv: position, position, bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('byte-set' as const), position, value: fc.constantFrom(0x00, 0x7f, 0x80, 0xff, 0x30, 0x05) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), keep: position }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), position, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), position, count: fc.integer({ min: 1, max: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('length' as const),
      tlv: position,
      corruption: fc.constantFrom('plus-one', 'minus-one', 'zero', 'indefinite', 'huge', 'non-minimal', 'random'),
      value: fc.nat({ max: 255 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tag' as const), tlv: position, value: fc.nat({ max: 255 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate-tlv' as const), tlv: position }) },
);

function encodeLength(length: number): number[] {
  if (length < 0x80) return [length];
  const octets: number[] = [];
  for (let value = length; value > 0; value = Math.floor(value / 256)) octets.unshift(value % 256);
  return [0x80 | octets.length, ...octets];
}

function splice(bytes: Uint8Array, at: number, remove: number, insert: ArrayLike<number>): Uint8Array {
  return Uint8Array.from([...bytes.subarray(0, at), ...Array.from(insert), ...bytes.subarray(at + remove)]);
}

/** Applies `mutation` to a copy of `der` (positions are taken modulo the size). */
export function mutateDer(der: Uint8Array, mutation: DerMutation): Uint8Array {
  const bytes = Uint8Array.from(der);
  if (bytes.length === 0) return mutation.kind === 'insert' || mutation.kind === 'append' ? Uint8Array.from(mutation.bytes) : bytes;
  const at = (position: number) => position % bytes.length;
  switch (mutation.kind) {
    case 'bit-flip':
      bytes[at(mutation.position)] ^= 1 << mutation.bit;
      return bytes;
    case 'byte-set':
      bytes[at(mutation.position)] = mutation.value;
      return bytes;
    case 'truncate':
      return bytes.slice(0, at(mutation.keep));
    case 'insert':
      return splice(bytes, at(mutation.position), 0, mutation.bytes);
    case 'delete':
      return splice(bytes, at(mutation.position), mutation.count, []);
    case 'append':
      return Uint8Array.from([...bytes, ...mutation.bytes]);
    default:
      break;
  }
  const tlvs = walkDer(bytes);
  if (tlvs.length === 0) return bytes; // nothing structured left (e.g. after a truncation): leave it as it is
  const tlv = tlvs[mutation.tlv % tlvs.length];
  if (mutation.kind === 'content-flip') {
    const primitive = tlvs.filter((candidate) => !candidate.constructed && candidate.contentLength > 0);
    if (primitive.length === 0) return bytes;
    const target = primitive[mutation.tlv % primitive.length];
    bytes[target.lengthOffset + target.lengthBytes + (mutation.position % target.contentLength)] ^= 1 << mutation.bit;
    return bytes;
  }
  if (mutation.kind === 'tag') {
    bytes[tlv.offset] = mutation.value;
    return bytes;
  }
  if (mutation.kind === 'duplicate-tlv') {
    const end = tlv.lengthOffset + tlv.lengthBytes + tlv.contentLength;
    return splice(bytes, end, 0, bytes.slice(tlv.offset, end));
  }
  const replacement = {
    'plus-one': encodeLength(tlv.contentLength + 1),
    'minus-one': encodeLength(Math.max(0, tlv.contentLength - 1)),
    zero: [0x00],
    indefinite: [0x80],
    huge: [0x84, 0x7f, 0xff, 0xff, 0xff],
    'non-minimal': [0x83, 0x00, (tlv.contentLength >> 8) & 0xff, tlv.contentLength & 0xff],
    random: [mutation.value],
  }[mutation.corruption];
  return splice(bytes, tlv.lengthOffset, tlv.lengthBytes, replacement);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
