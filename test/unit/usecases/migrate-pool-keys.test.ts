import { JWKS_MAX_AGE_SECONDS, ROTATION_MARGIN_SECONDS } from '../../../src/domain/signing-keys';
import { DependencyError } from '../../../src/errors';
import { migrateLegacyPools } from '../../../src/usecases/migrate-pool-keys';
import { SigningKeyService } from '../../../src/usecases/signing-keys';
import { FakePools, FakeVault, LEGACY } from './signing-key-fakes';

/* README "Migrating existing pools": each pool without a key list is rotated once onto its own key; the others are left alone. */
const T0 = Date.parse('2031-03-01T00:00:00.000Z');
const ACTIVATES_AT = new Date(T0 + (JWKS_MAX_AGE_SECONDS + ROTATION_MARGIN_SECONDS) * 1000).toISOString();
const OWN_KEY = {
  keyArn: 'arn:aws:kms:eu-west-1:111111111111:key/own',
  kid: 'kid-own',
  alg: 'ES256',
  createdAt: '2031-01-01T00:00:00.000Z',
  activatesAt: '2031-01-01T00:00:00.000Z',
};

function setup() {
  const vault = new FakeVault();
  const pools = new FakePools();
  pools.add('pool-legacy-a');
  pools.add('pool-own', [OWN_KEY]);
  pools.add('pool-legacy-b');
  const signingKeys = new SigningKeyService({ directory: pools, keyList: pools, vault, tokenLifetimeSeconds: 3600, clock: () => new Date(T0) });
  return { vault, pools, signingKeys };
}

/** The list a migrated pool holds: the shared key it signed with until now, then its own key from activatesAt. */
const migratedList = (keyArn: string, kid: string) => [
  { keyArn: LEGACY.keyArn, kid: LEGACY.kid, alg: 'ES256', createdAt: LEGACY.createdAt, activatesAt: LEGACY.createdAt, shared: true },
  { keyArn, kid, alg: 'ES256', alias: expect.stringMatching(/\/1$/), createdAt: new Date(T0).toISOString(), activatesAt: ACTIVATES_AT },
];

describe('migrateLegacyPools', () => {
  it('rotates every pool without a key list, in listing order, and writes nothing to a pool that has one', async () => {
    const { vault, pools, signingKeys } = setup();
    const results = await migrateLegacyPools({ keyList: pools, signingKeys });
    expect(results).toEqual([
      { clientPoolId: 'pool-legacy-a', outcome: 'rotated', rotation: { activeKid: LEGACY.kid, nextKid: 'kid-1', activatesAt: ACTIVATES_AT } },
      { clientPoolId: 'pool-legacy-b', outcome: 'rotated', rotation: { activeKid: LEGACY.kid, nextKid: 'kid-2', activatesAt: ACTIVATES_AT } },
    ]);
    expect(pools.keys('pool-legacy-a')).toEqual(migratedList(vault.created[0].keyArn, 'kid-1'));
    expect(pools.keys('pool-legacy-b')).toEqual(migratedList(vault.created[1].keyArn, 'kid-2'));
    expect(pools.keys('pool-own')).toEqual([OWN_KEY]);
    expect(pools.writes.map((write) => write.poolId)).toEqual(['pool-legacy-a', 'pool-legacy-b']);
    expect(vault.scheduled).toEqual([]); // the shared key is never deleted
  });

  it('is idempotent: a second run finds nothing left to migrate', async () => {
    const { vault, pools, signingKeys } = setup();
    await migrateLegacyPools({ keyList: pools, signingKeys });
    expect(await migrateLegacyPools({ keyList: pools, signingKeys })).toEqual([]);
    expect(vault.created).toHaveLength(2);
    expect(pools.writes).toHaveLength(2);
  });

  it('a dry run names the pools it would rotate and creates and writes nothing', async () => {
    const { vault, pools, signingKeys } = setup();
    expect(await migrateLegacyPools({ keyList: pools, signingKeys }, { dryRun: true })).toEqual([
      { clientPoolId: 'pool-legacy-a', outcome: 'would-rotate' },
      { clientPoolId: 'pool-legacy-b', outcome: 'would-rotate' },
    ]);
    expect(vault.created).toEqual([]);
    expect(pools.writes).toEqual([]);
    expect(pools.keys('pool-legacy-a')).toBeUndefined();
  });

  it('reports a failed pool by its dependency and goes on with the others; the next run migrates what is left', async () => {
    const { vault, pools, signingKeys } = setup();
    pools.beforeWrite.push(
      () => {
        pools.writeFailure = new DependencyError('dynamodb', Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
      },
      () => {
        pools.writeFailure = undefined;
      },
    );
    expect(await migrateLegacyPools({ keyList: pools, signingKeys })).toEqual([
      { clientPoolId: 'pool-legacy-a', outcome: 'failed', error: 'dynamodb_unavailable' },
      { clientPoolId: 'pool-legacy-b', outcome: 'rotated', rotation: { activeKid: LEGACY.kid, nextKid: 'kid-2', activatesAt: ACTIVATES_AT } },
    ]);
    expect(pools.keys('pool-legacy-a')).toBeUndefined();
    // The failed write may have landed: its key is kept, not scheduled for deletion.
    expect(vault.scheduled).toEqual([]);
    expect(await migrateLegacyPools({ keyList: pools, signingKeys })).toEqual([
      { clientPoolId: 'pool-legacy-a', outcome: 'rotated', rotation: { activeKid: LEGACY.kid, nextKid: 'kid-3', activatesAt: ACTIVATES_AT } },
    ]);
  });

  it('names a refusal by its code, a KMS outage by its dependency and anything else as internal_error', async () => {
    const { vault, pools, signingKeys } = setup();
    const keyList = {
      async *poolIds(which: 'with-signing-keys' | 'without-signing-keys') {
        yield* pools.poolIds(which);
        yield 'pool-deleted-meanwhile';
      },
    };
    vault.createFailure = new DependencyError('kms', new Error('KMS unreachable'));
    expect(await migrateLegacyPools({ keyList, signingKeys })).toEqual([
      { clientPoolId: 'pool-legacy-a', outcome: 'failed', error: 'kms_unavailable' },
      { clientPoolId: 'pool-legacy-b', outcome: 'failed', error: 'kms_unavailable' },
      { clientPoolId: 'pool-deleted-meanwhile', outcome: 'failed', error: 'pool_not_found' },
    ]);
    vault.createFailure = new TypeError('defect');
    expect((await migrateLegacyPools({ keyList: pools, signingKeys })).map((result) => result.error)).toEqual(['internal_error', 'internal_error']);
    expect(pools.writes).toEqual([]);
  });
});
