import { DomainError } from '../errors';
import { parseApiKey, secretsEqual, sha256Hex } from '../domain/api-key-format';

export type Principal = { kind: 'admin' } | { kind: 'org'; orgId: string; keyId: string };

export interface ApiKeyLookup {
  findApiKey(keyId: string): Promise<{ orgId: string; secretHash: string } | undefined>;
}

/** Resolves the global admin key once per container (env in local mode, Secrets Manager on AWS). */
export type AdminKeySource = () => Promise<string>;

export class ApiKeyAuthenticator {
  private adminKeyHash?: Promise<string>;

  constructor(
    private readonly adminKey: AdminKeySource,
    private readonly keys: ApiKeyLookup,
  ) {}

  async authenticate(presented: string | undefined): Promise<Principal> {
    if (!presented) throw new DomainError('missing_api_key', 'X-API-Key header is required');
    if (presented.length > 256) throw invalidKey();
    const orgKey = parseApiKey(presented);
    if (orgKey) {
      const stored = await this.keys.findApiKey(orgKey.keyId);
      if (stored && secretsEqual(orgKey.secret, stored.secretHash)) {
        return { kind: 'org', orgId: stored.orgId, keyId: orgKey.keyId };
      }
      throw invalidKey();
    }
    if (secretsEqual(presented, await this.adminHash())) return { kind: 'admin' };
    throw invalidKey();
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
