import { createPublicKey, type KeyObject, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { certificateSigner } from './key-types';

export interface CertificateTemplate {
  /** 1 (no extensions: the docs/contract.md §5 recipe's device certificates) or 3. */
  version: 1 | 3;
  subject: pkijs.RelativeDistinguishedNames;
  /** The issuer's subject exactly as encoded in its certificate (RFC 5280 §4.1.2.4), or the subject when self-signed. */
  issuer: pkijs.RelativeDistinguishedNames;
  subjectPublicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  extensions?: pkijs.Extension[];
  signingKey: KeyObject;
}

/** 16 random octets, positive and without a leading zero octet: within RFC 5280 §4.1.2.2's 20. */
function randomSerialNumber(): Uint8Array {
  const serial = new Uint8Array(randomBytes(16));
  serial[0] = (serial[0] & 0x7f) | 0x40;
  return serial;
}

/** RFC 5280 §4.1.2.5: UTCTime for years through 2049, GeneralizedTime from 2050. */
function time(value: Date): pkijs.Time {
  const year = value.getUTCFullYear();
  return new pkijs.Time({ type: year < 2050 ? pkijs.TimeType.UTCTime : pkijs.TimeType.GeneralizedTime, value });
}

export function publicKeyInfo(key: KeyObject): pkijs.PublicKeyInfo {
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return pkijs.PublicKeyInfo.fromBER(new Uint8Array(spki));
}

/**
 * Assembles and signs an X.509 certificate (RFC 5280 §4.1) with pkijs for
 * the structure and node:crypto for the signature. Returns the DER.
 */
export function buildCertificate(template: CertificateTemplate): Uint8Array {
  const signer = certificateSigner(template.signingKey);
  const algorithm = new pkijs.AlgorithmIdentifier({
    algorithmId: signer.algorithmOid,
    ...(signer.nullParameters ? { algorithmParams: new asn1js.Null() } : {}),
  });
  const certificate = new pkijs.Certificate();
  certificate.version = template.version === 1 ? 0 : 2;
  certificate.serialNumber = new asn1js.Integer({ valueHex: randomSerialNumber() });
  certificate.signature = algorithm;
  certificate.issuer = template.issuer;
  certificate.notBefore = time(template.notBefore);
  certificate.notAfter = time(template.notAfter);
  certificate.subject = template.subject;
  certificate.subjectPublicKeyInfo = publicKeyInfo(template.subjectPublicKey);
  if (template.version === 3 && template.extensions !== undefined && template.extensions.length > 0) certificate.extensions = template.extensions;
  certificate.signatureAlgorithm = algorithm;

  const tbs = new Uint8Array(certificate.encodeTBS().toBER(false));
  certificate.tbsView = tbs;
  certificate.signatureValue = new asn1js.BitString({ valueHex: signer.sign(tbs) });
  return new Uint8Array(certificate.toSchema(false).toBER(false));
}
