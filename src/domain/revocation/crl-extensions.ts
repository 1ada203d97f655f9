import { Asn1Error, decodeDer, readIntegerBytes } from '../chain/asn1';
import { parseExtensions, type RawExtension } from '../chain/extensions';
import { OID } from '../chain/oids';

/** CRL extension OIDs ([RFC 5280 §5.2](https://www.rfc-editor.org/rfc/rfc5280#section-5.2)). */
export const CRL_EXTENSION = {
  authorityKeyIdentifier: OID.authorityKeyIdentifier,
  issuerAltName: OID.issuerAltName,
  crlNumber: '2.5.29.20',
  deltaCrlIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  freshestCrl: OID.freshestCrl,
  authorityInfoAccess: OID.authorityInfoAccess,
} as const;

/** Extensions whose meaning cannot change which certificates a complete CRL revokes; they may be critical or not. */
export const UNDERSTOOD_CRL_EXTENSIONS: ReadonlySet<string> = new Set([
  CRL_EXTENSION.authorityKeyIdentifier, // §5.2.1
  CRL_EXTENSION.issuerAltName, // §5.2.2
  CRL_EXTENSION.crlNumber, // §5.2.3
  CRL_EXTENSION.authorityInfoAccess, // §5.2.7
]);

export interface CrlExtensions {
  /** Every extension, in encoded order. */
  readonly all: readonly RawExtension[];
  /** cRLNumber as a decimal string (up to 20 octets, beyond a JS number). */
  readonly crlNumber?: string;
}

/**
 * Decodes `crlExtensions` strictly with the certificate extension parser
 * (one instance per OID; authorityKeyIdentifier, issuerAltName and
 * authorityInfoAccess share their certificate syntax), then cRLNumber.
 * Throws Asn1Error on anything malformed.
 */
export function parseCrlExtensions(der: Uint8Array | undefined): CrlExtensions {
  if (der === undefined) return { all: [] };
  const extensions = parseExtensions(decodeDer(der, 'crlExtensions'));
  const crlNumber = extensions.all.find((e) => e.oid === CRL_EXTENSION.crlNumber);
  return { all: extensions.all, ...(crlNumber === undefined ? {} : { crlNumber: readCrlNumber(crlNumber.value) }) };
}

export function hasExtension(extensions: CrlExtensions, oid: string): boolean {
  return extensions.all.some((e) => e.oid === oid);
}

/** `CRLNumber ::= INTEGER (0..MAX)`, at most 20 octets ([RFC 5280 §5.2.3](https://www.rfc-editor.org/rfc/rfc5280#section-5.2.3)). */
function readCrlNumber(value: Uint8Array): string {
  const content = readIntegerBytes(decodeDer(value, 'cRLNumber'), 'cRLNumber');
  if ((content[0] & 0x80) !== 0) throw new Asn1Error('cRLNumber: negative');
  if (content.length > 21 || (content.length === 21 && content[0] !== 0)) throw new Asn1Error('cRLNumber: longer than 20 octets');
  return BigInt(`0x${Buffer.from(content).toString('hex')}`).toString(10);
}
