import { JWKS_MAX_AGE_SECONDS, MAX_POOL_SIGNING_KEYS, ROTATION_MARGIN_SECONDS } from '../../../src/domain/signing-keys';
import { DependencyError, DomainError } from '../../../src/errors';
import type { Principal } from '../../../src/usecases/authenticate';
import { SigningKeyService } from '../../../src/usecases/signing-keys';
import { FakePools, FakeVault, LEGACY } from './signing-key-fakes';

/* docs/contract.md §3.5/§4.6: rotation, listing and sweeping of a pool's keys, with an injected clock and in-memory ports. */
const ADMIN: Principal = { kind: 'admin' };
const ORG_KEY: Principal = { kind: 'org', orgId: 'acme', keyId: 'k0123456789abcdef' };
const T0 = Date.parse('2031-03-01T00:00:00.000Z');
const LIFETIME = 3600;
const DELAY = (JWKS_MAX_AGE_SECONDS + ROTATION_MARGIN_SECONDS) * 1000;

function setup() {
  const vault = new FakeVault();
  const pools = new FakePools();
  let now = T0;
  const service = new SigningKeyService({ directory: pools, keyList: pools, vault, tokenLifetimeSeconds: LIFETIME, clock: () => new Date(now) });
  return {
    vault,
    pools,
    service,
    advance: (ms: number) => (now += ms),
    now: () => now,
    async newPool(poolId = 'pool-a') {
      pools.add(poolId, [await service.provision(poolId)]);
      return poolId;
    },
  };
}

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof DomainError ? error.code : error instanceof DependencyError ? `dependency:${error.dependency}` : String(error)),
  );

describe('SigningKeyService', () => {
  it('provisions a pool key that is active at once', async () => {
    const { service, vault } = setup();
    expect(await service.provision('pool-a')).toEqual({
      keyArn: vault.created[0].keyArn,
      kid: 'kid-1',
      alg: 'ES256',
      alias: 'alias/device-idp/test/pool-a/1',
      createdAt: new Date(T0).toISOString(),
      activatesAt: new Date(T0).toISOString(),
    });
  });

  it('rotates: 202 data names the active and next kid; the next key is listed at once and activates after max-age + margin', async () => {
    const { service, pools, newPool, advance } = setup();
    const pool = await newPool();
    advance(1000);
    const result = await service.rotate(ADMIN, pool);
    const activatesAt = new Date(T0 + 1000 + DELAY).toISOString();
    expect(result).toEqual({ activeKid: 'kid-1', nextKid: 'kid-2', activatesAt });
    expect(pools.keys(pool)?.map((k) => [k.kid, k.alias, k.activatesAt])).toEqual([
      ['kid-1', 'alias/device-idp/test/pool-a/1', new Date(T0).toISOString()],
      ['kid-2', 'alias/device-idp/test/pool-a/2', activatesAt],
    ]);
    expect(await service.list(ADMIN, pool)).toEqual([
      {
        kid: 'kid-1',
        status: 'active',
        createdAt: new Date(T0).toISOString(),
        activatesAt: new Date(T0).toISOString(),
        retiresAt: new Date(T0 + 1000 + DELAY + LIFETIME * 1000).toISOString(),
      },
      { kid: 'kid-2', status: 'next', createdAt: new Date(T0 + 1000).toISOString(), activatesAt },
    ]);
  });

  it('refuses a rotation while a next key is pending (409 rotation_in_progress), creating no key', async () => {
    const { service, vault, newPool, advance } = setup();
    const pool = await newPool();
    await service.rotate(ADMIN, pool);
    advance(DELAY - 1);
    expect(await code(service.rotate(ADMIN, pool))).toBe('rotation_in_progress');
    expect(vault.created).toHaveLength(2);
    advance(1);
    expect((await service.rotate(ADMIN, pool)).activeKid).toBe('kid-2');
  });

  it('lists the previous key as retiring until its successor activatesAt + the token lifetime, then not at all', async () => {
    const { service, newPool, advance } = setup();
    const pool = await newPool();
    await service.rotate(ADMIN, pool);
    advance(DELAY);
    expect((await service.list(ADMIN, pool)).map((k) => [k.kid, k.status])).toEqual([
      ['kid-1', 'retiring'],
      ['kid-2', 'active'],
    ]);
    advance(LIFETIME * 1000 - 1);
    expect((await service.list(ADMIN, pool)).map((k) => k.status)).toEqual(['retiring', 'active']);
    advance(1);
    expect((await service.list(ADMIN, pool)).map((k) => [k.kid, k.status])).toEqual([['kid-2', 'active']]);
  });

  it('is for the admin key only, and 404 for an unknown pool, before any key is created', async () => {
    const { service, vault, newPool } = setup();
    const pool = await newPool();
    expect(await code(service.rotate(ORG_KEY, pool))).toBe('forbidden');
    expect(await code(service.list(ORG_KEY, pool))).toBe('forbidden');
    expect(await code(service.rotate(ADMIN, 'pool-nope'))).toBe('pool_not_found');
    expect(await code(service.list(ADMIN, '../etc'))).toBe('pool_not_found');
    expect(vault.created).toHaveLength(1);
  });

  it('removes retired keys at the next rotation and schedules their KMS keys for deletion', async () => {
    const { service, pools, vault, newPool, advance } = setup();
    const pool = await newPool();
    await service.rotate(ADMIN, pool);
    advance(DELAY + LIFETIME * 1000 + ROTATION_MARGIN_SECONDS * 1000);
    await service.rotate(ADMIN, pool);
    expect(pools.keys(pool)?.map((k) => k.kid)).toEqual(['kid-2', 'kid-3']);
    expect(vault.scheduled).toEqual([vault.created[0].keyArn]);
  });

  it('sweeps a retired key only a margin after retirement, and never while the list changed under it', async () => {
    const { service, pools, vault, newPool, advance } = setup();
    const pool = await newPool();
    await service.rotate(ADMIN, pool);
    advance(DELAY + LIFETIME * 1000 + ROTATION_MARGIN_SECONDS * 1000 - 1);
    expect(await service.sweep(pool)).toBe(0);
    advance(1);
    // Another writer changed the list (here: its order) between the sweep's read and its write.
    pools.beforeWrite.push(() => {
      const current = pools.pools.get(pool)!;
      pools.pools.set(pool, { ...current, signingKeys: [...current.signingKeys!].reverse() });
    });
    expect(await service.sweep(pool)).toBe(0);
    expect(vault.scheduled).toEqual([]);
    expect(await service.sweep(pool)).toBe(1);
    expect(pools.keys(pool)?.map((k) => k.kid)).toEqual(['kid-2']);
    expect(vault.scheduled).toEqual([vault.created[0].keyArn]);
    expect(await service.sweepAll()).toEqual({ pools: 1, removed: 0, failed: 0 });
  });

  it('of two concurrent rotations exactly one is recorded; the other answers 409 and its key is scheduled for deletion', async () => {
    const { service, pools, vault, newPool } = setup();
    const pool = await newPool();
    let second: Promise<unknown> | undefined;
    // The second rotation runs to completion while the first is about to write.
    pools.beforeWrite.push(async () => {
      second = service.rotate(ADMIN, pool);
      await second;
    });
    const first = code(service.rotate(ADMIN, pool));
    expect(await first).toBe('rotation_in_progress');
    expect(await code(second!)).toBe('resolved');
    expect(pools.keys(pool)?.map((k) => k.kid)).toEqual(['kid-1', 'kid-3']);
    expect(vault.scheduled).toEqual([vault.created[1].keyArn]);
  });

  it('recognises its own write when the answer was lost and the SDK retry found the condition failed', async () => {
    const { service, pools, vault, newPool } = setup();
    const pool = await newPool();
    pools.loseNextAnswer = true;
    expect((await service.rotate(ADMIN, pool)).nextKid).toBe('kid-2');
    expect(pools.keys(pool)?.map((k) => k.kid)).toEqual(['kid-1', 'kid-2']);
    expect(vault.scheduled).toEqual([]);
  });

  it('keeps the new key when the write failed without an answer (it may have been applied), and answers 503', async () => {
    const { service, pools, vault, newPool } = setup();
    const pool = await newPool();
    pools.writeFailure = new DependencyError('dynamodb', new Error('timeout'));
    expect(await code(service.rotate(ADMIN, pool))).toBe('dependency:dynamodb');
    expect(vault.created).toHaveLength(2);
    expect(vault.scheduled).toEqual([]);
  });

  it('answers 503 and creates nothing when KMS is down', async () => {
    const { service, pools, vault, newPool } = setup();
    const pool = await newPool();
    vault.createFailure = new DependencyError('kms', new Error('down'));
    expect(await code(service.rotate(ADMIN, pool))).toBe('dependency:kms');
    expect(pools.writes).toEqual([]);
  });

  it(`refuses to publish more than ${MAX_POOL_SIGNING_KEYS} keys (409 too_many_signing_keys)`, async () => {
    const { service, newPool, advance } = setup();
    const pool = await newPool();
    for (let i = 1; i < MAX_POOL_SIGNING_KEYS; i++) {
      await service.rotate(ADMIN, pool);
      advance(DELAY);
    }
    expect(await code(service.rotate(ADMIN, pool))).toBe('too_many_signing_keys');
  });

  describe('a pool created before per-pool keys (the shared legacy key)', () => {
    it('is listed with the shared key as its only, active key', async () => {
      const { service, pools } = setup();
      pools.add('pool-old');
      expect(await service.list(ADMIN, 'pool-old')).toEqual([{ kid: LEGACY.kid, status: 'active', createdAt: LEGACY.createdAt, shared: true }]);
    });

    it('rotation records the shared key as active and adds its own next key; the shared key is never scheduled for deletion', async () => {
      const { service, pools, vault, advance } = setup();
      pools.add('pool-old');
      expect(await service.rotate(ADMIN, 'pool-old')).toEqual({ activeKid: LEGACY.kid, nextKid: 'kid-1', activatesAt: new Date(T0 + DELAY).toISOString() });
      expect(pools.keys('pool-old')).toEqual([
        { ...LEGACY, activatesAt: LEGACY.createdAt, shared: true },
        expect.objectContaining({ kid: 'kid-1', alias: 'alias/device-idp/test/pool-old/1' }),
      ]);
      advance(DELAY + LIFETIME * 1000 + ROTATION_MARGIN_SECONDS * 1000);
      expect(await service.sweep('pool-old')).toBe(1);
      expect(pools.keys('pool-old')?.map((k) => k.kid)).toEqual(['kid-1']);
      expect(vault.scheduled).toEqual([]);
    });

    it('two concurrent migrations of one pool record one next key', async () => {
      const { service, pools, vault } = setup();
      pools.add('pool-old');
      const results = await Promise.all([code(service.rotate(ADMIN, 'pool-old')), code(service.rotate(ADMIN, 'pool-old'))]);
      expect(results.sort()).toEqual(['resolved', 'rotation_in_progress']);
      expect(pools.keys('pool-old')).toHaveLength(2);
      expect(vault.scheduled).toHaveLength(1);
    });
  });

  it('logs, never throws, when a discarded key cannot be scheduled for deletion', async () => {
    const { service, vault } = setup();
    vault.deletionFailure = new DependencyError('kms', new Error('down'));
    await expect(service.discard({ keyArn: 'arn:x' }, 'test')).resolves.toBeUndefined();
    await service.discard({ keyArn: LEGACY.keyArn, shared: true }, 'test');
    expect(vault.scheduled).toEqual([]);
  });
});
