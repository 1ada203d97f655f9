import { Asn1Error, type Asn1Node, isTagged, primitiveContent, TAG } from './asn1';

/**
 * RFC 5280 §4.1.2.5: UTCTime is YYMMDDHHMMSSZ (YY >= 50 means 19YY) and
 * GeneralizedTime is YYYYMMDDHHMMSSZ, both in UTC with seconds and no
 * fractions. Anything else is refused, and so is a field out of its range
 * (month 13, February 30, hour 24, second 60; a GeneralizedTime year below
 * 100): a validity window that two parsers read differently is a bypass.
 * Read from the bytes, without strings: every certificate of every request
 * has two of these.
 */
export function parseTime(node: Asn1Node, what: string): Date {
  const utc = isTagged(node, 1, TAG.utcTime);
  if (!utc && !isTagged(node, 1, TAG.generalizedTime)) throw new Asn1Error(`${what}: expected UTCTime or GeneralizedTime`);
  const text = primitiveContent(node, utc ? TAG.utcTime : TAG.generalizedTime, what);
  const digits = utc ? 12 : 14;
  if (text.length !== digits + 1 || text[digits] !== 0x5a || !allDigits(text, digits)) {
    throw new Asn1Error(utc ? `${what}: UTCTime not in YYMMDDHHMMSSZ form` : `${what}: GeneralizedTime not in YYYYMMDDHHMMSSZ form`);
  }
  const yy = twoDigits(text, 0);
  const year = utc ? (yy >= 50 ? 1900 : 2000) + yy : yy * 100 + twoDigits(text, 2);
  const at = utc ? 2 : 4;
  const month = twoDigits(text, at);
  const day = twoDigits(text, at + 2);
  const hour = twoDigits(text, at + 4);
  const minute = twoDigits(text, at + 6);
  const second = twoDigits(text, at + 8);
  const inRange = year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 59;
  if (!inRange) throw new Asn1Error(`${what}: time field out of range`);
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

function twoDigits(text: Uint8Array, index: number): number {
  return (text[index] - 0x30) * 10 + (text[index + 1] - 0x30);
}

function allDigits(text: Uint8Array, count: number): boolean {
  for (let i = 0; i < count; i++) if (text[i] < 0x30 || text[i] > 0x39) return false;
  return true;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}
