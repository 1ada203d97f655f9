import { DomainError } from '../errors';
import type { Pool } from './model';

/** docs/contract.md §3.5: the bounds of a pool's `tokenLifetimeSeconds`, in seconds. */
const TOKEN_LIFETIME_BOUNDS = { min: 60, max: 86_400 } as const;

/** A pool's `tokenLifetimeSeconds` from a PATCH body: an integer within TOKEN_LIFETIME_BOUNDS, else `invalid_field`. */
export function parseTokenLifetime(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < TOKEN_LIFETIME_BOUNDS.min || value > TOKEN_LIFETIME_BOUNDS.max) {
    throw new DomainError('invalid_field', `tokenLifetimeSeconds must be an integer from ${TOKEN_LIFETIME_BOUNDS.min} to ${TOKEN_LIFETIME_BOUNDS.max}`, {
      field: 'tokenLifetimeSeconds',
    });
  }
  return value;
}

/** Seconds a token of `pool` issued now lives: the pool's own lifetime, else the deployment's. */
export function tokenLifetimeOf(pool: Pick<Pool, 'tokenLifetimeSeconds'>, deploymentSeconds: number): number {
  return pool.tokenLifetimeSeconds ?? deploymentSeconds;
}

/**
 * Seconds a pool's signing key stays published after its successor
 * activates: as long as a token it signed may live (src/domain/signing-keys.ts).
 * A pool whose lifetime was ever set may have issued tokens of up to the
 * upper bound before a later PATCH shortened it, so its keys wait for the
 * bound; a pool on the deployment's lifetime waits for that.
 */
export function keyRetentionSeconds(pool: Pick<Pool, 'tokenLifetimeSeconds'>, deploymentSeconds: number): number {
  return pool.tokenLifetimeSeconds === undefined ? deploymentSeconds : Math.max(deploymentSeconds, TOKEN_LIFETIME_BOUNDS.max);
}
