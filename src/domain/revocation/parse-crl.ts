import { createHash } from 'node:crypto';
import { Asn1Error, type BitString, decodeDer } from '../chain/asn1';
import { type DistinguishedName, formatName, parseName } from '../chain/distinguished-name';
import { tryParseCertificate } from '../chain/parse-certificate';
import { identifySignatureAlgorithm, type SignatureAlgorithmInfo } from '../chain/signature-algorithm';
import { type ParsedCrlEntry, parseEntries } from './crl-entries';
import { type CrlExtensions, parseCrlExtensions } from './crl-extensions';
import { decodeCrlInput } from './crl-input';
import { childrenOf, content, DER, encoding, expectTlv, integerContent, malformed, readTime, type Tlv } from './der-reader';
import { CrlImportError } from './error-codes';

/** A decoded CertificateList ([RFC 5280 §5.1](https://www.rfc-editor.org/rfc/rfc5280#section-5.1)); nothing about it is checked yet but its encoding. */
export interface ParsedCrl {
  readonly der: Uint8Array;
  readonly sha256Hex: string;
  readonly version: 1 | 2;
  /** Outer `signatureAlgorithm`. */
  readonly signatureAlgorithm: SignatureAlgorithmInfo;
  /** Encoding of TBSCertList.signature, which MUST equal the outer one ([RFC 5280 §5.1.1.2](https://www.rfc-editor.org/rfc/rfc5280#section-5.1.1.2)). */
  readonly tbsSignatureAlgorithmDer: Uint8Array;
  readonly tbsDer: Uint8Array;
  readonly signatureValue: BitString;
  readonly issuer: DistinguishedName;
  /** RFC 4514 form. */
  readonly issuerDn: string;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  readonly extensions: CrlExtensions;
  /** In encoded order, duplicates and removeFromCRL entries included. */
  readonly entries: readonly ParsedCrlEntry[];
}

/**
 * Decodes one CRL, PEM or DER. Throws CrlImportError: `crl_is_certificate`
 * for a certificate given instead, `crl_malformed` for anything that is not
 * a DER CertificateList, and the input codes of `decodeCrlInput`.
 */
export function parseCrl(bytes: Uint8Array): ParsedCrl {
  const der = new Uint8Array(decodeCrlInput(bytes));
  try {
    return parse(der);
  } catch (error) {
    if (tryParseCertificate(der).ok) throw new CrlImportError('crl_is_certificate', 'the file is a certificate, not a CRL');
    if (error instanceof CrlImportError) throw error;
    if (error instanceof Asn1Error) throw new CrlImportError('crl_malformed', error.message);
    throw new CrlImportError('crl_malformed', `CRL: ${(error as Error)?.message ?? 'unparseable'}`);
  }
}

function parse(der: Uint8Array): ParsedCrl {
  const outer = expectTlv(der, 0, der.length, DER.sequence, 'CertificateList');
  if (outer.end !== der.length) throw malformed('CertificateList', `${der.length - outer.end} trailing byte(s)`);
  const [tbs, algorithm, signature, ...extra] = childrenOf(der, outer, 'CertificateList');
  if (signature === undefined || extra.length > 0) throw malformed('CertificateList', 'wrong number of fields');
  if (tbs.tag !== DER.sequence) throw malformed('tbsCertList', 'not a SEQUENCE');
  const fields = tbsFields(der, tbs);
  return {
    der,
    sha256Hex: createHash('sha256').update(der).digest('hex'),
    version: fields.version,
    signatureAlgorithm: identifySignatureAlgorithm(decodeDer(encoding(der, algorithm), 'signatureAlgorithm')),
    tbsSignatureAlgorithmDer: encoding(der, fields.signature),
    tbsDer: encoding(der, tbs),
    signatureValue: readSignatureValue(der, signature),
    issuer: fields.issuer,
    issuerDn: formatName(fields.issuer),
    thisUpdate: fields.thisUpdate,
    nextUpdate: fields.nextUpdate,
    extensions: fields.extensions,
    entries: fields.entries,
  };
}

interface TbsFields {
  version: 1 | 2;
  signature: Tlv;
  issuer: DistinguishedName;
  thisUpdate: Date;
  nextUpdate: Date | undefined;
  entries: ParsedCrlEntry[];
  extensions: CrlExtensions;
}

/** TBSCertList: version OPTIONAL, signature, issuer, thisUpdate, nextUpdate OPTIONAL, revokedCertificates OPTIONAL, [0] crlExtensions OPTIONAL. */
function tbsFields(der: Uint8Array, tbs: Tlv): TbsFields {
  const fields = childrenOf(der, tbs, 'tbsCertList');
  let index = 0;
  const peek = (): Tlv | undefined => fields[index];
  const next = (what: string): Tlv => {
    const field = fields[index++];
    if (field === undefined) throw malformed('tbsCertList', `missing ${what}`);
    return field;
  };
  const version = peek()?.tag === DER.integer ? readVersion(der, next('version')) : 1;
  const signature = next('signature');
  if (signature.tag !== DER.sequence) throw malformed('tbsCertList', 'signature is not an AlgorithmIdentifier');
  // Validates the inner AlgorithmIdentifier too; the check that it equals the outer one comes later.
  identifySignatureAlgorithm(decodeDer(encoding(der, signature), 'tbsCertList.signature'));
  const issuer = parseName(decodeDer(encoding(der, next('issuer')), 'issuer'), 'issuer');
  const thisUpdate = readTime(der, next('thisUpdate'), 'thisUpdate');
  const isTime = (t: Tlv | undefined): boolean => t?.tag === DER.utcTime || t?.tag === DER.generalizedTime;
  const nextUpdate = isTime(peek()) ? readTime(der, next('nextUpdate'), 'nextUpdate') : undefined;
  const entries = peek()?.tag === DER.sequence ? parseEntries(der, next('revokedCertificates'), version) : [];
  let extensions: CrlExtensions = { all: [] };
  if (peek()?.tag === DER.context0) {
    if (version === 1) throw malformed('tbsCertList', 'crlExtensions in a v1 CRL (RFC 5280 §5.1.2.1)');
    const [inner, ...rest] = childrenOf(der, next('crlExtensions'), 'crlExtensions');
    if (inner === undefined || rest.length > 0) throw malformed('crlExtensions', 'malformed [0] EXPLICIT wrapper');
    extensions = parseCrlExtensions(encoding(der, inner));
  }
  if (index !== fields.length) throw malformed('tbsCertList', 'unexpected field');
  return { version, signature, issuer, thisUpdate, nextUpdate, entries, extensions };
}

/** `version Version OPTIONAL -- if present, MUST be v2` ([RFC 5280 §5.1.2.1](https://www.rfc-editor.org/rfc/rfc5280#section-5.1.2.1)); v1 is the absent field. */
function readVersion(der: Uint8Array, field: Tlv): 2 {
  const value = integerContent(der, field, 'version');
  if (value.length !== 1 || value[0] !== 1) throw malformed('version', 'only v2 may be encoded (v1 CRLs omit the field)');
  return 2;
}

function readSignatureValue(der: Uint8Array, field: Tlv): BitString {
  if (field.tag !== DER.bitString) throw malformed('signatureValue', 'not a BIT STRING');
  const value = content(der, field);
  if (value.length < 2 || value[0] > 7) throw malformed('signatureValue', 'invalid BIT STRING');
  return { unusedBits: value[0], bytes: value.subarray(1) };
}
