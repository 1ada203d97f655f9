import { bytesEqual } from './asn1';
import { rememberName } from './distinguished-name';
import { LruCache } from './lru-cache';
import type { ParsedCertificate } from './parse-certificate';

/**
 * Certificates parsed before, by the SHA-256 of their DER, so that a
 * function instance parses each root and intermediate once (a pool's CAs
 * repeat in every request) and a request that reads its x5c twice (to plan
 * its read, then to validate) parses it once. Safe because parsing is a pure
 * function of the bytes: a hit is the same bytes (hash, then compared octet
 * by octet), and a ParsedCertificate is never modified (frozen, and nothing
 * writes to its arrays). CA certificates (basicConstraints cA=TRUE) and the
 * others are kept apart: a stream of new device certificates never pushes
 * out the CAs, and the end-entity side is only large enough for the
 * certificates of the last few requests.
 */
const CA_CERTIFICATES = new LruCache<ParsedCertificate>(256);
const OTHER_CERTIFICATES = new LruCache<ParsedCertificate>(16);
/**
 * The arrays most recently parsed, with their certificates: a request hands
 * the same x5c entries and anchors to several readers, which find them here
 * without hashing. A hit is the same array and still the same bytes
 * (compared octet by octet, whatever the caller did to its array meanwhile).
 * A small ring of strong references rather than a WeakMap keyed by every
 * array: a WeakMap entry per request costs the garbage collector more than
 * the hash it saves (measured: 20 µs against 3 µs).
 */
const RECENT_ARRAYS = 8;
const recentArrays: (Uint8Array | undefined)[] = new Array(RECENT_ARRAYS).fill(undefined);
const recentCertificates: (ParsedCertificate | undefined)[] = new Array(RECENT_ARRAYS).fill(undefined);
let nextRecent = 0;

/** The certificate parsed from this very array, if it still holds the same bytes; found without hashing. */
export function recentlyParsed(der: Uint8Array): ParsedCertificate | undefined {
  for (let i = 0; i < RECENT_ARRAYS; i++) {
    if (recentArrays[i] === der) {
      const certificate = recentCertificates[i] as ParsedCertificate;
      return bytesEqual(certificate.der, der) ? certificate : undefined;
    }
  }
  return undefined;
}

function rememberArray(der: Uint8Array, certificate: ParsedCertificate): void {
  recentArrays[nextRecent] = der;
  recentCertificates[nextRecent] = certificate;
  nextRecent = (nextRecent + 1) % RECENT_ARRAYS;
}

/**
 * The CA certificates most recently met, distinct: a pool's intermediate
 * arrives in every request's x5c as a new array, and comparing its bytes
 * with these costs less than hashing them (a hit is the same bytes, octet by
 * octet). A small ring of strong references, like the arrays above.
 */
const RECENT_CAS = 8;
const recentCas: (ParsedCertificate | undefined)[] = new Array(RECENT_CAS).fill(undefined);
let nextRecentCa = 0;

/** A CA certificate met recently whose DER is exactly `der`; found without hashing. */
export function recentCertificateWithBytes(der: Uint8Array): ParsedCertificate | undefined {
  for (let i = 0; i < RECENT_CAS; i++) {
    const certificate = recentCas[i];
    if (certificate !== undefined && bytesEqual(certificate.der, der)) {
      // A use, as a hit in CA_CERTIFICATES is: the pool's CAs outlast a stream of other certificates there too.
      CA_CERTIFICATES.get(certificate.sha256Hex);
      rememberArray(der, certificate);
      return certificate;
    }
  }
  return undefined;
}

function rememberCa(certificate: ParsedCertificate): void {
  if (recentCas.includes(certificate)) return;
  recentCas[nextRecentCa] = certificate;
  nextRecentCa = (nextRecentCa + 1) % RECENT_CAS;
}

/** The certificate parsed before from these bytes (`sha256Hex` is their SHA-256), compared octet by octet. */
export function knownCertificate(der: Uint8Array, sha256Hex: string): ParsedCertificate | undefined {
  const known = CA_CERTIFICATES.get(sha256Hex) ?? OTHER_CERTIFICATES.get(sha256Hex);
  if (known === undefined || !bytesEqual(known.der, der)) return undefined;
  rememberArray(der, known);
  if (known.isCA) rememberCa(known);
  return known;
}

/** Keeps `certificate`, just parsed from `der`; a CA's subject name is kept for the certificates it issued. */
export function rememberCertificate(der: Uint8Array, certificate: ParsedCertificate): void {
  if (certificate.isCA) {
    CA_CERTIFICATES.set(certificate.sha256Hex, certificate);
    rememberName(certificate.subject);
    rememberCa(certificate);
  } else {
    OTHER_CERTIFICATES.set(certificate.sha256Hex, certificate);
  }
  rememberArray(der, certificate);
}

/** How many parsed certificates the process keeps (for tests of the bound). */
export function cachedCertificateCount(): { readonly ca: number; readonly other: number } {
  return { ca: CA_CERTIFICATES.size, other: OTHER_CERTIFICATES.size };
}
