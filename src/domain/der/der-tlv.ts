/**
 * The header of one DER value (X.690 §8.1.2, §8.1.3 with the DER
 * restrictions of §10.1): what every strict reader in the project (the
 * certificate tree of src/domain/chain/asn1.ts, the CRL reader of
 * src/domain/revocation/der-reader.ts) builds on.
 *
 * Accepted: the low tag number form (tag numbers 0..30, the only ones
 * X.509 and CRLs use), definite lengths in the minimal number of octets,
 * at most 4 length octets, and nothing past `limit`. Anything else throws
 * `DerError`, whose `reason` each reader turns into its own error type.
 */
export interface Tlv {
  /** The identifier octet: class (bits 8-7), constructed (bit 6), tag number (bits 5-1, < 31). */
  readonly tag: number;
  /** Offset of the identifier octet. */
  readonly start: number;
  /** Offset of the first content octet. */
  readonly contentStart: number;
  /** Offset just past the last content octet. */
  readonly end: number;
}

/** A DER rule broken at the value being read; `reason` is a short phrase such as `truncated`. */
export class DerError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Bit 6 of the identifier octet (X.690 §8.1.2.5). */
export const CONSTRUCTED = 0x20;

/** Reads the header of the value starting at `offset`, which must end at or before `limit`; throws DerError. */
export function readDerTlv(bytes: Uint8Array, offset: number, limit: number): Tlv {
  const header: Tlv = { tag: 0, start: 0, contentStart: 0, end: 0 };
  readDerHeader(bytes, offset, limit, header);
  return header;
}

/**
 * Like readDerTlv, into `into` rather than a new object: the certificate
 * decoder reads a few hundred headers per certificate and keeps none of them.
 */
export function readDerHeader(bytes: Uint8Array, offset: number, limit: number, into: { -readonly [K in keyof Tlv]: Tlv[K] }): void {
  if (offset + 2 > limit) throw new DerError('truncated');
  const tag = bytes[offset];
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag number form');
  let length = bytes[offset + 1];
  let contentStart = offset + 2;
  if (length === 0x80) throw new DerError('indefinite length (not DER)');
  if (length > 0x80) {
    const octets = length & 0x7f;
    if (octets > 4 || contentStart + octets > limit) throw new DerError('invalid length');
    if (bytes[contentStart] === 0) throw new DerError('non-minimal length (not DER)');
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + bytes[contentStart + i];
    if (length < 0x80) throw new DerError('non-minimal length (not DER)');
    contentStart += octets;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerError('truncated');
  into.tag = tag;
  into.start = offset;
  into.contentStart = contentStart;
  into.end = end;
}
