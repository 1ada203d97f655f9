import { Asn1Error, type Asn1Node, CONTEXT, childrenOf, isTagged, rawDer, readIntegerBytes, readNull, readOid, sequenceOf, TAG } from './asn1';
import { OID } from './oids';

type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/**
 * Every signature algorithm the verifier implements. The default policy
 * (docs/contract.md §4.3) accepts the first nine; DSA (RFC 3279 §2.2.2, RFC 5758 §3.1)
 * exists for relying-party profiles that must validate legacy paths (the
 * PKITS conformance run) and is never accepted unless a policy lists it.
 */
export const SIGNATURE_ALGORITHM_NAMES = [
  'rsa-pkcs1-sha256',
  'rsa-pkcs1-sha384',
  'rsa-pkcs1-sha512',
  'rsa-pss-sha256',
  'rsa-pss-sha384',
  'rsa-pss-sha512',
  'ecdsa-sha256',
  'ecdsa-sha384',
  'ecdsa-sha512',
  'dsa-sha1',
  'dsa-sha256',
] as const;

export type SignatureAlgorithmName = (typeof SIGNATURE_ALGORITHM_NAMES)[number];

interface SignatureAlgorithm {
  readonly name: SignatureAlgorithmName;
  readonly scheme: 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa' | 'dsa';
  readonly hash: HashName;
  /** RSA-PSS only (RFC 4055 §3.1). */
  readonly saltLength?: number;
}

export type SignatureAlgorithmInfo =
  | { readonly supported: true; readonly algorithm: SignatureAlgorithm; readonly der: Uint8Array }
  | { readonly supported: false; readonly oid: string; readonly reason: string; readonly der: Uint8Array };

const PKCS1: Readonly<Record<string, HashName>> = {
  [OID.sha256WithRsa]: 'SHA-256',
  [OID.sha384WithRsa]: 'SHA-384',
  [OID.sha512WithRsa]: 'SHA-512',
};
const ECDSA: Readonly<Record<string, HashName>> = {
  [OID.ecdsaWithSha256]: 'SHA-256',
  [OID.ecdsaWithSha384]: 'SHA-384',
  [OID.ecdsaWithSha512]: 'SHA-512',
};
const DSA: Readonly<Record<string, HashName>> = {
  [OID.dsaWithSha1]: 'SHA-1',
  [OID.dsaWithSha256]: 'SHA-256',
};
const HASHES: Readonly<Record<string, HashName>> = {
  [OID.sha256]: 'SHA-256',
  [OID.sha384]: 'SHA-384',
  [OID.sha512]: 'SHA-512',
};
const REFUSED: Readonly<Record<string, string>> = {
  [OID.md2WithRsa]: 'MD2 is broken',
  [OID.md5WithRsa]: 'MD5 is broken',
  [OID.sha1WithRsa]: 'SHA-1 is broken (chosen-prefix collisions)',
  [OID.ecdsaWithSha1]: 'SHA-1 is broken (chosen-prefix collisions)',
  [OID.sha224WithRsa]: 'SHA-224 is not in the accepted set',
  [OID.ecdsaWithSha224]: 'SHA-224 is not in the accepted set',
};

/**
 * Maps a certificate's AlgorithmIdentifier to one of the accepted signature
 * schemes. Anything else is reported as unsupported (never guessed): an
 * algorithm a library would "also accept" is exactly what the policy forbids.
 */
export function identifySignatureAlgorithm(node: Asn1Node): SignatureAlgorithmInfo {
  const [oidNode, params] = sequenceOf(node, 'signature algorithm', 1, 2);
  const oid = readOid(oidNode, 'signature algorithm');
  const der = rawDer(node);
  const identified = identify(oid, params);
  return typeof identified === 'string' ? { supported: false, oid, reason: identified, der } : { supported: true, algorithm: identified, der };
}

/** The accepted algorithm `oid` with `params` names, or the reason it is not accepted. */
function identify(oid: string, params: Asn1Node | undefined): SignatureAlgorithm | string {
  const pkcs1Hash = PKCS1[oid];
  if (pkcs1Hash !== undefined) {
    // RFC 4055 §5: parameters MUST be NULL; implementations MUST accept them absent too.
    if (params !== undefined && !isNull(params)) return 'RSA PKCS#1 v1.5 parameters must be NULL';
    return algorithm(`rsa-pkcs1-${suffix(pkcs1Hash)}`, 'rsa-pkcs1', pkcs1Hash);
  }
  const ecdsaHash = ECDSA[oid];
  if (ecdsaHash !== undefined) {
    // RFC 5758 §3.2: the parameters field MUST be absent.
    if (params !== undefined) return 'ECDSA parameters must be absent';
    return algorithm(`ecdsa-${suffix(ecdsaHash)}`, 'ecdsa', ecdsaHash);
  }
  const dsaHash = DSA[oid];
  if (dsaHash !== undefined) {
    // RFC 3279 §2.2.2, RFC 5758 §3.1: the parameters field MUST be absent.
    if (params !== undefined) return 'DSA signature parameters must be absent';
    return algorithm(`dsa-${suffix(dsaHash)}`, 'dsa', dsaHash);
  }
  if (oid === OID.rsassaPss) {
    if (params === undefined) return 'RSASSA-PSS without parameters means SHA-1';
    const pss = readPssParams(params);
    if (typeof pss === 'string') return pss;
    return algorithm(`rsa-pss-${suffix(pss.hash)}`, 'rsa-pss', pss.hash, pss.saltLength);
  }
  return REFUSED[oid] ?? 'unknown signature algorithm';
}

/** One object per scheme and hash (every certificate of a path shares them); RSA-PSS adds its salt length. */
const ALGORITHMS = new Map<string, SignatureAlgorithm>();

function algorithm(name: string, scheme: SignatureAlgorithm['scheme'], hash: HashName, saltLength?: number): SignatureAlgorithm {
  if (saltLength !== undefined) return { name: name as SignatureAlgorithmName, scheme, hash, saltLength };
  let known = ALGORITHMS.get(name);
  if (known === undefined) {
    known = Object.freeze({ name: name as SignatureAlgorithmName, scheme, hash });
    ALGORITHMS.set(name, known);
  }
  return known;
}

const SUFFIXES: Readonly<Record<HashName, string>> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

function suffix(hash: HashName): string {
  return SUFFIXES[hash];
}

function isNull(node: Asn1Node): boolean {
  if (!isTagged(node, 1, TAG.null)) return false;
  readNull(node, 'algorithm parameters');
  return true;
}

/**
 * RFC 4055 §3.1 RSASSA-PSS-params, every field EXPLICIT and DEFAULTed to
 * SHA-1 values. Accepted: SHA-256/384/512, MGF1 with the same hash (what
 * RFC 4055 §3.1 recommends and every verifier supports), trailerField 1.
 * Returns the reason as a string when the parameters are not acceptable.
 */
function readPssParams(node: Asn1Node): { hash: HashName; saltLength: number } | string {
  let hash: HashName | undefined;
  let mgfHash: HashName | undefined;
  let saltLength = 20;
  let lastTag = -1;
  for (const field of sequenceOf(node, 'RSASSA-PSS parameters', 0, 4)) {
    const tag = field.tagNumber;
    if (field.tagClass !== CONTEXT || tag <= lastTag || tag > 3) throw new Asn1Error('RSASSA-PSS parameters: unexpected field');
    lastTag = tag;
    const [inner, ...rest] = childrenOf(field, tag, 'RSASSA-PSS parameters', CONTEXT);
    if (!inner || rest.length > 0) throw new Asn1Error('RSASSA-PSS parameters: malformed field');
    if (tag === 0) hash = readHashAlgorithm(inner);
    if (tag === 1) {
      const [mgfOid, mgfParams] = sequenceOf(inner, 'RSASSA-PSS maskGenAlgorithm', 1, 2);
      if (readOid(mgfOid, 'maskGenAlgorithm') !== OID.mgf1 || mgfParams === undefined) return 'mask generation function must be MGF1';
      mgfHash = readHashAlgorithm(mgfParams);
    }
    if (tag === 2) saltLength = readSmallInteger(inner, 'saltLength');
    if (tag === 3 && readSmallInteger(inner, 'trailerField') !== 1) return 'trailerField must be 1';
  }
  if (hash === undefined) return 'RSASSA-PSS hash must be SHA-256, SHA-384 or SHA-512 (absent means SHA-1)';
  if (mgfHash !== hash) return 'MGF1 hash must equal the signature hash';
  if (saltLength > 512) return 'salt length out of range';
  return { hash, saltLength };
}

function readHashAlgorithm(node: Asn1Node): HashName | undefined {
  const [oidNode, params] = sequenceOf(node, 'hash algorithm', 1, 2);
  // RFC 4055 §2.1: hash parameters are NULL or absent.
  if (params !== undefined) readNull(params, 'hash algorithm parameters');
  return HASHES[readOid(oidNode, 'hash algorithm')];
}

function readSmallInteger(node: Asn1Node, what: string): number {
  const bytes = readIntegerBytes(node, what);
  if ((bytes[0] & 0x80) !== 0 || bytes.length > 4) return Number.MAX_SAFE_INTEGER;
  let value = 0;
  for (const byte of bytes) value = value * 256 + byte;
  return value;
}
