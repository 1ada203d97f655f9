import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { encodeName, randomSerial, toPem, validityTime } from './pki-encoding';
import {
  authorityKeyIdentifierValue,
  basicConstraintsValue,
  EKU,
  EXT,
  extension,
  extKeyUsageValue,
  type KeyUsageBit,
  keyIdentifier,
  keyUsageValue,
  type RawExtensionSpec,
  subjectKeyIdentifierValue,
  toArrayBuffer,
} from './pki-extensions';
import { defaultScheme, generateKeys, type HashAlgorithm, type KeyAlgorithm, type SignatureScheme, signatureAlgorithmIdentifier, signBytes } from './pki-keys';

export * from './pki-encoding';
export * from './pki-extensions';
export * from './pki-keys';

/**
 * Test PKI: builds real certificates (pkijs + WebCrypto) with full control
 * over every field, so each rule can be broken on its own. Default validity
 * is 2000..2099 and tests validate at TEST_NOW: fixtures never expire.
 *
 *   const root = await makeRoot({ keyAlgorithm: 'RSA-4096' });
 *   const ica = await makeIntermediate(root, { pathLen: 0 });
 *   const device = await makeLeaf(ica, { cn: 'device-42', o: 'BU-7', keyAlgorithm: 'EC-P256' });
 *   // x5c: [device.der, ica.der]; trust: [root.der]; sign assertions with device.keys.privateKey
 *
 * Keys are extractable WebCrypto pairs: RSASSA-PKCS1-v1_5/SHA-256 for RSA
 * (RS256 as is; re-import the pkcs8 for other hashes or PSS, see signBytes),
 * ECDSA for EC. Certificates can be PSS-signed (signature: { scheme: 'pss' });
 * id-RSASSA-PSS subject keys need OpenSSL (see pki-openssl.ts).
 */

export const TEST_NOW = new Date('2030-06-15T12:00:00Z');
export const FAR_PAST = new Date('2000-01-01T00:00:00Z');
export const FAR_FUTURE = new Date('2099-12-31T23:59:59Z');

export interface TestCertificate {
  readonly der: Uint8Array;
  readonly pem: string;
  /** Extractable key pair: sign JWT assertions with `keys.privateKey`. */
  readonly keys: CryptoKeyPair;
  readonly certificate: pkijs.Certificate;
  /** subjectKeyIdentifier value (RFC 5280 §4.2.1.2 method 1), used as children's AKI. */
  readonly keyId: Uint8Array;
}

export interface CertificateSpec {
  readonly cn?: string;
  readonly o?: string;
  /** Full subject, most general RDN first: [['C', 'US'], ['O', 'Org'], ['CN', 'x']]. Overrides cn/o. */
  readonly subject?: readonly (readonly [string, string])[];
  /** Default EC-P256 (fast); ignored when `keys` is given. */
  readonly keyAlgorithm?: KeyAlgorithm;
  readonly keys?: CryptoKeyPair;
  /** X.509 v1 has no extensions unless `extensions` forces some in. */
  readonly version?: 1 | 3;
  readonly serialNumber?: Uint8Array;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLen?: number; readonly critical?: boolean } | 'absent';
  readonly keyUsage?: readonly KeyUsageBit[] | 'absent';
  readonly keyUsageCritical?: boolean;
  readonly extendedKeyUsage?: readonly string[] | 'absent';
  /** SKI and AKI (default true). */
  readonly keyIdentifiers?: boolean;
  /** Appended after the standard extensions. */
  readonly extensions?: readonly RawExtensionSpec[];
  readonly signature?: { readonly scheme?: SignatureScheme; readonly hash?: HashAlgorithm };
  /** Forgery: claim this issuer name instead of the real issuer's subject. */
  readonly issuerName?: Uint8Array;
  /** Forgery: sign with these keys instead of the issuer's. */
  readonly signWith?: CryptoKeyPair;
  /** Last chance to break the certificate before it is signed. */
  readonly tamper?: (certificate: pkijs.Certificate) => void;

  // Shorthands (applied over the fields above):
  /** basicConstraints { cA: ca } (critical). */
  readonly ca?: boolean;
  /** basicConstraints { cA: TRUE, pathLenConstraint } (critical). */
  readonly pathLen?: number;
  /** version: 1 (no extensions), as the docs/contract.md §5 recipe makes device certificates. */
  readonly v1?: boolean;
  /** extendedKeyUsage purposes (OIDs, see EKU). */
  readonly eku?: readonly string[];
}

export function makeRoot(spec: CertificateSpec = {}): Promise<TestCertificate> {
  return makeCertificate('self-signed', {
    cn: 'Test Root CA',
    basicConstraints: { ca: true, critical: true },
    keyUsage: ['keyCertSign', 'cRLSign'],
    keyUsageCritical: true,
    ...spec,
  });
}

export function makeIntermediate(issuer: TestCertificate, spec: CertificateSpec = {}): Promise<TestCertificate> {
  return makeCertificate(issuer, {
    cn: 'Test Intermediate CA',
    basicConstraints: { ca: true, critical: true },
    keyUsage: ['keyCertSign', 'cRLSign'],
    keyUsageCritical: true,
    ...spec,
  });
}

/** A device certificate: v3 with digitalSignature and clientAuth unless told otherwise. */
export function makeLeaf(issuer: TestCertificate, spec: CertificateSpec = {}): Promise<TestCertificate> {
  return makeCertificate(issuer, {
    cn: 'device-001',
    o: 'Business Unit 1',
    basicConstraints: 'absent',
    keyUsage: ['digitalSignature'],
    keyUsageCritical: true,
    extendedKeyUsage: [EKU.clientAuth],
    ...spec,
  });
}

export async function makeCertificate(issuer: TestCertificate | 'self-signed', options: CertificateSpec): Promise<TestCertificate> {
  const spec = withShorthands(options);
  const keys = spec.keys ?? (await generateKeys(spec.keyAlgorithm ?? 'EC-P256'));
  const spki = pkijs.PublicKeyInfo.fromBER(await globalThis.crypto.subtle.exportKey('spki', keys.publicKey));
  const subject = pkijs.RelativeDistinguishedNames.fromBER(encodeName(spec));
  const selfSigned = issuer === 'self-signed';
  const keyId = keyIdentifier(spki);
  const signer = spec.signWith ?? (selfSigned ? keys : issuer.keys);

  const certificate = new pkijs.Certificate();
  certificate.version = spec.version === 1 ? 0 : 2;
  certificate.serialNumber = new asn1js.Integer({ valueHex: toArrayBuffer(spec.serialNumber ?? randomSerial()) });
  certificate.subject = subject;
  certificate.issuer = spec.issuerName
    ? pkijs.RelativeDistinguishedNames.fromBER(new Uint8Array(spec.issuerName))
    : selfSigned
      ? subject
      : issuer.certificate.subject;
  certificate.notBefore = validityTime(spec.notBefore ?? FAR_PAST);
  certificate.notAfter = validityTime(spec.notAfter ?? FAR_FUTURE);
  certificate.subjectPublicKeyInfo = spki;
  const extensions = spec.version === 1 ? [] : standardExtensions(spec, keyId, selfSigned ? keyId : issuer.keyId);
  extensions.push(...(spec.extensions ?? []).map(extension));
  if (extensions.length > 0) certificate.extensions = extensions;

  const scheme = spec.signature?.scheme ?? defaultScheme(signer);
  const hash = spec.signature?.hash ?? 'SHA-256';
  certificate.signature = signatureAlgorithmIdentifier(scheme, hash);
  certificate.signatureAlgorithm = signatureAlgorithmIdentifier(scheme, hash);
  spec.tamper?.(certificate);

  const tbs = new Uint8Array(certificate.encodeTBS().toBER(false));
  certificate.tbsView = tbs;
  certificate.signatureValue = new asn1js.BitString({ valueHex: toArrayBuffer(await signBytes(signer.privateKey, scheme, hash, tbs)) });
  const bytes = new Uint8Array(certificate.toSchema(false).toBER(false));
  return { der: bytes, pem: toPem(bytes), keys, certificate: pkijs.Certificate.fromBER(new Uint8Array(bytes)), keyId };
}

/** Wraps a certificate made elsewhere (e.g. by OpenSSL) so it can issue test certificates. */
export function adoptCertificate(bytes: Uint8Array, keys: CryptoKeyPair): TestCertificate {
  const certificate = pkijs.Certificate.fromBER(new Uint8Array(bytes));
  return { der: bytes, pem: toPem(bytes), keys, certificate, keyId: keyIdentifier(certificate.subjectPublicKeyInfo) };
}

/** The encoded subject Name of a certificate, e.g. to forge a certificate claiming that issuer. */
export function subjectNameOf(certificate: TestCertificate): Uint8Array {
  return new Uint8Array(certificate.certificate.subject.toSchema().toBER(false));
}

function withShorthands(spec: CertificateSpec): CertificateSpec {
  return {
    ...spec,
    ...(spec.ca !== undefined ? { basicConstraints: { ca: spec.ca, critical: true } } : {}),
    ...(spec.pathLen !== undefined ? { basicConstraints: { ca: true, pathLen: spec.pathLen, critical: true } } : {}),
    ...(spec.v1 === true ? { version: 1 as const } : {}),
    ...(spec.eku !== undefined ? { extendedKeyUsage: spec.eku } : {}),
  };
}

function standardExtensions(spec: CertificateSpec, keyId: Uint8Array, authorityKeyId: Uint8Array): pkijs.Extension[] {
  const list: pkijs.Extension[] = [];
  const bc = spec.basicConstraints;
  if (bc !== undefined && bc !== 'absent') {
    list.push(extension({ oid: EXT.basicConstraints, critical: bc.critical ?? true, value: basicConstraintsValue(bc.ca, bc.pathLen) }));
  }
  if (spec.keyUsage !== undefined && spec.keyUsage !== 'absent') {
    list.push(extension({ oid: EXT.keyUsage, critical: spec.keyUsageCritical ?? true, value: keyUsageValue(spec.keyUsage) }));
  }
  if (spec.extendedKeyUsage !== undefined && spec.extendedKeyUsage !== 'absent') {
    list.push(extension({ oid: EXT.extKeyUsage, critical: false, value: extKeyUsageValue(spec.extendedKeyUsage) }));
  }
  if (spec.keyIdentifiers ?? true) {
    list.push(extension({ oid: EXT.subjectKeyIdentifier, critical: false, value: subjectKeyIdentifierValue(keyId) }));
    list.push(extension({ oid: EXT.authorityKeyIdentifier, critical: false, value: authorityKeyIdentifierValue(authorityKeyId) }));
  }
  return list;
}
