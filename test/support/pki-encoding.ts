import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { der } from './pki-extensions';

/** Encoders shared by the test PKI builders. */

const ATTRIBUTE_TYPES: Record<string, string> = { C: '2.5.4.6', ST: '2.5.4.8', L: '2.5.4.7', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' };

export interface NameSpec {
  readonly cn?: string;
  readonly o?: string;
  readonly subject?: readonly (readonly [string, string])[];
}

/** A Name with one attribute per RDN, most general first; C is a PrintableString, the rest UTF8String. */
export function encodeName(spec: NameSpec): Uint8Array<ArrayBuffer> {
  const attributes = spec.subject ?? [...(spec.o === undefined ? [] : [['O', spec.o] as const]), ...(spec.cn === undefined ? [] : [['CN', spec.cn] as const])];
  const rdns = attributes.map(([type, value]) => {
    const oid = ATTRIBUTE_TYPES[type] ?? type;
    const encoded = type === 'C' ? new asn1js.PrintableString({ value }) : new asn1js.Utf8String({ value });
    return new asn1js.Set({ value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), encoded] })] });
  });
  return der(new asn1js.Sequence({ value: rdns }));
}

export function toPem(bytes: Uint8Array): string {
  const base64 = Buffer.from(bytes).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${base64.replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
}

export function validityTime(value: Date): pkijs.Time {
  // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050.
  const year = value.getUTCFullYear();
  return new pkijs.Time({ type: year >= 1950 && year < 2050 ? pkijs.TimeType.UTCTime : pkijs.TimeType.GeneralizedTime, value });
}

export function randomSerial(): Uint8Array {
  const serial = globalThis.crypto.getRandomValues(new Uint8Array(16));
  serial[0] = (serial[0] & 0x7f) | 0x40; // positive, minimal, never zero
  return serial;
}
