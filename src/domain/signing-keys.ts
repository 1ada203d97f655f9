import type { PoolSigningKey } from './model';

/**
 * docs/contract.md §4.6 staged rotation, as pure functions of a pool's key list and an
 * instant (the clock is the caller's).
 *
 * Keys are ordered by `activatesAt`. At instant t:
 * - **active**: the last key whose activatesAt ≤ t (the first key when t
 *   precedes them all: the first key of a list is published as long as the
 *   list exists, so nothing signed before it can need another);
 * - **next**: a key whose activatesAt > t, published but not yet signing;
 * - **retiring**: an earlier key, still published until its `retiresAt` =
 *   its successor's activatesAt + the token lifetime;
 * - **retired**: past retiresAt, no longer published.
 *
 * Why that is enough: a token signed at `iat` by the key active then has
 * iat < successor.activatesAt, so its exp = iat + lifetime < retiresAt — the
 * key is published for the token's whole life. A key activates no earlier
 * than the JWKS cache lifetime after it was first published, so a verifier
 * that cached the JWKS before has refreshed it before meeting the new kid.
 */

/** The JWKS and metadata `Cache-Control` max-age (functions/token/app.ts). */
export const JWKS_MAX_AGE_SECONDS = 300;

/**
 * Added to the cache lifetime before a new key signs, and to retiresAt before
 * a retired key leaves the pool item and KMS: the latency of the write that
 * publishes a key and clock skew between the functions.
 */
export const ROTATION_MARGIN_SECONDS = 60;

/** Published keys per pool (bounds the pool item, the JWKS and the KMS bill). */
export const MAX_POOL_SIGNING_KEYS = 10;

export type SigningKeyStatus = 'next' | 'active' | 'retiring' | 'retired';

export interface SigningKeyState {
  key: PoolSigningKey;
  status: SigningKeyStatus;
  /** Known once the key has a successor. */
  retiresAt?: Date;
}

const ms = (iso: string) => Date.parse(iso);

/** Oldest first; ties (never written by this code) broken by createdAt, then kid, so every function agrees. */
function ordered(keys: readonly PoolSigningKey[]): PoolSigningKey[] {
  return [...keys].sort((a, b) => ms(a.activatesAt) - ms(b.activatesAt) || ms(a.createdAt) - ms(b.createdAt) || a.kid.localeCompare(b.kid));
}

export function signingKeyStates(keys: readonly PoolSigningKey[], at: Date, tokenLifetimeSeconds: number): SigningKeyState[] {
  const sorted = ordered(keys);
  const t = at.getTime();
  let active = 0;
  sorted.forEach((key, index) => {
    if (ms(key.activatesAt) <= t) active = index;
  });
  return sorted.map((key, index) => {
    const successor = sorted[index + 1];
    const retiresAt = successor ? new Date(ms(successor.activatesAt) + tokenLifetimeSeconds * 1000) : undefined;
    if (index > active) return { key, status: 'next', retiresAt };
    if (index === active) return { key, status: 'active', retiresAt };
    return { key, status: retiresAt && retiresAt.getTime() <= t ? 'retired' : 'retiring', retiresAt };
  });
}

/** The key that signs a token issued at `at`; undefined only for an empty list. */
export function activeSigningKey(keys: readonly PoolSigningKey[], at: Date): PoolSigningKey | undefined {
  // The token lifetime only matters for retirement, never for which key is active.
  return signingKeyStates(keys, at, 0).find((state) => state.status === 'active')?.key;
}

/**
 * The kid of the key that signs at `at`, for a list that holds one.
 * @throws Error when `keys` is empty: callers pass a list they just wrote or read with a key in it.
 */
export function activeKid(keys: readonly PoolSigningKey[], at: Date): string {
  const key = activeSigningKey(keys, at);
  if (!key) throw new Error('no active signing key in a list expected to hold one');
  return key.kid;
}

/** The keys a pool's JWKS serves at `at`: every key that is not retired. */
export function publishedSigningKeys(keys: readonly PoolSigningKey[], at: Date, tokenLifetimeSeconds: number): PoolSigningKey[] {
  return signingKeyStates(keys, at, tokenLifetimeSeconds)
    .filter((state) => state.status !== 'retired')
    .map((state) => state.key);
}

/** A key published but not yet signing: while there is one, another rotation is refused. */
export function pendingSigningKey(keys: readonly PoolSigningKey[], at: Date): PoolSigningKey | undefined {
  return signingKeyStates(keys, at, 0).find((state) => state.status === 'next')?.key;
}

/** Keys retired for longer than the margin: they may leave the pool item and be scheduled for deletion. */
export function removableSigningKeys(keys: readonly PoolSigningKey[], at: Date, tokenLifetimeSeconds: number): PoolSigningKey[] {
  const horizon = at.getTime() - ROTATION_MARGIN_SECONDS * 1000;
  return signingKeyStates(keys, at, tokenLifetimeSeconds)
    .filter((state) => state.status === 'retired' && state.retiresAt !== undefined && state.retiresAt.getTime() <= horizon)
    .map((state) => state.key);
}

/** When a key published at `now` may start signing. */
export function nextActivation(now: Date): Date {
  return new Date(now.getTime() + (JWKS_MAX_AGE_SECONDS + ROTATION_MARGIN_SECONDS) * 1000);
}

/** The `<n>` of the next key's alias: one more than any alias of the list (the newest key is never removed). */
export function nextAliasNumber(keys: readonly PoolSigningKey[]): number {
  let highest = 0;
  for (const key of keys) {
    const n = Number(/\/(\d+)$/.exec(key.alias ?? '')?.[1] ?? 0);
    if (n > highest) highest = n;
  }
  return highest + 1;
}
