import { DependencyError } from '../../../src/errors';
import { POOL_ID, requirePool } from '../../../src/usecases/require-pool';
import { InMemoryDirectory } from '../../support/in-memory/directory';
import { outcomeOf } from './outcome';

/* A pool named in a path (docs/contract.md §3.1, §4): found, or 404 pool_not_found before any lookup when it cannot be a pool id. */
describe('requirePool', () => {
  let directory: InMemoryDirectory;

  beforeEach(() => {
    directory = new InMemoryDirectory();
    directory.seed(
      { orgId: 'acme', name: 'Acme', createdAt: '2030-01-01T00:00:00.000Z' },
      { envId: 'prod', name: 'Production', clientPoolId: 'pool-abc', createdAt: '2030-01-01T00:00:00.000Z' },
    );
  });

  it('answers the pool as stored', async () => {
    expect(await requirePool(directory, 'pool-abc')).toEqual({ clientPoolId: 'pool-abc', orgId: 'acme', envId: 'prod', trustEpoch: 0, requireCrl: false });
    expect(directory.log.of('getPool')).toEqual([['pool-abc']]);
  });

  it('refuses an unknown pool with pool_not_found, whose message does not echo the id', async () => {
    const refusal = await requirePool(directory, 'pool-unknown').catch((error: Error) => error);
    expect(refusal).toMatchObject({ code: 'pool_not_found', message: 'unknown client pool' });
  });

  it.each([
    ['empty', ''],
    ['a space', 'pool abc'],
    ['a slash', 'pool/abc'],
    ['a hash (a key separator)', 'pool#abc'],
    ['65 characters', 'p'.repeat(65)],
    ['non-ASCII', 'pool-ä'],
  ])('refuses an id with %s as pool_not_found without reading the table', async (_name, id) => {
    expect(await outcomeOf(requirePool(directory, id))).toBe('pool_not_found');
    expect(directory.log.calls).toEqual([]);
  });

  it('looks up an id of exactly 64 pool-id characters', async () => {
    expect(POOL_ID.test('p'.repeat(64))).toBe(true);
    expect(await outcomeOf(requirePool(directory, 'p'.repeat(64)))).toBe('pool_not_found');
    expect(directory.log.of('getPool')).toEqual([['p'.repeat(64)]]);
  });

  it('lets a failed read through as the dependency failure it is (503), not as pool_not_found', async () => {
    directory.log.failNext('getPool', new DependencyError('dynamodb', new Error('timeout')));
    expect(await outcomeOf(requirePool(directory, 'pool-abc'))).toBe('dependency:dynamodb');
  });
});
