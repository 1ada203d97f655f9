import { DerError } from '../der/der-tlv';

/** Universal types whose encoding is always constructed (X.690 §8.9-8.12, §8.18, §8.20, §8.21.7). */
const CONSTRUCTED_TYPES = new Set([8, 11, 16, 17, 29]);

/**
 * X.690 rules on universal types that hold wherever the value appears: tag 0
 * is end-of-contents (BER indefinite lengths only) and 15 is reserved; DER
 * uses the primitive encoding for every type that has one (§10.2, strings
 * included); and the content rules below.
 */
export function checkUniversal(bytes: Uint8Array, tagNumber: number, constructed: boolean, start: number, end: number): void {
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
    case 28: // §8.23.7: four octets per character
      if (length % 4 !== 0) throw new DerError('UniversalString length not a multiple of 4');
      return;
    case 30: // §8.23.8: two octets per character
      if (length % 2 !== 0) throw new DerError('BMPString length not a multiple of 2');
      return;
    default:
      return;
  }
}

/** Base-128 sub-identifiers, each without a leading 0x80 octet, the last octet ending one. */
export function wellFormedSubidentifiers(bytes: Uint8Array, start: number, end: number): boolean {
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
