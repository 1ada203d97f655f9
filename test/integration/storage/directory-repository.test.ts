import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Environment, Organisation } from '../../../src/domain/model';
import { DynamoDirectoryRepository } from '../../../src/storage/dynamo-directory-repository';
import { createTestTable, testDocumentClient, testTableClient } from '../../support/emulators';
import { TEST_TRUST_WINDOW } from '../../support/trust-window';

/* Organisations, environments and their pools, against DynamoDB Local (API keys: api-key-repository.test.ts). */
describe('DynamoDirectoryRepository', () => {
  let tableName: string;
  let directory: DynamoDirectoryRepository;
  const org = (orgId: string): Organisation => ({ orgId, name: `Org ${orgId}`, createdAt: '2030-01-01T00:00:00.000Z' });
  const env = (orgId: string, envId: string, clientPoolId: string): Environment => ({
    orgId,
    envId,
    clientPoolId,
    name: envId,
    description: 'an environment',
    createdAt: '2030-01-02T00:00:00.000Z',
  });
  const scan = async () => (await testDocumentClient().send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items ?? [];

  beforeAll(async () => {
    tableName = await createTestTable();
    directory = new DynamoDirectoryRepository(testTableClient(), tableName, TEST_TRUST_WINDOW);
  });

  it('creates and reads an organisation, without key attributes', async () => {
    expect(await directory.createOrg(org('acme'))).toBe(true);
    expect(await directory.getOrg('acme')).toEqual(org('acme'));
    expect(await directory.getOrg('nobody')).toBeUndefined();
  });

  it('reports an existing organisation (false) and keeps the original', async () => {
    expect(await directory.createOrg({ ...org('acme'), name: 'Impostor' })).toBe(false);
    expect((await directory.getOrg('acme'))?.name).toBe('Org acme');
  });

  it('writes nothing when the organisation is missing (organisation_missing)', async () => {
    const before = await scan();
    expect(await directory.createEnvironment(env('nobody', 'prod', 'pool-orphan'))).toBe('organisation_missing');
    expect(await scan()).toEqual(before);
    expect(await directory.getPool('pool-orphan')).toBeUndefined();
  });

  it('creates the environment and its pool together', async () => {
    expect(await directory.createEnvironment(env('acme', 'prod', 'pool-prod'))).toBe('created');
    expect(await directory.getEnvironment('acme', 'prod')).toEqual(env('acme', 'prod', 'pool-prod'));
    expect(await directory.getPool('pool-prod')).toEqual({ clientPoolId: 'pool-prod', orgId: 'acme', envId: 'prod', trustEpoch: 0, requireCrl: false });
  });

  it('reports an existing environment (environment_taken) and writes no pool for it', async () => {
    expect(await directory.createEnvironment(env('acme', 'prod', 'pool-second'))).toBe('environment_taken');
    expect(await directory.getPool('pool-second')).toBeUndefined();
    expect((await directory.getEnvironment('acme', 'prod'))?.clientPoolId).toBe('pool-prod');
  });

  it('never writes an environment whose pool id is taken (pool_id_taken)', async () => {
    expect(await directory.createEnvironment(env('acme', 'staging', 'pool-prod'))).toBe('pool_id_taken');
    expect(await directory.getEnvironment('acme', 'staging')).toBeUndefined();
    expect((await directory.getPool('pool-prod'))?.envId).toBe('prod');
  });

  it('reports the missing organisation first, then the environment, when several are in the way', async () => {
    expect(await directory.createEnvironment(env('nobody', 'prod', 'pool-prod'))).toBe('organisation_missing');
    expect(await directory.createEnvironment(env('acme', 'prod', 'pool-prod'))).toBe('environment_taken');
    expect((await directory.getPool('pool-prod'))?.envId).toBe('prod');
  });

  it('keeps environments of different organisations apart', async () => {
    await directory.createOrg(org('globex'));
    await directory.createEnvironment(env('globex', 'prod', 'pool-globex'));
    expect((await directory.getEnvironment('globex', 'prod'))?.clientPoolId).toBe('pool-globex');
    expect((await directory.getEnvironment('acme', 'prod'))?.clientPoolId).toBe('pool-prod');
  });

  it('writes audiences on the environment and on the pool the token path reads, without moving the trustEpoch', async () => {
    const audiences = ['https://api.example.com', 'https://pay.example.com/v1'];
    const prod = (await directory.getEnvironment('acme', 'prod'))!;
    const updated = await directory.updateEnvironment(prod, { audiences }, '2030-01-03T00:00:00.000Z');
    expect(updated).toMatchObject({ audiences, updatedAt: '2030-01-03T00:00:00.000Z' });
    expect(await directory.getPool('pool-prod')).toEqual({
      clientPoolId: 'pool-prod',
      orgId: 'acme',
      envId: 'prod',
      trustEpoch: 0,
      requireCrl: false,
      audiences,
    });

    await directory.updateEnvironment(prod, { audiences: [], requireCrl: true }, '2030-01-04T00:00:00.000Z');
    expect(await directory.getPool('pool-prod')).toEqual({ clientPoolId: 'pool-prod', orgId: 'acme', envId: 'prod', trustEpoch: 1, requireCrl: true });
    expect((await directory.getEnvironment('acme', 'prod'))?.audiences).toEqual([]);
  });
});
