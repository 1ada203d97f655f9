import type { Pool } from '../../../src/domain/model';
import { serverMetadata } from '../../../src/domain/server-metadata';
import { PoolDiscovery } from '../../../src/usecases/pool-discovery';
import type { JwksSource } from '../../../src/usecases/ports';
import { InMemoryDirectory } from '../../support/in-memory/directory';
import { outcomeOf } from './outcome';

const BASE = 'https://idp.example.com/';
const KEY = { kty: 'EC', crv: 'P-256', kid: 'kid-1', alg: 'ES256', use: 'sig', x: 'x', y: 'y' };

/* docs/contract.md §4.6: a pool's JWKS and RFC 8414 metadata, only for a pool that exists. */
describe('PoolDiscovery', () => {
  let directory: InMemoryDirectory;
  let asked: Pool[];
  let discovery: PoolDiscovery;

  beforeEach(() => {
    directory = new InMemoryDirectory();
    directory.seed(
      { orgId: 'acme', name: 'Acme', createdAt: '2030-01-01T00:00:00.000Z' },
      { envId: 'prod', name: 'Production', clientPoolId: 'pool-abc', createdAt: '2030-01-01T00:00:00.000Z' },
    );
    directory.pools.set('pool-abc', {
      ...directory.pools.get('pool-abc')!,
      signingKeys: [{ keyArn: 'arn:k1', kid: 'kid-1', alg: 'ES256', createdAt: '2030-01-01T00:00:00.000Z', activatesAt: '2030-01-01T00:00:00.000Z' }],
    });
    asked = [];
    const keys: JwksSource = {
      jwks: async (pool) => {
        asked.push(pool);
        return { keys: pool.signingKeys?.map((key) => ({ ...KEY, kid: key.kid })) ?? [] };
      },
    };
    discovery = new PoolDiscovery({ directory, keys, issuerBaseUrl: BASE });
  });

  it('publishes the keys of the pool item it read, and only of that pool', async () => {
    expect(await discovery.jwks('pool-abc')).toEqual({ keys: [KEY] });
    expect(asked).toEqual([directory.pools.get('pool-abc')]);
  });

  it('serves RFC 8414 metadata naming the pool issuer and its endpoints (one slash after the base)', async () => {
    // The document itself is serverMetadata's (test/unit/assertion/token-claims.test.ts states it field by field).
    expect(await discovery.metadata('pool-abc')).toEqual(serverMetadata(BASE, 'pool-abc'));
    expect((await discovery.metadata('pool-abc')).issuer).toBe('https://idp.example.com/pools/pool-abc');
  });

  it('answers pool_not_found for an unknown pool or a path segment of another shape, asking the key source nothing', async () => {
    expect(await outcomeOf(discovery.jwks('pool-unknown'))).toBe('pool_not_found');
    expect(await outcomeOf(discovery.metadata('pool-unknown'))).toBe('pool_not_found');
    expect(await outcomeOf(discovery.jwks('..%2Fpool-abc'))).toBe('pool_not_found');
    expect(asked).toEqual([]);
    expect(directory.log.of('getPool')).toEqual([['pool-unknown'], ['pool-unknown']]);
  });
});
