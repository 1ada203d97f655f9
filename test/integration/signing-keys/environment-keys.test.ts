import { ListResourceTagsCommand } from '@aws-sdk/client-kms';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Environment, PoolSigningKey } from '../../../src/domain/model';
import { DependencyError, DomainError } from '../../../src/errors';
import { DynamoApiKeyRepository } from '../../../src/storage/dynamo-api-key-repository';
import { OrganisationService } from '../../../src/usecases/organisations';
import type { DirectoryRepository } from '../../../src/usecases/ports';
import { type SigningKeyWorld, STACK_TAG, startSigningKeyWorld } from './support';

/*
 * docs/contract.md §4.6 + "nothing half-written": creating an environment creates its
 * pool's KMS key first, then writes environment and pool in one transaction.
 * A KMS failure is a 503 with nothing written; a failed or refused write
 * schedules the new key for deletion; a write whose answer was lost is
 * recognised. Against DynamoDB Local and the local KMS endpoint (its fault
 * injection stands in for KMS errors).
 */
const T0 = Date.parse('2031-06-01T08:00:00.000Z');
const ADMIN = { kind: 'admin' as const };

describe('environment creation with a per-pool key', () => {
  let world: SigningKeyWorld;
  const sent: string[] = [];

  /** The service, over a directory whose createEnvironment may be wrapped to fail or race. */
  function organisations(wrap: (real: DirectoryRepository['createEnvironment']) => DirectoryRepository['createEnvironment'] = (real) => real) {
    const directory = Object.create(world.directory) as DirectoryRepository;
    const real = world.directory.createEnvironment.bind(world.directory);
    directory.createEnvironment = wrap(real);
    return new OrganisationService({
      directory,
      apiKeys: new DynamoApiKeyRepository(world.tableClient, world.tableName),
      signingKeys: world.service,
      issuerBaseUrl: 'https://idp.example.com',
      clock: () => new Date(world.now()),
    });
  }
  const items = async () => (await world.client.send(new ScanCommand({ TableName: world.tableName, ConsistentRead: true }))).Items ?? [];
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (error: unknown) => (error instanceof DomainError ? error.code : error instanceof DependencyError ? `${error.dependency}_unavailable` : String(error)),
    );
  /** The key of the last CreateKey this test saw, by the alias the vault gave it. */
  const createdKeys = () => sent.filter((name) => name === 'CreateKeyCommand').length;

  beforeAll(async () => {
    world = await startSigningKeyWorld({ lifetimeSeconds: 3600, start: T0 });
    world.kms.kms.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(context.commandName as string);
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    await organisations().createOrg(ADMIN, { id: 'acme', name: 'Acme' });
  });
  afterAll(() => world?.stop());
  beforeEach(() => {
    sent.length = 0;
    world.kms.server.clearFaults();
  });

  it('creates the key (tagged, aliased), then the environment whose pool lists it as its active key', async () => {
    const view = await organisations().createEnvironment(ADMIN, 'acme', { id: 'prod', name: 'Production' });
    const pool = await world.directory.getPool(view.clientPoolId);
    expect(pool?.signingKeys).toEqual([
      {
        keyArn: expect.stringMatching(/^arn:aws:kms:us-east-1:000000000000:key\//),
        kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        alg: 'ES256',
        alias: `alias/device-idp/${STACK_TAG}/${view.clientPoolId}/1`,
        createdAt: new Date(T0).toISOString(),
        activatesAt: new Date(T0).toISOString(),
      },
    ]);
    expect(sent).toEqual(['CreateKeyCommand', 'GetPublicKeyCommand', 'CreateAliasCommand']);
    const { Tags } = await world.kms.kms.send(new ListResourceTagsCommand({ KeyId: pool!.signingKeys![0].keyArn }));
    expect(Tags).toEqual([
      { TagKey: 'device-idp:stack', TagValue: STACK_TAG },
      { TagKey: 'device-idp:pool', TagValue: view.clientPoolId },
    ]);
    const jwks = await world.signer.jwks(pool!);
    expect(jwks.keys.map((key) => key.kid)).toEqual([pool!.signingKeys![0].kid]);
  });

  it('KMS down at CreateKey: 503, nothing written, no key', async () => {
    const before = await items();
    world.kms.server.injectFault('CreateKey', { type: 'KMSInternalException', status: 500 }, 5);
    expect(await failure(organisations().createEnvironment(ADMIN, 'acme', { id: 'kms-down', name: 'x' }))).toBe('kms_unavailable');
    expect(await items()).toEqual(before);
    expect(sent).toEqual(['CreateKeyCommand']);
  });

  it.each(['GetPublicKey', 'CreateAlias'])('KMS failing at %s after CreateKey: 503, nothing written, the new key scheduled for deletion', async (operation) => {
    const before = await items();
    world.kms.server.injectFault(operation, { type: 'KMSInternalException', status: 500 }, 5);
    expect(await failure(organisations().createEnvironment(ADMIN, 'acme', { id: `fails-${operation.toLowerCase()}`, name: 'x' }))).toBe('kms_unavailable');
    expect(await items()).toEqual(before);
    expect(sent.filter((name) => name === 'ScheduleKeyDeletionCommand')).toHaveLength(1);
    expect(createdKeys()).toBe(1);
  });

  it('the DynamoDB write fails: 503, no environment, and the created key is scheduled for deletion', async () => {
    let created: PoolSigningKey | undefined;
    const service = organisations(() => async (_env, keys) => {
      created = keys?.[0];
      throw new DependencyError('dynamodb', new Error('connection refused'));
    });
    expect(await failure(service.createEnvironment(ADMIN, 'acme', { id: 'ddb-down', name: 'x' }))).toBe('dynamodb_unavailable');
    expect(await world.directory.getEnvironment('acme', 'ddb-down')).toBeUndefined();
    expect(await world.keyState(created!.keyArn)).toBe('PendingDeletion');
  });

  it('the environment appears between the check and the write (409 env_exists): the created key is scheduled for deletion', async () => {
    let created: PoolSigningKey | undefined;
    const winner: Environment = { orgId: 'acme', envId: 'raced', name: 'winner', clientPoolId: 'pool-winner', createdAt: new Date(T0).toISOString() };
    const service = organisations((real) => async (env, keys) => {
      created = keys?.[0];
      await real(winner, []);
      return real(env, keys);
    });
    expect(await failure(service.createEnvironment(ADMIN, 'acme', { id: 'raced', name: 'loser' }))).toBe('env_exists');
    expect((await world.directory.getEnvironment('acme', 'raced'))?.name).toBe('winner');
    expect(await world.keyState(created!.keyArn)).toBe('PendingDeletion');
  });

  it('an environment that already exists, or a missing organisation, costs no key', async () => {
    expect(await failure(organisations().createEnvironment(ADMIN, 'acme', { id: 'prod', name: 'again' }))).toBe('env_exists');
    expect(await failure(organisations().createEnvironment(ADMIN, 'nobody', { id: 'prod', name: 'x' }))).toBe('org_not_found');
    expect(createdKeys()).toBe(0);
  });

  it('a write that committed but lost its answer is the environment of this request: 201, key kept', async () => {
    const service = organisations((real) => async (env, keys) => {
      await real(env, keys);
      throw new DependencyError('dynamodb', new Error('socket hang up after commit'));
    });
    const view = await service.createEnvironment(ADMIN, 'acme', { id: 'lost-answer', name: 'x' });
    const pool = await world.directory.getPool(view.clientPoolId);
    expect(await world.keyState(pool!.signingKeys![0].keyArn)).toBe('Enabled');
    expect(sent).not.toContain('ScheduleKeyDeletionCommand');
  });
});
