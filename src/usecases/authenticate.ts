import { DependencyError, DomainError } from '../errors';
import { parseApiKey, secretsEqual, sha256Hex } from '../domain/api-key-format';
import { logger } from '../logger';
import type { ApiKeyRepository, StoredApiKey } from './ports';

export type Principal = { kind: 'admin' } | { kind: 'org'; orgId: string; keyId: string };

export type ApiKeyLookup = Pick<ApiKeyRepository, 'findApiKey' | 'recordUse'>;

/**
 * An org key's lastUsedAt is at most this stale (README "Admin API"): it is
 * written on a successful authentication only when the stored value is missing
 * or older, so a busy key costs one write per 5 minutes, not one per request.
 */
export const LAST_USED_GRANULARITY_MS = 5 * 60 * 1000;

/** Resolves the global admin key once per container (env in local mode, Secrets Manager on AWS). */
export type AdminKeySource = () => Promise<string>;

export class ApiKeyAuthenticator {
  private adminKeyHash?: Promise<string>;

  constructor(
    private readonly adminKey: AdminKeySource,
    private readonly keys: ApiKeyLookup,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async authenticate(presented: string | undefined): Promise<Principal> {
    if (!presented) throw new DomainError('missing_api_key', 'X-API-Key header is required');
    if (presented.length > 256) throw invalidKey();
    const orgKey = parseApiKey(presented);
    if (orgKey) {
      // Read on every request, never cached: a revoked key fails the very next request (SPEC §3.5).
      const stored = await this.keys.findApiKey(orgKey.keyId);
      if (stored && secretsEqual(orgKey.secret, stored.secretHash)) {
        await this.recordUse(stored);
        return { kind: 'org', orgId: stored.orgId, keyId: orgKey.keyId };
      }
      throw invalidKey();
    }
    if (secretsEqual(presented, await this.adminHash())) return { kind: 'admin' };
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

  private adminHash(): Promise<string> {
    this.adminKeyHash ??= this.adminKey().then(sha256Hex, (error) => {
      this.adminKeyHash = undefined; // a failed fetch is retried on the next request
      throw error;
    });
    return this.adminKeyHash;
  }
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
