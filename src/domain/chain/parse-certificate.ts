import { createHash } from 'node:crypto';
import {
  Asn1Error,
  type Asn1Node,
  type BitString,
  CONTEXT,
  childrenOf,
  decodeDer,
  isTagged,
  primitiveContent,
  rawDer,
  readBitString,
  readIntegerBytes,
  readSmallNonNegativeInteger,
  sequenceOf,
  TAG,
  toHex,
} from './asn1';
import { attributeValues, type DistinguishedName, formatName, namesMatch, parseName } from './distinguished-name';
import { type CertificateExtensions, parseExtensions } from './extensions';
import { OID } from './oids';
import { knownCertificate, recentCertificateWithBytes, recentlyParsed, rememberCertificate } from './parsed-certificates';
import { describePublicKey, type PublicKeyDescription } from './public-key-info';
import { identifySignatureAlgorithm, type SignatureAlgorithmInfo } from './signature-algorithm';
import { parseTime } from './time';

export interface ParsedCertificate {
  readonly der: Uint8Array;
  readonly version: 1 | 2 | 3;
  /** Serial as encoded (two's complement content octets). */
  readonly serialNumber: Uint8Array;
  /** Lowercase hex of the serial's magnitude, without the DER sign octet. */
  readonly serialNumberHex: string;
  readonly subject: DistinguishedName;
  readonly issuer: DistinguishedName;
  /** RFC 4514 form, e.g. `CN=device-1,O=Business Unit ID,L=City,ST=State,C=US`. */
  readonly subjectDn: string;
  readonly issuerDn: string;
  /** The subject commonName when there is exactly one; undefined when absent or ambiguous. */
  readonly subjectCN: string | undefined;
  /** The subject organizationName when there is exactly one; undefined when absent or ambiguous. */
  readonly subjectO: string | undefined;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SHA-256 of the DER: lowercase hex (the fingerprint of docs/contract.md) and base64url (RFC 8705 `x5t#S256`). */
  readonly sha256Hex: string;
  readonly sha256Base64Url: string;
  /** basicConstraints cA=TRUE (RFC 5280 §4.2.1.9). */
  readonly isCA: boolean;
  /** Issuer and subject names match (RFC 5280 §6.1: "self-issued"). */
  readonly selfIssued: boolean;
  readonly hasUniqueIdentifiers: boolean;
  readonly extensions: CertificateExtensions;
  /** Outer `signatureAlgorithm` (RFC 5280 §4.1.1.2). */
  readonly signatureAlgorithm: SignatureAlgorithmInfo;
  /** Encoding of TBSCertificate.signature, which MUST equal the outer one (RFC 5280 §4.1.2.3). */
  readonly tbsSignatureAlgorithmDer: Uint8Array;
  readonly tbsDer: Uint8Array;
  readonly signatureValue: BitString;
  readonly spkiDer: Uint8Array;
  readonly publicKey: PublicKeyDescription;
}

export type ParseCertificateResult =
  | { readonly ok: true; readonly certificate: ParsedCertificate }
  | { readonly ok: false; readonly code: 'malformed_certificate'; readonly detail: string };

/** Thrown by `parseCertificate`; carries the same stable code as a validation failure. */
export class CertificateParseError extends Error {
  readonly code = 'malformed_certificate' as const;
}

/** Parses one DER certificate; throws `CertificateParseError` on anything that is not a well-formed certificate. */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const result = tryParseCertificate(der);
  if (!result.ok) throw new CertificateParseError(result.detail);
  return result.certificate;
}

/** Like `parseCertificate` but never throws, whatever the input. Certificates parsed before are not parsed again (parsed-certificates.ts). */
export function tryParseCertificate(der: Uint8Array): ParseCertificateResult {
  try {
    if (!(der instanceof Uint8Array)) throw new Asn1Error('certificate: not a byte array');
    const seen = recentlyParsed(der) ?? recentCertificateWithBytes(der);
    if (seen !== undefined) return { ok: true, certificate: seen };
    const sha256Hex = createHash('sha256').update(der).digest('hex');
    const known = knownCertificate(der, sha256Hex);
    if (known !== undefined) return { ok: true, certificate: known };
    const certificate = parse(new Uint8Array(der), sha256Hex, Buffer.from(sha256Hex, 'hex').toString('base64url'));
    rememberCertificate(der, certificate);
    return { ok: true, certificate };
  } catch (error) {
    const detail = error instanceof Asn1Error ? error.message : `certificate: ${(error as Error)?.message ?? 'unparseable'}`;
    return { ok: false, code: 'malformed_certificate', detail };
  }
}

function parse(der: Uint8Array, sha256Hex: string, sha256Base64Url: string): ParsedCertificate {
  const [tbs, signatureAlgorithm, signatureValue] = sequenceOf(decodeDer(der, 'certificate'), 'certificate', 3, 3);
  const fields = childrenOf(tbs, TAG.sequence, 'tbsCertificate');
  const explicitVersion = fields.length > 0 && isTagged(fields[0], CONTEXT, 0);
  const version = explicitVersion ? readVersion(fields[0]) : 1;
  let index = explicitVersion ? 1 : 0;
  const serialNumber = readIntegerBytes(tbsField(fields, index++, 'serialNumber'), 'serialNumber');
  const tbsSignature = tbsField(fields, index++, 'signature');
  const issuer = parseName(tbsField(fields, index++, 'issuer'), 'issuer');
  const [notBeforeNode, notAfterNode] = sequenceOf(tbsField(fields, index++, 'validity'), 'validity', 2, 2);
  const notBefore = parseTime(notBeforeNode, 'validity');
  const notAfter = parseTime(notAfterNode, 'validity');
  const subject = parseName(tbsField(fields, index++, 'subject'), 'subject');
  const spki = describePublicKey(tbsField(fields, index++, 'subjectPublicKeyInfo'));
  const optional = readOptionalFields(fields, index);
  const extensions = parseExtensions(optional.extensions);
  return Object.freeze({
    der,
    version,
    serialNumber,
    serialNumberHex: toHex(serialNumber[0] === 0 && serialNumber.length > 1 ? serialNumber.subarray(1) : serialNumber),
    subject,
    issuer,
    subjectDn: formatName(subject),
    issuerDn: formatName(issuer),
    subjectCN: single(attributeValues(subject, OID.commonName)),
    subjectO: single(attributeValues(subject, OID.organization)),
    notBefore,
    notAfter,
    sha256Hex,
    sha256Base64Url,
    isCA: extensions.basicConstraints?.ca === true,
    selfIssued: namesMatch(issuer, subject),
    hasUniqueIdentifiers: optional.uniqueIdentifiers,
    extensions,
    signatureAlgorithm: identifySignatureAlgorithm(signatureAlgorithm),
    tbsSignatureAlgorithmDer: rawDer(tbsSignature),
    tbsDer: rawDer(tbs),
    signatureValue: readBitString(signatureValue, 'signatureValue'),
    spkiDer: spki.spkiDer,
    publicKey: spki.description,
  });
}

function tbsField(fields: readonly Asn1Node[], index: number, what: string): Asn1Node {
  const field = fields[index];
  if (field === undefined) throw new Asn1Error(`tbsCertificate: missing ${what}`);
  return field;
}

/** RFC 5280 §4.1.2.1: `[0] EXPLICIT Version DEFAULT v1`; DER forbids encoding the default. */
function readVersion(node: Asn1Node): 2 | 3 {
  const [inner, ...rest] = childrenOf(node, 0, 'version', CONTEXT);
  if (inner === undefined || rest.length > 0) throw new Asn1Error('version: malformed');
  const value = readSmallNonNegativeInteger(inner, 'version');
  if (value === 0) throw new Asn1Error('version: v1 encoded explicitly (not DER)');
  if (value > 2) throw new Asn1Error(`version: unknown version ${value + 1}`);
  return (value + 1) as 2 | 3;
}

/** `[1] issuerUniqueID`, `[2] subjectUniqueID`, `[3] extensions`, each optional and in this order. */
function readOptionalFields(fields: readonly Asn1Node[], from: number): { uniqueIdentifiers: boolean; extensions: Asn1Node | undefined } {
  let uniqueIdentifiers = false;
  let extensions: Asn1Node | undefined;
  let lastTag = 0;
  for (let index = from; index < fields.length; index++) {
    const field = fields[index];
    const tag = field.tagNumber;
    if (field.tagClass !== CONTEXT || tag <= lastTag || tag > 3) throw new Asn1Error('tbsCertificate: unexpected field');
    lastTag = tag;
    if (tag === 3) {
      const [inner, ...rest] = childrenOf(field, 3, 'extensions', CONTEXT);
      if (inner === undefined || rest.length > 0) throw new Asn1Error('extensions: malformed');
      extensions = inner;
    } else {
      readUniqueIdentifier(field);
      uniqueIdentifiers = true;
    }
  }
  return { uniqueIdentifiers, extensions };
}

/** UniqueIdentifier is an IMPLICIT BIT STRING: primitive, first octet counts unused bits. */
function readUniqueIdentifier(field: Asn1Node): void {
  const content = primitiveContent(field, field.tagNumber, 'unique identifier', CONTEXT);
  if (content.length === 0 || content[0] > 7) throw new Asn1Error('unique identifier: invalid BIT STRING');
}

function single(values: string[]): string | undefined {
  return values.length === 1 ? values[0] : undefined;
}
