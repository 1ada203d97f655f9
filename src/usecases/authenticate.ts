import { parseApiKey, secretsEqual, sha256Hex } from '../domain/api-key-format';
import { DependencyError, DomainError } from '../errors';
import { logger } from '../observability';
import type { AdminKeySource, ApiKeyLookup, StoredApiKey } from './ports';

export type Principal = { kind: 'admin' } | { kind: 'org'; orgId: string; keyId: string };

/**
 * An org key's lastUsedAt is at most this stale (README "Admin API"): it is
 * written on a successful authentication only when the stored value is missing
 * or older, so a busy key costs one write per 5 minutes, not one per request.
 */
export const LAST_USED_GRANULARITY_MS = 5 * 60 * 1000;

/** A container re-reads the admin keys once its copy is this old, so a retired key stops working at most this long after the rotation that retires it. */
export const ADMIN_KEYS_MAX_AGE_MS = 5 * 60 * 1000;

/**
 * A key matching neither cached admin key re-reads the keys, so a key made by
 * a rotation a moment ago works at once; at most once per this interval per
 * container, so unknown keys cannot turn into a flood of Secrets Manager reads.
 * Also the retry interval of a failed periodic re-read.
 */
export const ADMIN_KEYS_REFRESH_INTERVAL_MS = 60 * 1000;

interface AdminKeyHashes {
  readonly hashes: readonly string[];
  readonly readAt: number;
}

export class ApiKeyAuthenticator {
  private adminKeyHashes?: AdminKeyHashes;
  private adminKeysReading?: Promise<AdminKeyHashes>;
  private lastReadAttemptAt = Number.NEGATIVE_INFINITY;
  private lastMissReadAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly adminKeys: AdminKeySource,
    private readonly keys: ApiKeyLookup,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async authenticate(presented: string | undefined): Promise<Principal> {
    if (!presented) throw new DomainError('missing_api_key', 'X-API-Key header is required');
    if (presented.length > 256) throw invalidKey();
    const orgKey = parseApiKey(presented);
    if (orgKey) {
      // Read on every request, never cached: a revoked key fails the very next request (docs/contract.md §3.5).
      const stored = await this.keys.findApiKey(orgKey.keyId);
      if (stored && secretsEqual(orgKey.secret, stored.secretHash)) {
        await this.recordUse(stored);
        return { kind: 'org', orgId: stored.orgId, keyId: orgKey.keyId };
      }
      throw invalidKey();
    }
    if (await this.isAdminKey(presented)) return { kind: 'admin' };
    throw invalidKey();
  }

  /** Best effort: bookkeeping never fails the request it describes. */
  private async recordUse(key: StoredApiKey): Promise<void> {
    const now = this.clock();
    const staleBefore = now.getTime() - LAST_USED_GRANULARITY_MS;
    if (key.lastUsedAt !== undefined && Date.parse(key.lastUsedAt) >= staleBefore) return;
    try {
      const { keyId, orgId, createdAt } = key;
      await this.keys.recordUse({ keyId, orgId, createdAt }, now.toISOString(), new Date(staleBefore).toISOString());
    } catch (error) {
      logger.warn('lastUsedAt not recorded', { keyId: key.keyId, dependency: error instanceof DependencyError ? error.dependency : undefined });
    }
  }

  private async isAdminKey(presented: string): Promise<boolean> {
    const now = this.clock().getTime();
    let known = this.adminKeyHashes;
    let readNow = false;
    if (!known) {
      known = await this.readAdminKeys(now); // cold start: a failure is a 503, retried on the next request
      readNow = true;
    } else if (now - known.readAt >= ADMIN_KEYS_MAX_AGE_MS && now - this.lastReadAttemptAt >= ADMIN_KEYS_REFRESH_INTERVAL_MS) {
      try {
        known = await this.readAdminKeys(now);
        readNow = true;
      } catch (error) {
        // Availability over freshness: the keys read last stay valid until Secrets Manager answers again.
        logger.warn('admin keys not refreshed', { dependency: error instanceof DependencyError ? error.dependency : undefined });
      }
    }
    if (matchesAny(presented, known.hashes)) return true;
    if (readNow) return false;
    const [cached, reading] = [known, this.adminKeysReading];
    if (reading) return matchesAny(presented, (await reading.catch(() => cached)).hashes);
    if (now - this.lastMissReadAt < ADMIN_KEYS_REFRESH_INTERVAL_MS) return false;
    this.lastMissReadAt = now;
    return matchesAny(presented, (await this.readAdminKeys(now)).hashes);
  }

  /** One read at a time per container; concurrent requests share it. */
  private readAdminKeys(now: number): Promise<AdminKeyHashes> {
    if (!this.adminKeysReading) {
      this.lastReadAttemptAt = now;
      this.adminKeysReading = Promise.resolve()
        .then(() => this.adminKeys())
        .then(({ current, previous }) => {
          const hashes = [current, previous].filter((key): key is string => !!key).map((key) => sha256Hex(key));
          this.adminKeyHashes = { hashes, readAt: now };
          return this.adminKeyHashes;
        })
        .finally(() => {
          this.adminKeysReading = undefined;
        });
    }
    return this.adminKeysReading;
  }
}

/** Compares against every hash, whichever matches, so timing tells nothing about which key was presented. */
function matchesAny(presented: string, hashes: readonly string[]): boolean {
  let matched = false;
  for (const hash of hashes) matched = secretsEqual(presented, hash) || matched;
  return matched;
}

function invalidKey(): DomainError {
  return new DomainError('invalid_api_key', 'the API key is not valid');
}

export function requireAdmin(principal: Principal): void {
  if (principal.kind !== 'admin') throw new DomainError('forbidden', 'this operation requires the global admin API key');
}

export function requireOrgAccess(principal: Principal, orgId: string): void {
  if (principal.kind === 'admin') return;
  if (principal.orgId !== orgId) throw new DomainError('forbidden', 'this API key may only act on its own organisation');
}
