import {
  authorityKeyIdentifierValue,
  defaultScheme,
  FAR_FUTURE,
  type HashAlgorithm,
  type SignatureScheme,
  signatureAlgorithmIdentifier,
  signBytes,
  subjectNameOf,
  type TestCertificate,
} from '../../support/pki';

/**
 * Builds CRLs (RFC 5280 §5.1) byte by byte, so every field can be broken on
 * its own: a small DER encoder rather than pkijs, which also makes a 30,000
 * entry CRL cheap to build. Signed with the issuer's WebCrypto keys.
 */
export const CRL_NOW = new Date('2030-06-15T12:00:00Z');

interface ExtensionSpec {
  readonly oid: string;
  /** 'explicit-false' encodes the DEFAULT FALSE, which DER forbids. */
  readonly critical?: boolean | 'explicit-false';
  /** Forgery: this exact encoding in place of the critical field. */
  readonly criticalDer?: Uint8Array;
  /** DER of the extnValue contents. */
  readonly value: Uint8Array;
}

interface EntrySpec {
  /** Content octets of the INTEGER (two's complement, minimal) or a small non-negative number. */
  readonly serial: Uint8Array | number;
  readonly date?: Date;
  /** CRLReason value (RFC 5280 §5.3.1). */
  readonly reason?: number;
  readonly extensions?: readonly ExtensionSpec[];
  /** Forgery: an empty crlEntryExtensions SEQUENCE (SIZE (1..MAX) forbids it). */
  readonly emptyExtensions?: boolean;
}

export interface CrlSpec {
  /** Signs the CRL and names its issuer. */
  readonly issuer: TestCertificate;
  /** Forgery: claim this issuer Name DER instead. */
  readonly issuerName?: Uint8Array;
  /** Forgery: sign with these keys instead of the issuer's. */
  readonly signWith?: CryptoKeyPair;
  readonly version?: 1 | 2;
  readonly thisUpdate?: Date;
  readonly nextUpdate?: Date | 'absent';
  readonly generalizedTimes?: boolean;
  /** Forgery: this exact encoding as thisUpdate. */
  readonly thisUpdateDer?: Uint8Array;
  readonly entries?: readonly EntrySpec[];
  /** Default 1; absent for v1. */
  readonly crlNumber?: bigint | 'absent';
  /** Appended after authorityKeyIdentifier and cRLNumber. */
  readonly extensions?: readonly ExtensionSpec[];
  readonly signature?: { readonly scheme?: SignatureScheme; readonly hash?: HashAlgorithm };
  /** TBSCertList.signature when it should differ from the outer algorithm. */
  readonly innerAlgorithm?: { readonly scheme: SignatureScheme; readonly hash: HashAlgorithm };
  /** Last chance to break the TBSCertList before it is signed. */
  readonly tamperTbs?: (tbs: Uint8Array) => Uint8Array;
}

export const OIDS = {
  reasonCode: '2.5.29.21',
  invalidityDate: '2.5.29.24',
  holdInstructionCode: '2.5.29.23',
  certificateIssuer: '2.5.29.29',
  crlNumber: '2.5.29.20',
  deltaCrlIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  freshestCrl: '2.5.29.46',
  issuerAltName: '2.5.29.18',
} as const;

export async function makeCrl(spec: CrlSpec): Promise<Uint8Array> {
  const version = spec.version ?? 2;
  const scheme = spec.signature?.scheme ?? defaultScheme(spec.signWith ?? spec.issuer.keys);
  const hash = spec.signature?.hash ?? 'SHA-256';
  const outer = algorithm(scheme, hash);
  const inner = spec.innerAlgorithm === undefined ? outer : algorithm(spec.innerAlgorithm.scheme, spec.innerAlgorithm.hash);
  const time = (date: Date): Uint8Array => encodeTime(date, spec.generalizedTimes === true);
  const nextUpdate = spec.nextUpdate ?? FAR_FUTURE;
  const fields = [
    ...(version === 2 ? [integer(new Uint8Array([1]))] : []),
    inner,
    spec.issuerName ?? subjectNameOf(spec.issuer),
    spec.thisUpdateDer ?? time(spec.thisUpdate ?? new Date('2030-06-01T00:00:00Z')),
    ...(nextUpdate === 'absent' ? [] : [time(nextUpdate)]),
  ];
  if ((spec.entries ?? []).length > 0) fields.push(sequence(...(spec.entries ?? []).map((e) => encodeEntry(e, time))));
  const extensions = version === 2 ? crlExtensions(spec) : (spec.extensions ?? []);
  if (extensions.length > 0) fields.push(tlv(0xa0, sequence(...extensions.map(encodeExtension))));
  let tbs = sequence(...fields);
  tbs = spec.tamperTbs?.(tbs) ?? tbs;
  const signer = spec.signWith ?? spec.issuer.keys;
  const signature = await signBytes(signer.privateKey, scheme, hash, new Uint8Array(tbs));
  return sequence(tbs, outer, tlv(0x03, new Uint8Array([0]), signature));
}

function crlExtensions(spec: CrlSpec): ExtensionSpec[] {
  const list: ExtensionSpec[] = [{ oid: '2.5.29.35', value: authorityKeyIdentifierValue(spec.issuer.keyId) }];
  if (spec.crlNumber !== 'absent') list.push({ oid: OIDS.crlNumber, value: integer(bigIntegerOctets(spec.crlNumber ?? 1n)) });
  return [...list, ...(spec.extensions ?? [])];
}

function encodeEntry(entry: EntrySpec, time: (d: Date) => Uint8Array): Uint8Array {
  const serial = typeof entry.serial === 'number' ? bigIntegerOctets(BigInt(entry.serial)) : entry.serial;
  const extensions = [
    ...(entry.reason === undefined ? [] : [{ oid: OIDS.reasonCode, value: tlv(0x0a, new Uint8Array([entry.reason])) }]),
    ...(entry.extensions ?? []),
  ];
  const list = extensions.length > 0 || entry.emptyExtensions === true ? [sequence(...extensions.map(encodeExtension))] : [];
  return sequence(integer(serial), time(entry.date ?? new Date('2030-05-01T00:00:00Z')), ...list);
}

function encodeExtension(extension: ExtensionSpec): Uint8Array {
  const critical =
    extension.criticalDer !== undefined
      ? [extension.criticalDer]
      : extension.critical === 'explicit-false'
        ? [tlv(0x01, new Uint8Array([0]))]
        : extension.critical
          ? [tlv(0x01, new Uint8Array([0xff]))]
          : [];
  return sequence(oid(extension.oid), ...critical, tlv(0x04, extension.value));
}

function algorithm(scheme: SignatureScheme, hash: HashAlgorithm): Uint8Array {
  return new Uint8Array(signatureAlgorithmIdentifier(scheme, hash).toSchema().toBER(false));
}

/** RFC 5280 §5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050 (or when forced). */
export function encodeTime(date: Date, generalized = false): Uint8Array {
  const iso = date.toISOString();
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const year = date.getUTCFullYear();
  if (!generalized && year >= 1950 && year < 2050) return tlv(0x17, Buffer.from(digits.slice(2), 'latin1'));
  return tlv(0x18, Buffer.from(digits, 'latin1'));
}

/** Minimal two's complement octets of a non-negative value. */
export function bigIntegerOctets(value: bigint): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if (parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export function integer(octets: Uint8Array): Uint8Array {
  return tlv(0x02, octets);
}

export function oid(dotted: string): Uint8Array {
  const [first, second, ...rest] = dotted.split('.').map(BigInt);
  const bytes: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) {
    const chunk = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, new Uint8Array(bytes));
}

export function sequence(...parts: readonly Uint8Array[]): Uint8Array {
  return tlv(0x30, ...parts);
}

/** One DER value: identifier octet, minimal definite length, contents. */
export function tlv(tag: number, ...parts: readonly Uint8Array[]): Uint8Array {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const header = length < 0x80 ? [tag, length] : [tag, ...lengthOctets(length)];
  return new Uint8Array(Buffer.concat([Buffer.from(header), ...parts]));
}

function lengthOctets(length: number): number[] {
  const octets: number[] = [];
  for (let v = length; v > 0; v = Math.floor(v / 256)) octets.unshift(v % 256);
  return [0x80 | octets.length, ...octets];
}

export function toPemCrl(der: Uint8Array): string {
  return `-----BEGIN X509 CRL-----\n${Buffer.from(der)
    .toString('base64')
    .replace(/.{1,64}/g, '$&\n')}-----END X509 CRL-----\n`;
}
