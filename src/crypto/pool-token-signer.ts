import type { Pool } from '../domain/model';
import { activeSigningKey, publishedSigningKeys } from '../domain/signing-keys';
import { keyRetentionSeconds } from '../domain/token-lifetime';
import type { KmsJwtSigner, PublicSigningJwk } from './kms-signer';
import { SigningError } from './signing-error';

/** A signer per key ARN: KmsSignerCache (one per container). */
export interface SignerSource {
  signer(keyArn: string): Pick<KmsJwtSigner, 'describe' | 'sign'>;
}

export interface PoolTokenSignerConfig {
  signers: SignerSource;
  /** The stack's shared key: pools created before per-pool keys sign with it until rotated (README). */
  legacyKeyArn: string;
  tokenLifetimeSeconds: number;
  clock: () => Date;
}

/**
 * Signs a pool's access tokens with that pool's active key and publishes
 * that pool's keys only (docs/contract.md §4.6), both from the pool item the request
 * already read. Which key is active, and which are published, is decided by
 * src/domain/signing-keys.ts.
 */
export class PoolTokenSigner {
  constructor(private readonly config: PoolTokenSignerConfig) {}

  /** The key active at the token's `iat`: the token then expires before that key is retired. */
  async sign(pool: Pool, header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> {
    if (typeof payload.iat !== 'number') throw new TypeError('the payload needs a numeric iat');
    const keys = pool.signingKeys;
    if (!keys) return this.config.signers.signer(this.config.legacyKeyArn).sign(header, payload);
    const key = activeSigningKey(keys, new Date(payload.iat * 1000));
    if (!key) throw new SigningError('unsupported_signing_key', `pool ${pool.clientPoolId} has an empty signing-key list`);
    const signer = this.config.signers.signer(key.keyArn);
    // The pool item names the key; the key's own public key decides the kid, and they must agree.
    if ((await signer.describe()).kid !== key.kid) {
      throw new SigningError('invalid_kms_response', `key ${key.keyArn} of pool ${pool.clientPoolId} does not have the recorded kid`);
    }
    return signer.sign(header, payload);
  }

  /** The JWKS as served now: every key of the pool that is not retired. */
  async jwks(pool: Pool): Promise<{ keys: PublicSigningJwk[] }> {
    const keys = pool.signingKeys;
    const arns = keys
      ? publishedSigningKeys(keys, this.config.clock(), keyRetentionSeconds(pool, this.config.tokenLifetimeSeconds)).map((key) => key.keyArn)
      : [this.config.legacyKeyArn];
    const described = await Promise.all(arns.map((arn) => this.config.signers.signer(arn).describe()));
    return { keys: described.map((description) => description.jwk) };
  }
}
