import { Asn1Error, type Asn1Node, TAG, isTagged, primitiveContent } from './asn1';

/**
 * RFC 5280 §4.1.2.5: UTCTime is YYMMDDHHMMSSZ (YY >= 50 means 19YY) and
 * GeneralizedTime is YYYYMMDDHHMMSSZ, both in UTC with seconds and no
 * fractions. asn1js silently turns a malformed time into a date in 1899, so
 * times are parsed here and anything else is refused: a validity window that
 * two parsers read differently is a bypass.
 */
export function parseTime(node: Asn1Node, what: string): Date {
  if (isTagged(node, 1, TAG.utcTime)) {
    const text = asciiContent(node, TAG.utcTime, what);
    const m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
    if (!m) throw new Asn1Error(`${what}: UTCTime not in YYMMDDHHMMSSZ form`);
    const yy = Number(m[1]);
    return toDate(yy >= 50 ? 1900 + yy : 2000 + yy, m.slice(2).map(Number), what);
  }
  if (isTagged(node, 1, TAG.generalizedTime)) {
    const text = asciiContent(node, TAG.generalizedTime, what);
    const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
    if (!m) throw new Asn1Error(`${what}: GeneralizedTime not in YYYYMMDDHHMMSSZ form`);
    return toDate(Number(m[1]), m.slice(2).map(Number), what);
  }
  throw new Asn1Error(`${what}: expected UTCTime or GeneralizedTime`);
}

function asciiContent(node: Asn1Node, tag: number, what: string): string {
  return Buffer.from(primitiveContent(node, tag, what)).toString('latin1');
}

function toDate(year: number, [month, day, hour, minute, second]: number[], what: string): Date {
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC normalises out-of-range fields (month 13, Feb 30); refuse those instead.
  const exact =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  if (!exact) throw new Asn1Error(`${what}: time field out of range`);
  return date;
}
