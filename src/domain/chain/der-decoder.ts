import { CONSTRUCTED, DerError, readDerHeader } from '../der/der-tlv';
import { checkUniversal } from './der-universal-types';

/**
 * Strict DER decoding (X.690 §10, required by RFC 5280 §4.1) for
 * certificates and the parts of CRLs that share their types. A certificate
 * is identified by the SHA-256 of its bytes (RFC 8705 x5t#S256, duplicate
 * detection), so every accepted certificate must have exactly one encoding:
 * definite minimal lengths (der-tlv.ts), primitive encodings for every
 * universal type but the constructed ones, and the DER content rules of the
 * universal types whose encoding X.690 fixes (BOOLEAN, INTEGER, ENUMERATED,
 * NULL, OBJECT IDENTIFIER, BIT STRING, UTCTime, GeneralizedTime, and the
 * lengths of UniversalString and BMPString), checked wherever they appear,
 * whether or not a reader later looks at them: nothing asn1js (the decoder
 * this one replaced) refused is accepted here.
 *
 * The decoded tree is a set of offsets into the input: nothing is copied.
 */

/** Thrown by the decoder and the readers of asn1.ts; always caught and turned into `malformed_certificate` (or `crl_malformed`). */
export class Asn1Error extends Error {}

/**
 * Bounds on the work per decoded value. Real certificates have a few hundred
 * nodes (the largest in x509-limbo, with SCT lists: 346) and a depth under
 * 15, so a 16 KiB certificate made of tiny nodes is refused here. OCTET and
 * BIT STRING contents are never decoded as ASN.1 on a guess: extension values
 * are decoded explicitly (decodeDer on the value), each under the same bounds.
 */
const DECODE_LIMITS = { maxNodes: 1500, maxDepth: 32 } as const;

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
