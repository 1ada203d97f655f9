import { Asn1Error, type Asn1Node, childrenOf, primitiveContent, rawDer, readOid, TAG, toHex } from './asn1';
import { LruCache } from './lru-cache';
import { OID } from './oids';

interface NameAttribute {
  readonly type: string;
  /** Decoded text for string types; undefined for other value types. */
  readonly value: string | undefined;
  readonly valueDer: Uint8Array;
}

export interface DistinguishedName {
  /** The exact encoding of the Name as it appears in the certificate. */
  readonly der: Uint8Array;
  /** RDNs in encoded order (most general first, as in the certificate). */
  readonly rdns: readonly (readonly NameAttribute[])[];
  /** Normalised form used for RFC 5280 §7.1 comparison. */
  readonly comparisonKey: string;
}

/**
 * RFC 5280 §4.1.2.4 DirectoryString choices: the only types compared
 * case-insensitively after normalisation (RFC 5280 §7.1, RFC 4518 in spirit).
 */
const DIRECTORY_STRING_TAGS = new Set<number>([TAG.utf8String, TAG.printableString, TAG.teletexString, TAG.bmpString, TAG.universalString]);

const ASCII_TAGS = new Set<number>([TAG.printableString, TAG.ia5String, 18 /* Numeric */, 26 /* Visible */]);

const SHORT_NAMES: Readonly<Record<string, string>> = {
  [OID.commonName]: 'CN',
  [OID.country]: 'C',
  [OID.locality]: 'L',
  [OID.stateOrProvince]: 'ST',
  [OID.street]: 'STREET',
  [OID.organization]: 'O',
  [OID.organizationalUnit]: 'OU',
  [OID.domainComponent]: 'DC',
  [OID.userId]: 'UID',
  [OID.serialNumber]: 'SERIALNUMBER',
  [OID.emailAddress]: 'E',
};

/**
 * The subject names of CA certificates parsed before, by their encoding: a
 * certificate's issuer is its CA's subject, byte for byte, so the issuer of
 * every device certificate is found here. Parsing is a pure function of the
 * bytes and a DistinguishedName is frozen, so one object serves every
 * certificate that encodes the same name (the key is the whole encoding;
 * `der` of a parsed name is a copy, so it holds on to no certificate). Only
 * CA subjects are kept (rememberName): device names, one per device, would
 * only push them out.
 */
const CA_NAMES = new LruCache<DistinguishedName>(256);

/** Parses a Name (RFC 5280 §4.1.2.4): SEQUENCE OF SET SIZE (1..MAX) OF AttributeTypeAndValue. */
export function parseName(node: Asn1Node, what: string): DistinguishedName {
  const known = CA_NAMES.get(latin1(node.bytes.subarray(node.start, node.end)));
  if (known !== undefined) return known;
  const rdns: NameAttribute[][] = [];
  for (const rdnNode of childrenOf(node, TAG.sequence, what)) {
    const attributes = childrenOf(rdnNode, TAG.set, what);
    if (attributes.length === 0) throw new Asn1Error(`${what}: empty relative distinguished name`);
    const rdn: NameAttribute[] = [];
    for (const attribute of attributes) rdn.push(parseAttribute(attribute, what));
    rdns.push(rdn);
  }
  return Object.freeze({ der: new Uint8Array(rawDer(node)), rdns, comparisonKey: comparisonKeyOf(rdns) });
}

/** Keeps `name` (the subject of a CA certificate) for the certificates it issued. */
export function rememberName(name: DistinguishedName): void {
  CA_NAMES.set(latin1(name.der), name);
  formatted.set(name, format(name));
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/**
 * RFC 5280 §7.1: names match when byte-identical or when their RDNs match
 * attribute by attribute after normalising DirectoryString values (case, and
 * insignificant white space). Identical encodings always produce identical keys.
 */
export function namesMatch(a: DistinguishedName, b: DistinguishedName): boolean {
  return a.comparisonKey === b.comparisonKey;
}

export function isEmptyName(name: DistinguishedName): boolean {
  return name.rdns.length === 0;
}

/** All values of one attribute type, in encoded order. */
export function attributeValues(name: DistinguishedName, type: string): string[] {
  const values: string[] = [];
  for (const rdn of name.rdns) for (const attribute of rdn) if (attribute.type === type && attribute.value !== undefined) values.push(attribute.value);
  return values;
}

/** RFC 4514 forms of the names kept by rememberName (few, long-lived: a WeakMap entry per request would cost the GC more). */
const formatted = new WeakMap<DistinguishedName, string>();

/** RFC 4514 string form: most specific RDN first, e.g. `CN=device-1,O=Unit,C=US`. */
export function formatName(name: DistinguishedName): string {
  return formatted.get(name) ?? format(name);
}

function format(name: DistinguishedName): string {
  const rdns: string[] = [];
  for (let i = name.rdns.length - 1; i >= 0; i--) rdns.push(name.rdns[i].map(formatAttribute).join('+'));
  return rdns.join(',');
}

function parseAttribute(node: Asn1Node, what: string): NameAttribute {
  const [typeNode, valueNode, ...rest] = childrenOf(node, TAG.sequence, what);
  if (!typeNode || !valueNode || rest.length > 0) throw new Asn1Error(`${what}: malformed AttributeTypeAndValue`);
  return { type: readOid(typeNode, what), value: decodeString(valueNode, what), valueDer: rawDer(valueNode) };
}

function decodeString(node: Asn1Node, what: string): string | undefined {
  const tag = node.tagNumber;
  if (node.tagClass !== 1 || node.constructed) return undefined;
  if (tag === TAG.utf8String) return decodeUtf8(primitiveContent(node, tag, what), what);
  if (ASCII_TAGS.has(tag)) return decodeAscii(primitiveContent(node, tag, what), what);
  if (tag === TAG.teletexString) return latin1(primitiveContent(node, tag, what));
  if (tag === TAG.bmpString) return decodeUtf16be(primitiveContent(node, tag, what), what);
  if (tag === TAG.universalString) return decodeUtf32be(primitiveContent(node, tag, what), what);
  return undefined;
}

// Invalid text in a name is refused rather than repaired: the subject CN
// becomes the device identity, and two decoders must never disagree on it.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const UTF16BE = new TextDecoder('utf-16be', { fatal: true, ignoreBOM: true });

function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new Asn1Error(`${what}: invalid UTF-8 in UTF8String`);
  }
}

function decodeAscii(bytes: Uint8Array, what: string): string {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) throw new Asn1Error(`${what}: non-ASCII byte in an ASCII string type`);
  return latin1(bytes);
}

function decodeUtf16be(bytes: Uint8Array, what: string): string {
  if (bytes.length % 2 !== 0) throw new Asn1Error(`${what}: odd-length BMPString`);
  try {
    return UTF16BE.decode(bytes);
  } catch {
    throw new Asn1Error(`${what}: invalid BMPString`);
  }
}

function decodeUtf32be(bytes: Uint8Array, what: string): string {
  if (bytes.length % 4 !== 0) throw new Asn1Error(`${what}: UniversalString length not a multiple of 4`);
  const codePoints: number[] = [];
  for (let i = 0; i < bytes.length; i += 4) {
    const cp = ((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new Asn1Error(`${what}: invalid UniversalString`);
    codePoints.push(cp);
  }
  return String.fromCodePoint(...codePoints);
}

function comparisonKeyOf(rdns: readonly (readonly NameAttribute[])[]): string {
  return JSON.stringify(rdns.map(rdnKey));
}

/**
 * One comparison key per RDN, most general first: two RDNs match (RFC 5280
 * §7.1) when their keys are equal. Name constraints compare RDN prefixes
 * (§4.2.1.10: a directoryName subtree holds every name that starts with it).
 */
export function rdnComparisonKeys(name: DistinguishedName): string[] {
  return name.rdns.map((rdn) => JSON.stringify(rdnKey(rdn)));
}

// RDNs are SETs: attribute order inside one RDN is not significant.
function rdnKey(rdn: readonly NameAttribute[]): string[] {
  return rdn.map(attributeKey).sort();
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

function attributeKey(attribute: NameAttribute): string {
  const tag = attribute.valueDer[0] & 0x1f;
  if (attribute.value !== undefined && DIRECTORY_STRING_TAGS.has(tag)) {
    // NFKC leaves printable ASCII as it is: most names skip the Unicode tables.
    const value = PRINTABLE_ASCII.test(attribute.value) ? attribute.value : attribute.value.normalize('NFKC');
    const normalised = value.toLowerCase().trim().replace(/\s+/g, ' ');
    return `${attribute.type}=s:${normalised}`;
  }
  return `${attribute.type}=x:${toHex(attribute.valueDer)}`;
}

function formatAttribute(attribute: NameAttribute): string {
  const shortName = SHORT_NAMES[attribute.type];
  if (shortName === undefined || attribute.value === undefined) {
    return `${attribute.type}=#${toHex(attribute.valueDer)}`;
  }
  return `${shortName}=${escapeValue(attribute.value)}`;
}

/** RFC 4514 §2.4 escaping. */
/** Characters RFC 4514 §2.4 escapes anywhere in a value, and the ends that need it. */
const NEEDS_ESCAPING = /[\\"+,;<>\0]|^[# ]|. $/s;

function escapeValue(value: string): string {
  // Most values (device ids, organisation names) need no escaping at all.
  if (!NEEDS_ESCAPING.test(value)) return value;
  const chars = [...value].map(escapeCharacter);
  if (chars.length > 0 && (chars[0] === '#' || chars[0] === ' ')) chars[0] = `\\${chars[0]}`;
  if (chars.length > 1 && chars[chars.length - 1] === ' ') chars[chars.length - 1] = '\\ ';
  return chars.join('');
}

function escapeCharacter(c: string): string {
  return /[\\"+,;<>]/.test(c) ? `\\${c}` : c === '\0' ? '\\00' : c;
}
