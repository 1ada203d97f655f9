import { createHash } from 'node:crypto';

/**
 * RFC 7638 JWK thumbprint (SHA-256, base64url). Used as the `kid` of the token
 * signing key: it is derived from the public key alone, so it is stable across
 * cold starts and regions and changes exactly when the key material changes.
 */
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  // RFC 7638 §3.2: only the required members, in lexicographic order.
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
  OKP: ['crv', 'kty', 'x'],
  oct: ['k', 'kty'],
};

export function jwkThumbprint(jwk: Readonly<Record<string, unknown>>): string {
  const kty = jwk.kty;
  const members = typeof kty === 'string' ? REQUIRED_MEMBERS[kty] : undefined;
  if (!members) throw new TypeError(`JWK thumbprint: unsupported kty ${String(kty)}`);
  const canonical: Record<string, string> = {};
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string' || value.length === 0) {
      throw new TypeError(`JWK thumbprint: member "${name}" is missing or not a string`);
    }
    canonical[name] = value;
  }
  // RFC 7638 §3.3: JSON.stringify emits no whitespace and keeps insertion order.
  return createHash('sha256').update(JSON.stringify(canonical), 'utf8').digest('base64url');
}
