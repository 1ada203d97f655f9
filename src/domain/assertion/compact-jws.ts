import { DomainError } from '../../errors';

/** docs/contract.md §4.3: at most 16 KiB of assertion. */
export const MAX_ASSERTION_BYTES = 16 * 1024;
const MAX_X5C_CERTIFICATES = 5;

/** RFC 7518 §3.1 asymmetric algorithms only: `none` and HS* are never accepted. */
export const ALLOWED_ASSERTION_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;
export type AssertionAlg = (typeof ALLOWED_ASSERTION_ALGS)[number];

export interface ParsedAssertion {
  header: { alg: AssertionAlg; x5c: Uint8Array[] };
  claims: Record<string, unknown>;
  signingInput: Buffer;
  signature: Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
// x5c entries are standard base64 (RFC 7515 §4.1.6), not base64url: padded to a multiple of 4
// (checked with the length), so '=' can only end the last quantum. Half the cost of one
// regular expression with nested groups, on the longest strings of the request.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const X5C_WHITESPACE = /[ \t\r\n]/g;
/** base64url, padded or not: refused with its own code (x5c_base64url). */
const X5C_BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

function malformed(message: string): DomainError {
  return new DomainError('assertion_malformed', message);
}

function decodeSegment(segment: string, what: string): Buffer {
  if (!BASE64URL.test(segment) || segment.length % 4 === 1) throw malformed(`${what} is not base64url`);
  return Buffer.from(segment, 'base64url');
}

function decodeJsonObject(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decodeSegment(segment, what).toString('utf8'));
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw malformed(`${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/**
 * Splits and decodes a compact JWS (RFC 7515 §7.1) without trusting anything
 * in it yet: size first, then structure, then the header's algorithm and
 * certificate chain. The signature is checked later, against x5c[0]'s key.
 */
export function parseCompactJws(assertion: string): ParsedAssertion {
  if (Buffer.byteLength(assertion) > MAX_ASSERTION_BYTES) {
    throw new DomainError('assertion_too_large', `assertion exceeds ${MAX_ASSERTION_BYTES} bytes`);
  }
  const parts = assertion.split('.');
  if (parts.length !== 3) throw malformed('assertion must be a compact JWS with three parts (JWE and unsecured JWTs are not accepted)');
  const [headerPart, payloadPart, signaturePart] = parts;
  const header = decodeJsonObject(headerPart, 'JOSE header');
  const claims = decodeJsonObject(payloadPart, 'JWT claims set');
  const signature = decodeSegment(signaturePart, 'signature');

  const alg = header.alg;
  if (typeof alg !== 'string' || !(ALLOWED_ASSERTION_ALGS as readonly string[]).includes(alg)) {
    throw new DomainError('alg_not_allowed', `alg must be one of ${ALLOWED_ASSERTION_ALGS.join(', ')}`);
  }
  // RFC 7515 §4.1.11: extensions we do not understand must not be ignored.
  if (header.crit !== undefined) throw new DomainError('crit_not_supported', 'the crit header parameter is not supported');
  if (header.b64 !== undefined) throw malformed('the b64 header parameter is not supported');
  if (signature.length === 0) throw new DomainError('assertion_signature_invalid', 'the assertion is not signed');

  return {
    header: { alg: alg as AssertionAlg, x5c: decodeX5c(header.x5c) },
    claims,
    signingInput: Buffer.from(assertion.slice(0, headerPart.length + 1 + payloadPart.length), 'ascii'),
    signature,
  };
}

function decodeX5c(x5c: unknown): Uint8Array[] {
  if (x5c === undefined) throw new DomainError('x5c_missing', 'the JOSE header must carry the device certificate chain in x5c');
  if (!Array.isArray(x5c) || x5c.length === 0) throw new DomainError('x5c_malformed', 'x5c must be a non-empty array');
  if (x5c.length > MAX_X5C_CERTIFICATES) {
    throw new DomainError('chain_too_long', `x5c may hold at most ${MAX_X5C_CERTIFICATES} certificates`);
  }
  return x5c.map((entry) => decodeX5cEntry(entry));
}

/**
 * docs/contract.md §4.2: standard base64 DER; whitespace (space, tab, CR, LF) inside an
 * entry is ignored, as libraries such as MSAL wrap it at 64 columns.
 * base64url gets its own code: it is the usual mistake, and says what to fix.
 */
function decodeX5cEntry(entry: unknown): Uint8Array {
  if (typeof entry !== 'string') throw new DomainError('x5c_malformed', 'each x5c entry must be a string of standard base64 DER');
  if (entry.includes('-----BEGIN')) throw new DomainError('x5c_malformed', 'x5c entries are base64 DER, not PEM: leave out the -----BEGIN/END lines');
  const compact = entry.replace(X5C_WHITESPACE, '');
  // Standard base64 holds no "-" or "_", so only an entry that is not standard base64 is asked whether it is base64url.
  const standard = BASE64.test(compact);
  if (!standard && X5C_BASE64URL.test(compact) && /[-_]/.test(compact)) {
    throw new DomainError('x5c_base64url', 'x5c entries are standard base64 (RFC 7515 §4.1.6), not base64url: "-" and "_" are not allowed');
  }
  if (compact.length === 0 || compact.length % 4 !== 0 || !standard) throw new DomainError('x5c_malformed', 'each x5c entry must be standard base64 DER');
  return new Uint8Array(Buffer.from(compact, 'base64'));
}
