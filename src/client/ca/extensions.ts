import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** RFC 5280 §4.2 extension OIDs and the clientAuth purpose (§4.2.1.12). */
const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/** RFC 5280 §4.2.1.3 bit positions. */
const KEY_USAGE_BITS = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;
export type KeyUsage = keyof typeof KEY_USAGE_BITS;

const der = (value: asn1js.AsnType): ArrayBuffer => value.toBER(false);
const extension = (extnID: string, critical: boolean, value: asn1js.AsnType) => new pkijs.Extension({ extnID, critical, extnValue: der(value) });

/** RFC 5280 §4.2.1.9; cA FALSE is the DEFAULT and so left out (X.690 §11.5), as is an absent pathLenConstraint. */
export function basicConstraints(ca: boolean, pathLen?: number): pkijs.Extension {
  const fields: asn1js.AsnType[] = ca ? [new asn1js.Boolean({ value: true })] : [];
  if (pathLen !== undefined) fields.push(new asn1js.Integer({ value: pathLen }));
  return extension(OID.basicConstraints, true, new asn1js.Sequence({ value: fields }));
}

/** RFC 5280 §4.2.1.3, critical; a DER named BIT STRING without trailing zero bits (X.690 §11.2.2). */
export function keyUsage(usages: readonly KeyUsage[]): pkijs.Extension {
  const positions = usages.map((usage) => KEY_USAGE_BITS[usage]);
  const highest = Math.max(...positions);
  const bytes = new Uint8Array(Math.floor(highest / 8) + 1);
  for (const position of positions) bytes[position >> 3] |= 0x80 >> (position & 7);
  return extension(OID.keyUsage, true, new asn1js.BitString({ unusedBits: bytes.length * 8 - 1 - highest, valueHex: bytes }));
}

/** RFC 5280 §4.2.1.12: id-kp-clientAuth, not critical. */
export function clientAuthExtendedKeyUsage(): pkijs.Extension {
  return extension(OID.extKeyUsage, false, new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.clientAuth })] }));
}

/** RFC 5280 §4.2.1.2 method (1): the SHA-1 of the subjectPublicKey BIT STRING's value. */
export function keyIdentifier(spki: pkijs.PublicKeyInfo): Uint8Array {
  return new Uint8Array(createHash('sha1').update(spki.subjectPublicKey.valueBlock.valueHexView).digest());
}

export function subjectKeyIdentifier(keyId: Uint8Array): pkijs.Extension {
  return extension(OID.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: keyId }));
}

/** RFC 5280 §4.2.1.1: keyIdentifier [0] only, the issuer's subjectKeyIdentifier. */
export function authorityKeyIdentifier(issuerKeyId: Uint8Array): pkijs.Extension {
  const keyIdentifierField = new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: issuerKeyId });
  return extension(OID.authorityKeyIdentifier, false, new asn1js.Sequence({ value: [keyIdentifierField] }));
}

/** The subjectKeyIdentifier of a certificate, if it has one: its children's AKI. */
export function subjectKeyIdentifierOf(certificate: pkijs.Certificate): Uint8Array | undefined {
  const ski = certificate.extensions?.find((ext) => ext.extnID === OID.subjectKeyIdentifier);
  if (ski === undefined) return undefined;
  const parsed = asn1js.fromBER(ski.extnValue.valueBlock.valueHexView);
  return parsed.result instanceof asn1js.OctetString ? new Uint8Array(parsed.result.valueBlock.valueHexView) : undefined;
}
