import type { Environment } from '../../../src/domain/model';
import type { Principal } from '../../../src/usecases/authenticate';
import { OrganisationService } from '../../../src/usecases/organisations';
import { SigningKeyService } from '../../../src/usecases/signing-keys';
import { InMemoryApiKeys } from '../../support/in-memory/api-keys';
import { InMemoryDirectory } from '../../support/in-memory/directory';
import { outcomeOf } from './outcome';
import { FakePools, FakeVault } from './signing-key-fakes';

/*
 * docs/contract.md §3.5 pool settings: PATCH .../env/{envId} writes the
 * environment and the settings the token path reads on the pool item
 * together; requireCrl takes trust away (the pool's trustEpoch moves and the
 * answer waits to settle), audiences and the token lifetime do not.
 */
const ADMIN: Principal = { kind: 'admin' };
const ACME_KEY: Principal = { kind: 'org', orgId: 'acme', keyId: 'k0123456789abcdef' };
const NOW = new Date('2030-06-15T12:00:00.000Z');
const CREATED = '2030-01-01T00:00:00.000Z';
const POOL = 'pool-abcdefghijklmnopqrstuvwxyz';
const AUDIENCES = ['https://api.example.com/', 'https://payments.example.com/v1'];

describe('OrganisationService.updateEnvironment', () => {
  let directory: InMemoryDirectory;
  let service: OrganisationService;
  const patch = (body: unknown, principal: Principal = ADMIN) => service.updateEnvironment(principal, 'acme', 'prod', body);

  beforeEach(() => {
    directory = new InMemoryDirectory();
    directory.seed({ orgId: 'acme', name: 'Acme', createdAt: CREATED }, { envId: 'prod', name: 'Production', clientPoolId: POOL, createdAt: CREATED });
    const signingKeys = new SigningKeyService({ directory, keyList: new FakePools(), vault: new FakeVault(), tokenLifetimeSeconds: 3600, clock: () => NOW });
    service = new OrganisationService({ directory, apiKeys: new InMemoryApiKeys(), signingKeys, issuerBaseUrl: 'https://idp.example.com', clock: () => NOW });
  });

  it('requireCrl: true is written to the environment and the pool, moves the trustEpoch and waits to settle', async () => {
    const updated = await patch({ requireCrl: true });
    expect(updated).toMatchObject({ requireCrl: true, clientPoolId: POOL, name: 'Production' });
    expect(directory.pools.get(POOL)).toEqual({ clientPoolId: POOL, orgId: 'acme', envId: 'prod', trustEpoch: 1, requireCrl: true });
    expect(directory.environments.get('acme/prod')).toMatchObject({ requireCrl: true, updatedAt: NOW.toISOString() });
    expect(directory.settles).toBe(1);
    await patch({ requireCrl: false });
    expect(directory.pools.get(POOL)).toMatchObject({ trustEpoch: 2, requireCrl: false });
  });

  it('audiences and tokenLifetimeSeconds reach the pool item without moving the trustEpoch; [] clears the audiences', async () => {
    const updated = await patch({ audiences: AUDIENCES, tokenLifetimeSeconds: 600 });
    expect(updated).toMatchObject({ audiences: AUDIENCES, tokenLifetimeSeconds: 600, requireCrl: false });
    expect(await directory.getPool(POOL)).toEqual({
      clientPoolId: POOL,
      orgId: 'acme',
      envId: 'prod',
      trustEpoch: 0,
      requireCrl: false,
      audiences: AUDIENCES,
      tokenLifetimeSeconds: 600,
    });
    expect(directory.settles).toBe(0);
    expect((await patch({ audiences: [] })).audiences).toEqual([]);
    expect((await directory.getPool(POOL))?.audiences).toBeUndefined();
  });

  it('name and description change the environment only', async () => {
    const updated = await patch({ name: 'Live', description: 'the stores' });
    expect(updated).toEqual({
      orgId: 'acme',
      envId: 'prod',
      name: 'Live',
      description: 'the stores',
      clientPoolId: POOL,
      requireCrl: false,
      audiences: [],
      issuer: `https://idp.example.com/pools/${POOL}`,
      tokenEndpoint: `https://idp.example.com/pools/${POOL}/oauth2/token`,
      jwksUri: `https://idp.example.com/pools/${POOL}/.well-known/jwks.json`,
      createdAt: CREATED,
    });
    expect(directory.pools.get(POOL)).toEqual({ clientPoolId: POOL, orgId: 'acme', envId: 'prod', trustEpoch: 0, requireCrl: false });
  });

  it.each([
    ['an empty body', 'empty_update', {}],
    ['only null fields', 'empty_update', { name: null }],
    ['an unknown field', 'invalid_field', { requireCRL: true }],
    ['requireCrl as a string', 'invalid_field', { requireCrl: 'true' }],
    ['an http audience', 'invalid_field', { audiences: ['http://api.example.com/'] }],
    ['a repeated audience', 'invalid_field', { audiences: [AUDIENCES[0], AUDIENCES[0]] }],
    ['a lifetime under 60 s', 'invalid_field', { tokenLifetimeSeconds: 59 }],
    ['a lifetime over a day', 'invalid_field', { tokenLifetimeSeconds: 86401 }],
    ['a fractional lifetime', 'invalid_field', { tokenLifetimeSeconds: 600.5 }],
    ['a body that is not an object', 'invalid_body', 'requireCrl=true'],
  ])('refuses %s with %s and writes nothing', async (_name, code, body) => {
    expect(await outcomeOf(patch(body))).toBe(code);
    expect(directory.log.of('updateEnvironment')).toEqual([]);
    expect(directory.pools.get(POOL)?.trustEpoch).toBe(0);
  });

  it('is admin only: a key of the organisation gets forbidden before anything is read', async () => {
    expect(await outcomeOf(patch({ name: 'Live' }, ACME_KEY))).toBe('forbidden');
    expect(directory.log.calls).toEqual([]);
  });

  it('answers org_not_found and env_not_found for what does not exist', async () => {
    expect(await outcomeOf(service.updateEnvironment(ADMIN, 'nobody', 'prod', { name: 'x' }))).toBe('org_not_found');
    expect(await outcomeOf(service.updateEnvironment(ADMIN, 'acme', 'test', { name: 'x' }))).toBe('env_not_found');
  });

  it('answers env_not_found when the environment no longer names the pool read (the write condition), changing nothing', async () => {
    directory.log.before('updateEnvironment', (env: Environment) => directory.environments.set('acme/prod', { ...env, clientPoolId: 'pool-replaced' }));
    expect(await outcomeOf(patch({ requireCrl: true }))).toBe('env_not_found');
    expect(directory.pools.get(POOL)).toMatchObject({ trustEpoch: 0, requireCrl: false });
    expect(directory.settles).toBe(0);
  });
});
