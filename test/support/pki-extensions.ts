import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** Encoders for the extensions the test PKI puts in certificates (RFC 5280 §4.2). */

export const EXT = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  subjectAltName: '2.5.29.17',
  nameConstraints: '2.5.29.30',
  policyConstraints: '2.5.29.36',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
} as const;

export const EKU = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  any: '2.5.29.37.0',
} as const;

export type KeyUsageBit =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

// Deliberate restatement: RFC 5280 §4.2.1.3 bit order, independent of src/domain/chain/extensions.ts, so a wrong bit there fails the chain tests.
const KU_ORDER: KeyUsageBit[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

export interface RawExtensionSpec {
  readonly oid: string;
  readonly critical: boolean;
  /** DER of the extnValue contents. */
  readonly value: Uint8Array;
}

export function extension(spec: RawExtensionSpec): pkijs.Extension {
  return new pkijs.Extension({ extnID: spec.oid, critical: spec.critical, extnValue: toArrayBuffer(spec.value) });
}

export function basicConstraintsValue(ca: boolean, pathLen?: number): Uint8Array {
  const fields: asn1js.AsnType[] = [];
  if (ca) fields.push(new asn1js.Boolean({ value: true }));
  if (pathLen !== undefined) fields.push(new asn1js.Integer({ value: pathLen }));
  return der(new asn1js.Sequence({ value: fields }));
}

/** DER named BIT STRING: trailing zero bits removed (X.690 §11.2.2). */
export function keyUsageValue(bits: readonly KeyUsageBit[]): Uint8Array {
  const positions = bits.map((b) => KU_ORDER.indexOf(b));
  const highest = Math.max(...positions);
  const bytes = new Uint8Array(Math.floor(highest / 8) + 1);
  for (const p of positions) bytes[p >> 3] |= 0x80 >> (p & 7);
  const unusedBits = bytes.length * 8 - 1 - highest;
  return der(new asn1js.BitString({ unusedBits, valueHex: bytes }));
}

export function extKeyUsageValue(purposes: readonly string[]): Uint8Array {
  return der(new asn1js.Sequence({ value: purposes.map((p) => new asn1js.ObjectIdentifier({ value: p })) }));
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING contents. */
export function keyIdentifier(spki: pkijs.PublicKeyInfo): Uint8Array {
  return new Uint8Array(createHash('sha1').update(spki.subjectPublicKey.valueBlock.valueHexView).digest());
}

export function subjectKeyIdentifierValue(keyId: Uint8Array): Uint8Array {
  return der(new asn1js.OctetString({ valueHex: toArrayBuffer(keyId) }));
}

export function authorityKeyIdentifierValue(keyId: Uint8Array): Uint8Array {
  const field = new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: toArrayBuffer(keyId) });
  return der(new asn1js.Sequence({ value: [field] }));
}

export function dnsSubjectAltNameValue(dnsName: string): Uint8Array {
  const name = new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 }, valueHex: toArrayBuffer(Buffer.from(dnsName, 'ascii')) });
  return der(new asn1js.Sequence({ value: [name] }));
}

export function der(value: asn1js.AsnType): Uint8Array<ArrayBuffer> {
  return new Uint8Array(value.toBER(false));
}

export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
