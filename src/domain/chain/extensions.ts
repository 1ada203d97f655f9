import {
  Asn1Error,
  type Asn1Node,
  CONTEXT,
  childrenOf,
  decodeDer,
  isTagged,
  primitiveContent,
  readBitString,
  readBoolean,
  readOctetString,
  readOid,
  readSmallNonNegativeInteger,
  sequenceOf,
  TAG,
} from './asn1';
import { type GeneralName, readGeneralName, readGeneralNames } from './general-names';
import { type NameConstraints, readNameConstraints } from './name-constraints-extension';
import { OID } from './oids';
import {
  type PolicyConstraints,
  type PolicyMapping,
  readCertificatePolicies,
  readInhibitAnyPolicy,
  readPolicyConstraints,
  readPolicyMappings,
} from './policy-extensions';

/** RFC 5280 §4.2.1.3, bit positions 0..8. */
export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

export type KeyUsageName = (typeof KEY_USAGE_BITS)[number];

export interface RawExtension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

interface BasicConstraints {
  readonly ca: boolean;
  readonly pathLen: number | undefined;
}

export interface CertificateExtensions {
  /** Every extension, in encoded order. */
  readonly all: readonly RawExtension[];
  readonly basicConstraints?: BasicConstraints;
  readonly keyUsage?: ReadonlySet<KeyUsageName>;
  readonly extKeyUsage?: readonly string[];
  readonly subjectKeyIdentifier?: Uint8Array;
  readonly authorityKeyIdentifier?: { readonly keyIdentifier: Uint8Array | undefined };
  /** RFC 5280 §4.2.1.6. */
  readonly subjectAltName?: readonly GeneralName[];
  /** RFC 5280 §4.2.1.10. */
  readonly nameConstraints?: NameConstraints;
  /** RFC 5280 §4.2.1.4: the policy OIDs, each once. */
  readonly certificatePolicies?: readonly string[];
  /** RFC 5280 §4.2.1.5. */
  readonly policyMappings?: readonly PolicyMapping[];
  readonly policyConstraints?: PolicyConstraints;
  /** RFC 5280 §4.2.1.14: SkipCerts. */
  readonly inhibitAnyPolicy?: number;
}

export function findExtension(extensions: CertificateExtensions, oid: string): RawExtension | undefined {
  for (const extension of extensions.all) if (extension.oid === oid) return extension;
  return undefined;
}

/**
 * Parses `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension` (RFC 5280 §4.1).
 * Every extension the validator relies on, or that could change a decision
 * if misread, is decoded strictly here; a malformed one makes the whole
 * certificate malformed rather than being skipped.
 */
export function parseExtensions(node: Asn1Node | undefined): CertificateExtensions {
  if (node === undefined) return NO_EXTENSIONS;
  const list: RawExtension[] = [];
  const byOid = new Map<string, Uint8Array>();
  for (const child of sequenceOf(node, 'extensions', 1, Number.MAX_SAFE_INTEGER)) {
    const extension = parseExtension(child);
    // RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular extension."
    if (byOid.has(extension.oid)) throw new Asn1Error(`extensions: duplicate extension ${extension.oid}`);
    byOid.set(extension.oid, extension.value);
    list.push(extension);
  }
  // Decoded for structural validity only: a critical or non-critical value that
  // does not parse is a malformed certificate (x509-limbo malformed-aia / -san).
  decodeWith(byOid, OID.issuerAltName, readIssuerAltName);
  decodeWith(byOid, OID.authorityInfoAccess, readAuthorityInfoAccess);
  decodeWith(byOid, OID.subjectInfoAccess, readSubjectInfoAccess);
  return Object.freeze({
    all: list,
    basicConstraints: decodeWith(byOid, OID.basicConstraints, readBasicConstraints),
    keyUsage: decodeWith(byOid, OID.keyUsage, readKeyUsage),
    extKeyUsage: decodeWith(byOid, OID.extKeyUsage, readExtKeyUsage),
    subjectKeyIdentifier: decodeWith(byOid, OID.subjectKeyIdentifier, readSubjectKeyIdentifier),
    authorityKeyIdentifier: decodeWith(byOid, OID.authorityKeyIdentifier, readAuthorityKeyIdentifier),
    subjectAltName: decodeWith(byOid, OID.subjectAltName, readSubjectAltName),
    nameConstraints: decodeWith(byOid, OID.nameConstraints, readNameConstraints),
    certificatePolicies: decodeWith(byOid, OID.certificatePolicies, readCertificatePolicies),
    policyMappings: decodeWith(byOid, OID.policyMappings, readPolicyMappings),
    policyConstraints: decodeWith(byOid, OID.policyConstraints, readPolicyConstraints),
    inhibitAnyPolicy: decodeWith(byOid, OID.inhibitAnyPolicy, readInhibitAnyPolicy),
  });
}

const NO_EXTENSIONS: CertificateExtensions = Object.freeze({ all: Object.freeze([]) });

/** The extension `oid` decoded and read by `reader`, if the certificate has it. */
function decodeWith<T>(byOid: ReadonlyMap<string, Uint8Array>, oid: string, reader: (node: Asn1Node) => T): T | undefined {
  const value = byOid.get(oid);
  return value === undefined ? undefined : reader(decodeDer(value, `extension ${oid}`));
}

function readIssuerAltName(node: Asn1Node): void {
  readGeneralNames(node, 'issuerAltName');
}

function readAuthorityInfoAccess(node: Asn1Node): void {
  readAccessDescriptions(node, 'authorityInfoAccess');
}

function readSubjectInfoAccess(node: Asn1Node): void {
  readAccessDescriptions(node, 'subjectInfoAccess');
}

function readSubjectKeyIdentifier(node: Asn1Node): Uint8Array {
  return readOctetString(node, 'subjectKeyIdentifier');
}

function readSubjectAltName(node: Asn1Node): GeneralName[] {
  return readGeneralNames(node, 'subjectAltName');
}

function parseExtension(node: Asn1Node): RawExtension {
  const fields = sequenceOf(node, 'extension', 2, 3);
  const oid = readOid(fields[0], 'extension id');
  const critical = fields.length === 3 ? readBoolean(fields[1], `extension ${oid} critical`) : false;
  const value = readOctetString(fields[fields.length - 1], `extension ${oid} value`);
  return { oid, critical, value };
}

/** RFC 5280 §4.2.1.9: SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }. */
function readBasicConstraints(node: Asn1Node): BasicConstraints {
  const fields = sequenceOf(node, 'basicConstraints', 0, 2);
  let index = 0;
  let ca = false;
  if (fields[index] !== undefined && isTagged(fields[index], 1, TAG.boolean)) {
    ca = readBoolean(fields[index], 'basicConstraints cA');
    index++;
  }
  const pathLen = fields[index] === undefined ? undefined : readSmallNonNegativeInteger(fields[index++], 'pathLenConstraint');
  if (index !== fields.length) throw new Asn1Error('basicConstraints: unexpected field');
  return { ca, pathLen };
}

/** RFC 5280 §4.2.1.3: a named BIT STRING; at least one bit MUST be set. */
function readKeyUsage(node: Asn1Node): ReadonlySet<KeyUsageName> {
  const { bytes, unusedBits } = readBitString(node, 'keyUsage');
  const bitCount = bytes.length * 8 - unusedBits;
  const set = new Set<KeyUsageName>();
  for (let bit = 0; bit < KEY_USAGE_BITS.length && bit < bitCount; bit++) {
    if ((bytes[bit >> 3] & (0x80 >> (bit & 7))) !== 0) set.add(KEY_USAGE_BITS[bit]);
  }
  if (set.size === 0) throw new Asn1Error('keyUsage: no bit set');
  return set;
}

/** RFC 5280 §4.2.1.12: SEQUENCE SIZE (1..MAX) OF KeyPurposeId. */
function readExtKeyUsage(node: Asn1Node): string[] {
  const purposes: string[] = [];
  for (const purpose of sequenceOf(node, 'extKeyUsage', 1, Number.MAX_SAFE_INTEGER)) purposes.push(readOid(purpose, 'extKeyUsage'));
  return purposes;
}

/** RFC 5280 §4.2.1.1: keyIdentifier [0], authorityCertIssuer [1], authorityCertSerialNumber [2]. */
function readAuthorityKeyIdentifier(node: Asn1Node): { keyIdentifier: Uint8Array | undefined } {
  let keyIdentifier: Uint8Array | undefined;
  let lastTag = -1;
  for (const field of sequenceOf(node, 'authorityKeyIdentifier', 0, 3)) {
    const tag = field.tagNumber;
    if (field.tagClass !== CONTEXT || tag <= lastTag || tag > 2) {
      throw new Asn1Error('authorityKeyIdentifier: unexpected field');
    }
    lastTag = tag;
    if (tag === 0) keyIdentifier = primitiveContent(field, 0, 'authorityKeyIdentifier keyIdentifier', CONTEXT);
    if (tag === 1) for (const name of childrenOf(field, 1, 'authorityCertIssuer', CONTEXT)) readGeneralName(name, 'authorityCertIssuer');
    if (tag === 2) primitiveContent(field, 2, 'authorityCertSerialNumber', CONTEXT);
  }
  return { keyIdentifier };
}

/** RFC 5280 §4.2.2.1: SEQUENCE SIZE (1..MAX) OF AccessDescription { accessMethod OID, accessLocation GeneralName }. */
function readAccessDescriptions(node: Asn1Node, what: string): void {
  for (const description of sequenceOf(node, what, 1, Number.MAX_SAFE_INTEGER)) {
    const [method, location] = sequenceOf(description, what, 2, 2);
    readOid(method, what);
    readGeneralName(location, what);
  }
}
