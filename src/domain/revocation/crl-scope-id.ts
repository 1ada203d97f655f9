import { anchorIdentity } from '../chain/anchor-identity';
import type { DistinguishedName } from '../chain/distinguished-name';
import { LruCache } from '../chain/lru-cache';
import type { ParsedCertificate } from '../chain/parse-certificate';
import { lengthPrefixedSha256 } from './crl-issuer-id';

const SCOPE_LABEL = Buffer.from('device-idp crl scope v1', 'utf8');
const RECORD_LABEL = Buffer.from('device-idp crl v1', 'utf8');

/** The most scope ids a function instance keeps. */
export const SCOPE_ID_CAPACITY = 1024;
/** Names with a longer comparison key are hashed every time: a few hundred entries never hold more than about a megabyte. */
const MAX_CACHED_NAME_LENGTH = 512;
/**
 * Scope ids computed before. Key: anchorIdentity(anchor) (always 64 hex
 * digits) followed by the issuer's comparison key, i.e. exactly what the id
 * is a hash of, so a hit is the id those inputs give. The same few scopes
 * (a pool's roots and the names of its CAs) recur in every token request.
 * Bound: SCOPE_ID_CAPACITY entries, least recently used first out.
 */
const SCOPE_IDS = new LruCache<string>(SCOPE_ID_CAPACITY);

/**
 * The CRL scope of an issuer name under one trust anchor: lowercase hex
 * SHA-256 over a label, anchorIdentity(anchor) (its subject and key,
 * [RFC 5280 §6.1.1 (d)](https://www.rfc-editor.org/rfc/rfc5280#section-6.1.1))
 * and the issuer's normalised name (§7.1), each length-prefixed.
 *
 * [RFC 5280 §6.3.3](https://www.rfc-editor.org/rfc/rfc5280#section-6.3.3):
 * a complete, direct CRL speaks for a certificate when its issuer is the
 * certificate's issuer name ((b)(1)), and its signer's certification path
 * validates to "the same [trust anchor] as the trust anchor for the target
 * certificate" ((f)); serial numbers are unique per issuer name (§4.1.2.2).
 * So the CRLs of one scope are the CRLs of that issuer, whichever of its
 * keys signed them (a separate CRL-signing key, a key before or after a
 * rollover), and a CA of the same name under another anchor is another scope:
 * its CRLs never speak for this one's certificates.
 *
 * The token path computes it from the validated path (its anchor, each
 * certificate's issuer name), an upload from its signer's validated path.
 */
export function crlScopeId(anchor: Pick<ParsedCertificate, 'subject' | 'spkiDer'>, issuerName: Pick<DistinguishedName, 'comparisonKey'>): string {
  const anchorId = anchorIdentity(anchor);
  const name = issuerName.comparisonKey;
  const cacheable = name.length <= MAX_CACHED_NAME_LENGTH;
  const key = anchorId + name;
  const known = cacheable ? SCOPE_IDS.get(key) : undefined;
  if (known !== undefined) return known;
  const scopeId = lengthPrefixedSha256([SCOPE_LABEL, Buffer.from(anchorId, 'hex'), Buffer.from(name, 'utf8')]);
  if (cacheable) SCOPE_IDS.set(key, scopeId);
  return scopeId;
}

/** How many scope ids the process keeps (for the test of the bound). */
export function cachedScopeIdCount(): number {
  return SCOPE_IDS.size;
}

/**
 * The id of a stored CRL (what the admin API lists and deletes by): one per
 * scope and signing key (crlIssuerId of the signer), since a scope keeps the
 * current CRL of each key that signs for it. Lowercase hex SHA-256.
 */
export function crlRecordId(scopeId: string, signerId: string): string {
  return lengthPrefixedSha256([RECORD_LABEL, Buffer.from(scopeId, 'hex'), Buffer.from(signerId, 'hex')]);
}
