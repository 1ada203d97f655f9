import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { KmsJwtSigner } from '../../../src/crypto/kms-signer';
import type { PoolSigningKey } from '../../../src/domain/model';
import { type SigningKeyWorld, STACK_TAG, startSigningKeyWorld } from './support';

/* The two adapters of per-pool keys: the pool item's conditional list (DynamoDB Local) and the KMS vault (local KMS). */
const T0 = Date.parse('2031-06-01T08:00:00.000Z');
const key = (kid: string): PoolSigningKey => ({
  keyArn: `arn:${kid}`,
  kid,
  alg: 'ES256',
  createdAt: new Date(T0).toISOString(),
  activatesAt: new Date(T0).toISOString(),
});

describe('DynamoSigningKeyRepository and KmsSigningKeyVault', () => {
  let world: SigningKeyWorld;

  beforeAll(async () => {
    world = await startSigningKeyWorld({ lifetimeSeconds: 3600, start: T0 });
    await world.directory.createOrg({ orgId: 'acme', name: 'Acme', createdAt: new Date(T0).toISOString() });
    await world.directory.createEnvironment({ orgId: 'acme', envId: 'old', name: 'old', clientPoolId: 'pool-old', createdAt: new Date(T0).toISOString() });
    await world.directory.createEnvironment({ orgId: 'acme', envId: 'new', name: 'new', clientPoolId: 'pool-new', createdAt: new Date(T0).toISOString() }, [
      key('k1'),
    ]);
  });
  afterAll(() => world?.stop());

  describe('the pool item list', () => {
    it('is read back exactly as written by createEnvironment, next to the other pool attributes', async () => {
      expect(await world.directory.getPool('pool-new')).toEqual({
        clientPoolId: 'pool-new',
        orgId: 'acme',
        envId: 'new',
        trustEpoch: 0,
        requireCrl: false,
        signingKeys: [key('k1')],
      });
      expect(await world.directory.getPool('pool-old')).toEqual({ clientPoolId: 'pool-old', orgId: 'acme', envId: 'old', trustEpoch: 0, requireCrl: false });
    });

    it('is replaced only when it is exactly the list read (order and every attribute count)', async () => {
      const { keyList } = world;
      expect(await keyList.replaceSigningKeys('pool-new', [key('k0')], [key('k1'), key('k2')])).toBe(false);
      expect(await keyList.replaceSigningKeys('pool-new', undefined, [key('k1'), key('k2')])).toBe(false);
      expect(await keyList.replaceSigningKeys('pool-new', [{ ...key('k1'), alg: 'RS256' }], [key('k2')])).toBe(false);
      expect(await keyList.replaceSigningKeys('pool-new', [key('k1')], [key('k1'), key('k2')])).toBe(true);
      expect(await keyList.replaceSigningKeys('pool-new', [key('k2'), key('k1')], [key('k2')])).toBe(false);
      expect((await world.directory.getPool('pool-new'))?.signingKeys).toEqual([key('k1'), key('k2')]);
    });

    it('a pool without a list is written only while it still has none; a missing pool never', async () => {
      const { keyList } = world;
      expect(await keyList.replaceSigningKeys('pool-nope', undefined, [key('x')])).toBe(false);
      expect((await world.client.send(new GetCommand({ TableName: world.tableName, Key: { pk: 'POOL#pool-nope', sk: 'POOL' } }))).Item).toBeUndefined();
      await world.client.send(
        new UpdateCommand({
          TableName: world.tableName,
          Key: { pk: 'POOL#pool-old', sk: 'POOL' },
          UpdateExpression: 'SET trustEpoch = :e, requireCrl = :t',
          ExpressionAttributeValues: { ':e': 4, ':t': true },
        }),
      );
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => keyList.replaceSigningKeys('pool-old', undefined, [key(`m${i}`)])));
      expect(results.filter(Boolean)).toHaveLength(1);
      const pool = await world.directory.getPool('pool-old');
      expect(pool).toMatchObject({ trustEpoch: 4, requireCrl: true });
      expect(pool?.signingKeys).toEqual([key(`m${results.indexOf(true)}`)]);
    });

    it('lists pool ids with and without a list (Scan)', async () => {
      await world.directory.createEnvironment({
        orgId: 'acme',
        envId: 'legacy',
        name: 'l',
        clientPoolId: 'pool-legacy',
        createdAt: new Date(T0).toISOString(),
      });
      const ids = async (which: 'with-signing-keys' | 'without-signing-keys') => {
        const found: string[] = [];
        for await (const id of world.keyList.poolIds(which)) found.push(id);
        return found.sort();
      };
      expect(await ids('with-signing-keys')).toEqual(['pool-new', 'pool-old']);
      expect(await ids('without-signing-keys')).toEqual(['pool-legacy']);
    });
  });

  describe('the KMS vault', () => {
    it('creates a signing key whose kid is the RFC 7638 thumbprint KmsJwtSigner computes, aliased under the stack prefix', async () => {
      const created = await world.vault.createKey('pool-x', 1);
      expect(created.alias).toBe(`alias/device-idp/${STACK_TAG}/pool-x/1`);
      expect(created.kid).toBe((await new KmsJwtSigner(world.kms.kms, created.alias!).describe()).kid);
    });

    it('takes the next alias number when one is left over from an earlier, failed creation', async () => {
      const again = await world.vault.createKey('pool-x', 1);
      expect(again.alias).toBe(`alias/device-idp/${STACK_TAG}/pool-x/2`);
    });

    it('describes the shared legacy key, and never schedules it for deletion', async () => {
      const legacy = await world.vault.legacyKey();
      expect(legacy).toEqual({
        keyArn: world.legacyKeyArn,
        kid: (await new KmsJwtSigner(world.kms.kms, world.legacyKeyArn).describe()).kid,
        alg: 'ES256',
        createdAt: expect.any(String),
      });
      await expect(world.vault.scheduleDeletion(world.legacyKeyArn)).rejects.toThrow(/never scheduled for deletion/);
      expect(await world.keyState(world.legacyKeyArn)).toBe('Enabled');
    });

    it('schedules a pool key for deletion', async () => {
      const created = await world.vault.createKey('pool-y', 1);
      await world.vault.scheduleDeletion(created.keyArn);
      expect(await world.keyState(created.keyArn)).toBe('PendingDeletion');
    });
  });
});
