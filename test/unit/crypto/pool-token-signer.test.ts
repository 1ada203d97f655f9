import { KmsSigningClient } from '../../../src/aws-json/kms-signing-client';
import { KmsSignerCache } from '../../../src/crypto/kms-signer-cache';
import { PoolTokenSigner } from '../../../src/crypto/pool-token-signer';
import { SigningError } from '../../../src/crypto/signing-error';
import type { Pool, PoolSigningKey } from '../../../src/domain/model';
import { FakeVault, LEGACY } from '../usecases/signing-key-fakes';

/* docs/contract.md §4.6: which key signs a pool's token and which keys its JWKS publishes, from the pool item alone. */
const T0 = Date.parse('2031-03-01T00:00:00.000Z');
const LIFETIME = 3600;

describe('PoolTokenSigner', () => {
  const vault = new FakeVault();
  let now = T0;
  const signers = vault.signers();
  const signer = new PoolTokenSigner({ signers, legacyKeyArn: LEGACY.keyArn, tokenLifetimeSeconds: LIFETIME, clock: () => new Date(now) });
  const pool = (signingKeys?: PoolSigningKey[]): Pool => ({
    clientPoolId: 'pool-a',
    orgId: 'o',
    envId: 'e',
    trustEpoch: 0,
    ...(signingKeys ? { signingKeys } : {}),
  });
  const entry = async (activatesAt: number, overrides: Partial<PoolSigningKey> = {}): Promise<PoolSigningKey> => {
    const created = await vault.createKey('pool-a', vault.created.length + 1);
    return { ...created, createdAt: new Date(activatesAt - 360_000).toISOString(), activatesAt: new Date(activatesAt).toISOString(), ...overrides };
  };
  const kidOf = (token: string) => token.split('|')[0];

  it('signs a pool without a key list (created before per-pool keys) with the shared key, and publishes only that', async () => {
    expect(kidOf(await signer.sign(pool(), {}, { iat: T0 / 1000 }))).toBe(LEGACY.kid);
    expect((await signer.jwks(pool())).keys.map((key) => key.kid)).toEqual([LEGACY.kid]);
  });

  it("signs with the key active at the token's iat, and publishes every key not retired", async () => {
    const [first, second] = [await entry(T0), await entry(T0 + 1_000_000)];
    const keys = [first, second];
    expect(kidOf(await signer.sign(pool(keys), {}, { iat: (T0 + 999_999) / 1000 }))).toBe(first.kid);
    expect(kidOf(await signer.sign(pool(keys), {}, { iat: (T0 + 1_000_000) / 1000 }))).toBe(second.kid);
    now = T0 + 1_000_000 + LIFETIME * 1000 - 1;
    expect((await signer.jwks(pool(keys))).keys.map((key) => key.kid)).toEqual([first.kid, second.kid]);
    now += 1;
    expect((await signer.jwks(pool(keys))).keys.map((key) => key.kid)).toEqual([second.kid]);
  });

  it("refuses an empty list (never falls back to the shared key), a recorded kid that is not the key's, and a payload without iat", async () => {
    await expect(signer.sign(pool([]), {}, { iat: T0 / 1000 })).rejects.toBeInstanceOf(SigningError);
    const wrongKid = await entry(T0, { kid: 'not-the-thumbprint' });
    await expect(signer.sign(pool([wrongKid]), {}, { iat: T0 / 1000 })).rejects.toMatchObject({ code: 'invalid_kms_response' });
    await expect(signer.sign(pool([await entry(T0)]), {}, {})).rejects.toBeInstanceOf(TypeError);
  });
});

describe('KmsSignerCache', () => {
  it('keeps one signer per key ARN, bounded, least recently used out first', () => {
    const cache = new KmsSignerCache(new KmsSigningClient({ region: 'us-east-1' }), 2);
    const a = cache.signer('arn:a');
    expect(cache.signer('arn:a')).toBe(a);
    const b = cache.signer('arn:b');
    cache.signer('arn:a');
    cache.signer('arn:c'); // b is the least recently used: out
    expect(cache.size).toBe(2);
    expect(cache.signer('arn:a')).toBe(a);
    expect(cache.signer('arn:b')).not.toBe(b);
  });
});
