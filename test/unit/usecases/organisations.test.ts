import type { Environment, PoolSigningKey } from '../../../src/domain/model';
import { DependencyError } from '../../../src/errors';
import type { Principal } from '../../../src/usecases/authenticate';
import { OrganisationService } from '../../../src/usecases/organisations';
import { SigningKeyService } from '../../../src/usecases/signing-keys';
import { InMemoryApiKeys } from '../../support/in-memory/api-keys';
import { InMemoryDirectory } from '../../support/in-memory/directory';
import { outcomeOf } from './outcome';
import { FakePools, FakeVault } from './signing-key-fakes';

/* docs/contract.md §3 and §3.5: organisations, environments (each with its pool and first signing key) and pool settings. */
const ADMIN: Principal = { kind: 'admin' };
const ACME_KEY: Principal = { kind: 'org', orgId: 'acme', keyId: 'k0123456789abcdef' };
const OTHER_KEY: Principal = { kind: 'org', orgId: 'globex', keyId: 'kfedcba9876543210' };
const NOW = new Date('2030-06-15T12:00:00.000Z');
const CREATED = '2030-01-01T00:00:00.000Z';
const POOL = 'pool-abcdefghijklmnopqrstuvwxyz';

function setup() {
  const directory = new InMemoryDirectory();
  const vault = new FakeVault();
  const signingKeys = new SigningKeyService({ directory, keyList: new FakePools(), vault, tokenLifetimeSeconds: 3600, clock: () => NOW });
  const service = new OrganisationService({
    directory,
    apiKeys: new InMemoryApiKeys(),
    signingKeys,
    issuerBaseUrl: 'https://idp.example.com',
    clock: () => NOW,
  });
  return { directory, vault, service };
}

/** The environment view of docs/contract.md §3 for `prod` of `acme` in pool `clientPoolId`. */
const view = (clientPoolId: string, extra: Record<string, unknown> = {}) => ({
  orgId: 'acme',
  envId: 'prod',
  name: 'Production',
  clientPoolId,
  requireCrl: false,
  audiences: [],
  issuer: `https://idp.example.com/pools/${clientPoolId}`,
  tokenEndpoint: `https://idp.example.com/pools/${clientPoolId}/oauth2/token`,
  jwksUri: `https://idp.example.com/pools/${clientPoolId}/.well-known/jwks.json`,
  createdAt: CREATED,
  ...extra,
});

describe('OrganisationService: organisations', () => {
  it('creates an organisation (admin) and stores exactly what it answers', async () => {
    const { directory, service } = setup();
    const org = await service.createOrg(ADMIN, { id: 'acme', name: 'Acme Retail', description: 'stores' });
    expect(org).toEqual({ orgId: 'acme', name: 'Acme Retail', description: 'stores', createdAt: NOW.toISOString() });
    expect(directory.orgs.get('acme')).toEqual(org);
  });

  it('refuses a second organisation of the same id with org_exists and keeps the first', async () => {
    const { directory, service } = setup();
    await service.createOrg(ADMIN, { id: 'acme', name: 'Acme Retail' });
    expect(await outcomeOf(service.createOrg(ADMIN, { id: 'acme', name: 'Impostor' }))).toBe('org_exists');
    expect(directory.orgs.get('acme')?.name).toBe('Acme Retail');
  });

  it('refuses an org key with forbidden before reading the body or the table', async () => {
    const { directory, service } = setup();
    expect(await outcomeOf(service.createOrg(ACME_KEY, 'not an object'))).toBe('forbidden');
    expect(directory.log.calls).toEqual([]);
  });

  it.each([
    ['a body that is not an object', 'invalid_body', ['acme']],
    ['an unknown field', 'invalid_field', { id: 'acme', name: 'Acme', owner: 'x' }],
    ['an id that is not an identifier', 'invalid_identifier', { id: 'ac me', name: 'Acme' }],
    ['an id starting with a dash', 'invalid_identifier', { id: '-acme', name: 'Acme' }],
    ['no name', 'invalid_field', { id: 'acme' }],
    ['a blank name', 'invalid_field', { id: 'acme', name: '   ' }],
    ['a name over 1024 characters', 'invalid_field', { id: 'acme', name: 'n'.repeat(1025) }],
  ])('refuses %s with %s, storing nothing', async (_name, code, body) => {
    const { directory, service } = setup();
    expect(await outcomeOf(service.createOrg(ADMIN, body))).toBe(code);
    expect(directory.orgs.size).toBe(0);
  });
});

describe('OrganisationService: environments', () => {
  const seeded = () => {
    const world = setup();
    world.directory.seed({ orgId: 'acme', name: 'Acme', createdAt: CREATED });
    return world;
  };

  it('creates the environment with its pool and the pool first KMS key, active at once', async () => {
    const { directory, vault, service } = seeded();
    const created = await service.createEnvironment(ADMIN, 'acme', { id: 'prod', name: 'Production' });
    expect(created.clientPoolId).toMatch(/^pool-[a-z2-7]{26}$/);
    expect(created).toEqual(view(created.clientPoolId, { createdAt: NOW.toISOString() }));
    expect(directory.environments.get('acme/prod')).toEqual({
      orgId: 'acme',
      envId: 'prod',
      name: 'Production',
      clientPoolId: created.clientPoolId,
      createdAt: NOW.toISOString(),
    });
    const key: PoolSigningKey = { ...vault.created[0], createdAt: NOW.toISOString(), activatesAt: NOW.toISOString() };
    expect(vault.created).toEqual([expect.objectContaining({ alias: `alias/device-idp/test/${created.clientPoolId}/1` })]);
    expect(directory.pools.get(created.clientPoolId)).toEqual({
      clientPoolId: created.clientPoolId,
      orgId: 'acme',
      envId: 'prod',
      trustEpoch: 0,
      requireCrl: false,
      signingKeys: [key],
    });
  });

  it('gives every environment its own pool id', async () => {
    const { service } = seeded();
    const a = await service.createEnvironment(ADMIN, 'acme', { id: 'prod', name: 'Production' });
    const b = await service.createEnvironment(ADMIN, 'acme', { id: 'test', name: 'Test' });
    expect(a.clientPoolId).not.toBe(b.clientPoolId);
  });

  it('answers org_not_found and env_exists before a KMS key is made', async () => {
    const { vault, service } = seeded();
    expect(await outcomeOf(service.createEnvironment(ADMIN, 'nobody', { id: 'prod', name: 'Production' }))).toBe('org_not_found');
    await service.createEnvironment(ADMIN, 'acme', { id: 'prod', name: 'Production' });
    expect(await outcomeOf(service.createEnvironment(ADMIN, 'acme', { id: 'prod', name: 'Again' }))).toBe('env_exists');
    expect(vault.created).toHaveLength(1);
  });

  it('refuses an org key (even of that organisation) with forbidden, reading nothing', async () => {
    const { directory, vault, service } = seeded();
    directory.log.calls.length = 0;
    expect(await outcomeOf(service.createEnvironment(ACME_KEY, 'acme', { id: 'prod', name: 'Production' }))).toBe('forbidden');
    expect(directory.log.calls).toEqual([]);
    expect(vault.created).toEqual([]);
  });

  it.each([
    ['environment_taken', 'env_exists'],
    ['pool_id_taken', 'env_exists'],
    ['organisation_missing', 'org_not_found'],
  ] as const)('a write that finds %s after the checks answers %s and schedules the unused key for deletion', async (found, code) => {
    const { directory, vault, service } = seeded();
    directory.log.before('createEnvironment', (env: Environment) => {
      if (found === 'environment_taken') directory.writeEnvironment({ ...env, clientPoolId: 'pool-of-the-winner' });
      if (found === 'pool_id_taken') directory.writeEnvironment({ ...env, envId: 'other' });
      if (found === 'organisation_missing') directory.orgs.delete('acme');
    });
    expect(await outcomeOf(service.createEnvironment(ADMIN, 'acme', { id: 'prod', name: 'Production' }))).toBe(code);
    expect(vault.scheduled).toEqual([vault.created[0].keyArn]);
  });

  it('a write whose answer was lost after it committed answers the environment and keeps its key', async () => {
    const { directory, vault, service } = seeded();
    directory.log.before('createEnvironment', (env: Environment, keys: PoolSigningKey[]) => directory.writeEnvironment(env, keys));
    directory.log.failNext('createEnvironment', new DependencyError('dynamodb', new Error('socket hang up')));
    const created = await service.createEnvironment(ADMIN, 'acme', { id: 'prod', name: 'Production' });
    expect(created).toEqual(view(created.clientPoolId, { createdAt: NOW.toISOString() }));
    expect(directory.pools.get(created.clientPoolId)?.signingKeys?.map((key) => key.keyArn)).toEqual([vault.created[0].keyArn]);
    expect(vault.scheduled).toEqual([]);
  });

  it('a failed write that did not happen answers 503 and frees the key, also when the check read fails', async () => {
    const { directory, vault, service } = seeded();
    directory.log.failNext('createEnvironment', new DependencyError('dynamodb', new Error('timeout')));
    expect(await outcomeOf(service.createEnvironment(ADMIN, 'acme', { id: 'prod', name: 'Production' }))).toBe('dependency:dynamodb');
    directory.log.failNext('createEnvironment', new DependencyError('dynamodb', new Error('timeout')));
    directory.log.failNext('getPool', new DependencyError('dynamodb', new Error('timeout')));
    expect(await outcomeOf(service.createEnvironment(ADMIN, 'acme', { id: 'prod', name: 'Production' }))).toBe('dependency:dynamodb');
    expect(vault.scheduled).toEqual(vault.created.map((key) => key.keyArn));
    expect(directory.environments.size).toBe(0);
    expect(directory.pools.size).toBe(0);
  });

  it('a KMS failure answers 503 and writes nothing', async () => {
    const { directory, vault, service } = seeded();
    vault.createFailure = new DependencyError('kms', new Error('throttled'));
    expect(await outcomeOf(service.createEnvironment(ADMIN, 'acme', { id: 'prod', name: 'Production' }))).toBe('dependency:kms');
    expect(directory.log.of('createEnvironment')).toEqual([]);
  });

  it('shows the environment to the admin and to a key of its organisation; another organisation gets 403 before any read', async () => {
    const { directory, service } = seeded();
    directory.writeEnvironment({
      orgId: 'acme',
      envId: 'prod',
      name: 'Production',
      description: 'live',
      clientPoolId: POOL,
      createdAt: CREATED,
      tokenLifetimeSeconds: 600,
    });
    const expected = view(POOL, { description: 'live', tokenLifetimeSeconds: 600 });
    expect(await service.getEnvironment(ADMIN, 'acme', 'prod')).toEqual(expected);
    expect(await service.getEnvironment(ACME_KEY, 'acme', 'prod')).toEqual(expected);
    directory.log.calls.length = 0;
    expect(await outcomeOf(service.getEnvironment(OTHER_KEY, 'acme', 'prod'))).toBe('forbidden');
    expect(directory.log.calls).toEqual([]);
  });

  it('names the missing level: org_not_found, then env_not_found; invalid ids are 400', async () => {
    const { service } = seeded();
    expect(await outcomeOf(service.getEnvironment(ADMIN, 'nobody', 'prod'))).toBe('org_not_found');
    expect(await outcomeOf(service.getEnvironment(ADMIN, 'acme', 'prod'))).toBe('env_not_found');
    expect(await outcomeOf(service.getEnvironment(ADMIN, 'acme', 'pr/od'))).toBe('invalid_identifier');
  });
});
