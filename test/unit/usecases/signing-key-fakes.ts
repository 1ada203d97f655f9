import type { PublicSigningJwk, SigningKeyDescription } from '../../../src/crypto/kms-signer';
import type { SignerSource } from '../../../src/crypto/pool-token-signer';
import type { Pool, PoolSigningKey } from '../../../src/domain/model';
import type { DirectoryRepository, SigningKeyListRepository, SigningKeyVault, VaultKey } from '../../../src/usecases/ports';

/**
 * In-memory stand-ins for the pool item's signing-key list (with the
 * DynamoDB adapter's condition: the list must deep-equal the one read) and
 * for KMS (keys, the shared legacy key, scheduled deletions), recording
 * every call so tests assert exactly what was created, written and deleted.
 */
export const LEGACY: VaultKey & { createdAt: string } = {
  keyArn: 'arn:aws:kms:eu-west-1:111111111111:key/legacy',
  kid: 'kid-legacy',
  alg: 'ES256',
  createdAt: '2030-01-01T00:00:00.000Z',
};

export class FakeVault implements SigningKeyVault {
  readonly created: VaultKey[] = [];
  readonly scheduled: string[] = [];
  createFailure?: Error;
  deletionFailure?: Error;

  async createKey(poolId: string, aliasNumber: number): Promise<VaultKey> {
    if (this.createFailure) throw this.createFailure;
    const n = this.created.length + 1;
    const key = {
      keyArn: `arn:aws:kms:eu-west-1:111111111111:key/k${n}`,
      kid: `kid-${n}`,
      alg: 'ES256',
      alias: `alias/device-idp/test/${poolId}/${aliasNumber}`,
    };
    this.created.push(key);
    return { ...key };
  }

  async legacyKey() {
    return { ...LEGACY };
  }

  async scheduleDeletion(keyArn: string): Promise<void> {
    if (keyArn === LEGACY.keyArn) throw new Error('the shared legacy signing key is never scheduled for deletion');
    if (this.deletionFailure) throw this.deletionFailure;
    this.scheduled.push(keyArn);
  }

  kidOf(keyArn: string): string {
    if (keyArn === LEGACY.keyArn) return LEGACY.kid;
    const key = this.created.find((k) => k.keyArn === keyArn);
    if (!key) throw new Error(`unknown key ${keyArn}`);
    return key.kid;
  }

  /** Signers whose "token" is `kid|payload-json`, and whose JWK is just the kid: enough to say who signed what. */
  signers(): SignerSource & { loaded: string[] } {
    const loaded: string[] = [];
    return {
      loaded,
      signer: (keyArn) => ({
        describe: async () => {
          loaded.push(keyArn);
          const kid = this.kidOf(keyArn);
          return {
            keyArn,
            keySpec: 'ECC_NIST_P256',
            alg: 'ES256',
            kid,
            jwk: { kty: 'EC', kid, alg: 'ES256', use: 'sig' } as PublicSigningJwk,
          } satisfies SigningKeyDescription;
        },
        sign: async (_header, payload) => `${this.kidOf(keyArn)}|${JSON.stringify(payload)}`,
      }),
    };
  }
}

export class FakePools implements Pick<DirectoryRepository, 'getPool'>, SigningKeyListRepository {
  readonly pools = new Map<string, Pool>();
  readonly writes: { poolId: string; keys: PoolSigningKey[] }[] = [];
  /** Runs once, just before the next conditional write is evaluated (a concurrent change). */
  beforeWrite: Array<() => Promise<void> | void> = [];
  writeFailure?: Error;
  /** Applies the next write, then answers as if its condition had failed (an SDK retry after a lost answer). */
  loseNextAnswer = false;

  add(poolId: string, signingKeys?: PoolSigningKey[]): void {
    this.pools.set(poolId, { clientPoolId: poolId, orgId: 'acme', envId: poolId, trustEpoch: 0, requireCrl: false, ...(signingKeys ? { signingKeys } : {}) });
  }

  keys(poolId: string): PoolSigningKey[] | undefined {
    return this.pools.get(poolId)?.signingKeys;
  }

  async getPool(poolId: string): Promise<Pool | undefined> {
    const pool = this.pools.get(poolId);
    return pool && structuredClone(pool);
  }

  async replaceSigningKeys(poolId: string, expected: readonly PoolSigningKey[] | undefined, keys: PoolSigningKey[]): Promise<boolean> {
    await this.beforeWrite.shift()?.();
    if (this.writeFailure) throw this.writeFailure;
    const pool = this.pools.get(poolId);
    if (!pool || JSON.stringify(pool.signingKeys) !== JSON.stringify(expected)) return false;
    this.pools.set(poolId, { ...pool, signingKeys: structuredClone(keys) });
    this.writes.push({ poolId, keys: structuredClone(keys) });
    if (this.loseNextAnswer) {
      this.loseNextAnswer = false;
      return false;
    }
    return true;
  }

  async *poolIds(which: 'with-signing-keys' | 'without-signing-keys'): AsyncGenerator<string> {
    for (const [poolId, pool] of this.pools) if ((pool.signingKeys !== undefined) === (which === 'with-signing-keys')) yield poolId;
  }
}
