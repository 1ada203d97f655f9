import { type Asn1Node, type BitString, decodeDer, isTagged, rawDer, readBitString, readIntegerBytes, readNull, readOid, sequenceOf, TAG } from './asn1';
import { OID } from './oids';

export type EcCurve = 'P-256' | 'P-384' | 'P-521';

export type PublicKeyDescription =
  | {
      readonly kind: 'rsa';
      readonly modulusBits: number;
      readonly publicExponent: bigint;
      /** id-RSASSA-PSS key (RFC 4055 §1.2): usable for RSA-PSS signatures only. */
      readonly pssOnly: boolean;
    }
  | { readonly kind: 'ec'; readonly curve: EcCurve }
  | {
      readonly kind: 'dsa';
      /** Bits of the prime p; undefined when the parameters are inherited from the issuer (RFC 3279 §2.3.2). */
      readonly primeBits: number | undefined;
      /** Dss-Parms as encoded, when present. */
      readonly parametersDer: Uint8Array | undefined;
    }
  | { readonly kind: 'unsupported'; readonly oid: string; readonly reason: string };

export interface SubjectPublicKey {
  /** The SubjectPublicKeyInfo, exactly as encoded in the certificate. */
  readonly spkiDer: Uint8Array;
  readonly description: PublicKeyDescription;
}

const CURVES: Readonly<Record<string, { curve: EcCurve; coordinateBytes: number }>> = {
  [OID.secp256r1]: { curve: 'P-256', coordinateBytes: 32 },
  [OID.secp384r1]: { curve: 'P-384', coordinateBytes: 48 },
  [OID.secp521r1]: { curve: 'P-521', coordinateBytes: 66 },
};

/**
 * Reads SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) far enough to apply the key
 * policy (RFC 3279 §2.3.1, RFC 4055 §1.2, RFC 5480 §2) before any
 * cryptographic library sees the key.
 */
export function describePublicKey(node: Asn1Node): SubjectPublicKey {
  const [algorithm, subjectPublicKey] = sequenceOf(node, 'subjectPublicKeyInfo', 2, 2);
  const [oidNode, params] = sequenceOf(algorithm, 'subjectPublicKeyInfo algorithm', 1, 2);
  const oid = readOid(oidNode, 'subjectPublicKeyInfo algorithm');
  const key = readBitString(subjectPublicKey, 'subjectPublicKey');
  const described = describe(oid, key, params);
  return { spkiDer: rawDer(node), description: typeof described === 'string' ? { kind: 'unsupported', oid, reason: described } : described };
}

/** The key, or the reason it is not one the validator accepts. */
function describe(oid: string, key: BitString, params: Asn1Node | undefined): PublicKeyDescription | string {
  if (key.unusedBits !== 0) return 'public key BIT STRING has unused bits';
  if (oid === OID.rsaEncryption || oid === OID.rsassaPss) {
    // rsaEncryption parameters MUST be NULL (RFC 3279 §2.3.1); id-RSASSA-PSS parameters are optional (RFC 4055 §1.2).
    if (oid === OID.rsaEncryption && params !== undefined) readNull(params, 'rsaEncryption parameters');
    return describeRsa(key.bytes, oid === OID.rsassaPss);
  }
  if (oid === OID.ecPublicKey) {
    // RFC 5480 §2.1.1: only namedCurve; implicitCurve and specifiedCurve MUST NOT be used.
    if (params === undefined || !isTagged(params, 1, TAG.oid)) return 'EC key without a named curve';
    const curveOid = readOid(params, 'EC named curve');
    const curve = CURVES[curveOid];
    if (curve === undefined) return `EC curve ${curveOid} is not accepted`;
    // RFC 5480 §2.2: uncompressed form; compressed points are optional and refused here.
    if (key.bytes.length !== 1 + 2 * curve.coordinateBytes || key.bytes[0] !== 0x04) return 'EC public key is not an uncompressed point';
    return { kind: 'ec', curve: curve.curve };
  }
  if (oid === OID.dsa) return describeDsa(key.bytes, params);
  return 'public key algorithm is not RSA, EC or DSA';
}

/**
 * RFC 3279 §2.3.2: DSAPublicKey ::= INTEGER; parameters Dss-Parms ::=
 * SEQUENCE { p, q, g } or absent, in which case they are inherited from the
 * issuer's key (RFC 5280 §6.1.4 (f)). Whether DSA is allowed at all is the
 * algorithm policy's decision (checks/algorithm-policy.ts).
 */
function describeDsa(publicKey: Uint8Array, params: Asn1Node | undefined): PublicKeyDescription | string {
  const y = readIntegerBytes(decodeDer(publicKey, 'DSAPublicKey'), 'DSA public key');
  if ((y[0] & 0x80) !== 0) return 'negative DSA public key';
  if (params === undefined || isTagged(params, 1, TAG.null)) return { kind: 'dsa', primeBits: undefined, parametersDer: undefined };
  const [p, q, g] = sequenceOf(params, 'Dss-Parms', 3, 3);
  const [pBytes, qBytes, gBytes] = [readIntegerBytes(p, 'Dss-Parms'), readIntegerBytes(q, 'Dss-Parms'), readIntegerBytes(g, 'Dss-Parms')];
  if (((pBytes[0] | qBytes[0] | gBytes[0]) & 0x80) !== 0) return 'negative DSA parameter';
  return { kind: 'dsa', primeBits: bitLength(pBytes), parametersDer: rawDer(params) };
}

function bitLength(integer: Uint8Array): number {
  const magnitude = integer[0] === 0 ? integer.subarray(1) : integer;
  return magnitude.length === 0 ? 0 : (magnitude.length - 1) * 8 + (32 - Math.clz32(magnitude[0]));
}

function describeRsa(rsaPublicKey: Uint8Array, pssOnly: boolean): PublicKeyDescription | string {
  // RFC 3279 §2.3.1: RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }.
  const [modulusNode, exponentNode] = sequenceOf(decodeDer(rsaPublicKey, 'RSAPublicKey'), 'RSAPublicKey', 2, 2);
  const modulus = readIntegerBytes(modulusNode, 'RSA modulus');
  const exponent = readIntegerBytes(exponentNode, 'RSA public exponent');
  if ((modulus[0] & 0x80) !== 0 || (exponent[0] & 0x80) !== 0) return 'negative RSA modulus or exponent';
  const modulusBits = bitLength(modulus);
  if (modulusBits === 0) return 'RSA modulus is zero';
  // A huge exponent makes verification arbitrarily slow; real keys use 65537.
  if (exponent.length > 4) return 'RSA public exponent larger than 32 bits';
  let publicExponent = 0n;
  for (const byte of exponent) publicExponent = (publicExponent << 8n) | BigInt(byte);
  if (publicExponent < 3n || publicExponent % 2n === 0n) return 'RSA public exponent must be odd and at least 3';
  return { kind: 'rsa', modulusBits, publicExponent, pssOnly };
}
