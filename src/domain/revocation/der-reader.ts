import { DerError, readDerTlv, type Tlv } from '../der/der-tlv';
import { CrlImportError } from './error-codes';

export type { Tlv } from '../der/der-tlv';

/**
 * A minimal strict DER reader for the bulk of a CRL, on the header reader
 * certificates use too (src/domain/der/der-tlv.ts). The revoked-certificate
 * list of a CRL with tens of thousands of entries must import in well under
 * a second, so it is read here in one linear pass, without building a tree
 * of values; the small parts of a CRL (issuer name, algorithm identifiers,
 * CRL extensions) go through the certificate decoder of
 * src/domain/chain/asn1.ts.
 *
 * Only what X.690 §10 (DER) allows is accepted: low tag numbers, definite
 * minimal lengths, nothing past the end of the enclosing value.
 */
export const DER = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  enumerated: 0x0a,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  /** [0] constructed, e.g. EXPLICIT crlExtensions. */
  context0: 0xa0,
} as const;

export function malformed(what: string, reason: string): CrlImportError {
  return new CrlImportError('crl_malformed', `${what}: ${reason}`);
}

/** Reads the value starting at `offset`, which must end at or before `limit`. */
export function readTlv(bytes: Uint8Array, offset: number, limit: number, what: string): Tlv {
  try {
    return readDerTlv(bytes, offset, limit);
  } catch (error) {
    throw error instanceof DerError ? malformed(what, error.reason) : error;
  }
}

/** Reads a value of the expected tag. */
export function expectTlv(bytes: Uint8Array, offset: number, limit: number, tag: number, what: string): Tlv {
  const tlv = readTlv(bytes, offset, limit, what);
  if (tlv.tag !== tag) throw malformed(what, `unexpected ASN.1 type 0x${tlv.tag.toString(16)}`);
  return tlv;
}

/** The values inside a constructed value, in order. */
export function childrenOf(bytes: Uint8Array, parent: Tlv, what: string): Tlv[] {
  const children: Tlv[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = readTlv(bytes, offset, parent.end, what);
    children.push(child);
    offset = child.end;
  }
  return children;
}

export function content(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.contentStart, tlv.end);
}

export function encoding(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.start, tlv.end);
}

/** X.690 §8.3.2: two's complement, minimal; returns the content octets. */
export function integerContent(bytes: Uint8Array, tlv: Tlv, what: string, tag: number = DER.integer): Uint8Array {
  if (tlv.tag !== tag) throw malformed(what, tag === DER.integer ? 'expected an INTEGER' : 'expected an ENUMERATED');
  const value = content(bytes, tlv);
  if (value.length === 0) throw malformed(what, 'empty INTEGER');
  if (value.length > 1 && ((value[0] === 0 && value[1] < 0x80) || (value[0] === 0xff && value[1] >= 0x80))) {
    throw malformed(what, 'non-minimal INTEGER (not DER)');
  }
  return value;
}

/**
 * X.690 §11.1 BOOLEAN: 0xFF or 0x00. An explicit FALSE (the DEFAULT) is read
 * as non-critical, as the certificate extension parser does.
 */
export function readCriticalFlag(bytes: Uint8Array, tlv: Tlv, what: string): boolean {
  const value = content(bytes, tlv);
  if (tlv.tag !== DER.boolean || value.length !== 1 || (value[0] !== 0xff && value[0] !== 0x00)) throw malformed(what, 'critical is not a DER BOOLEAN');
  return value[0] === 0xff;
}

/**
 * [RFC 5280 §5.1.2.4](https://www.rfc-editor.org/rfc/rfc5280#section-5.1.2.4) and §4.1.2.5: UTCTime YYMMDDHHMMSSZ (YY >= 50 is 19YY) or
 * GeneralizedTime YYYYMMDDHHMMSSZ, UTC, seconds, no fractions. The same
 * rules as src/domain/chain/time.ts, read straight from the bytes (once per
 * revoked entry, so without strings or regular expressions).
 */
export function readTime(bytes: Uint8Array, tlv: Tlv, what: string): Date {
  const utc = tlv.tag === DER.utcTime;
  if (!utc && tlv.tag !== DER.generalizedTime) throw malformed(what, 'expected UTCTime or GeneralizedTime');
  const digits = utc ? 12 : 14;
  const start = tlv.contentStart;
  const wellFormed = tlv.end - start === digits + 1 && bytes[tlv.end - 1] === 0x5a && allDigits(bytes, start, start + digits);
  if (!wellFormed) throw malformed(what, `time "${String.fromCharCode(...bytes.subarray(start, Math.min(tlv.end, start + 20)))}" is not in the RFC 5280 form`);
  const offset = utc ? 2 : 4;
  const field = (index: number): number => (bytes[start + index] - 0x30) * 10 + (bytes[start + index + 1] - 0x30);
  const year = utc ? (field(0) >= 50 ? 1900 : 2000) + field(0) : field(0) * 100 + field(2);
  const month = field(offset);
  const day = field(offset + 2);
  const hour = field(offset + 4);
  const minute = field(offset + 6);
  const second = field(offset + 8);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    throw malformed(what, 'time field out of range');
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

function allDigits(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] < 0x30 || bytes[i] > 0x39) return false;
  return true;
}

const MAX_OID_OCTETS = 64;

/** Dotted form of an OID's content octets (X.690 §8.19), for messages and lookups. */
export function oidText(bytes: Uint8Array, tlv: Tlv, what: string): string {
  const value = content(bytes, tlv);
  if (tlv.tag !== DER.oid || value.length === 0 || (value[value.length - 1] & 0x80) !== 0) throw malformed(what, 'invalid OID');
  // Real OIDs are a few dozen octets; the bound keeps the BigInt arithmetic linear.
  if (value.length > MAX_OID_OCTETS) throw malformed(what, `OID longer than ${MAX_OID_OCTETS} octets`);
  const arcs: bigint[] = [];
  let arc = 0n;
  for (let i = 0; i < value.length; i++) {
    if (arc === 0n && value[i] === 0x80) throw malformed(what, 'non-minimal OID (not DER)');
    arc = (arc << 7n) | BigInt(value[i] & 0x7f);
    if ((value[i] & 0x80) === 0) {
      arcs.push(arc);
      arc = 0n;
    }
  }
  const first = arcs[0] < 80n ? arcs[0] / 40n : 2n;
  return [first, arcs[0] - first * 40n, ...arcs.slice(1)].join('.');
}
