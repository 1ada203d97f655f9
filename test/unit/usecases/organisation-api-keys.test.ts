import { sha256Hex } from '../../../src/domain/api-key-format';
import { ApiKeyAuthenticator, type Principal } from '../../../src/usecases/authenticate';
import { OrganisationService } from '../../../src/usecases/organisations';
import { SigningKeyService } from '../../../src/usecases/signing-keys';
import { InMemoryApiKeys } from '../../support/in-memory/api-keys';
import { InMemoryDirectory } from '../../support/in-memory/directory';
import { outcomeOf } from './outcome';
import { FakePools, FakeVault } from './signing-key-fakes';

/*
 * docs/contract.md §3.5 org API keys: created by the admin and shown once,
 * listed (never the secret) and revoked by the admin or a key of that
 * organisation, a key of another organisation answered like an unknown id.
 * The keys made here authenticate through the real ApiKeyAuthenticator over
 * the same store.
 */
const ADMIN: Principal = { kind: 'admin' };
const T0 = Date.parse('2030-06-15T12:00:00.000Z');
const CREATED = '2030-01-01T00:00:00.000Z';

describe('OrganisationService: API keys', () => {
  let now: number;
  let directory: InMemoryDirectory;
  let apiKeys: InMemoryApiKeys;
  let service: OrganisationService;
  let authenticator: ApiKeyAuthenticator;
  const at = (offsetMs: number) => {
    now = T0 + offsetMs;
  };

  beforeEach(() => {
    now = T0;
    directory = new InMemoryDirectory();
    directory.seed({ orgId: 'acme', name: 'Acme', createdAt: CREATED });
    directory.seed({ orgId: 'globex', name: 'Globex', createdAt: CREATED });
    apiKeys = new InMemoryApiKeys();
    const clock = () => new Date(now);
    const signingKeys = new SigningKeyService({ directory, keyList: new FakePools(), vault: new FakeVault(), tokenLifetimeSeconds: 3600, clock });
    service = new OrganisationService({ directory, apiKeys, signingKeys, issuerBaseUrl: 'https://idp.example.com', clock });
    authenticator = new ApiKeyAuthenticator(async () => ({ current: 'the-global-admin-key-0123456789' }), apiKeys, clock);
  });

  it('creates a key shown once as idpk.<id>.<secret>, stores only the SHA-256 of the secret, and it authenticates for its org', async () => {
    const created = await service.createApiKey(ADMIN, 'acme');
    expect(created).toEqual({
      id: expect.stringMatching(/^k[0-9a-f]{16}$/),
      orgId: 'acme',
      apiKey: expect.stringMatching(/^idpk\.k[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/),
    });
    const [, keyId, secret] = created.apiKey.split('.');
    expect(keyId).toBe(created.id);
    expect(apiKeys.records.get(keyId)).toEqual({ keyId, orgId: 'acme', secretHash: sha256Hex(secret), createdAt: new Date(T0).toISOString() });
    expect(JSON.stringify([...apiKeys.records.values(), ...apiKeys.index.values()])).not.toContain(secret);
    expect(await authenticator.authenticate(created.apiKey)).toEqual({ kind: 'org', orgId: 'acme', keyId });
  });

  it('makes keys for existing organisations only, and only for the admin', async () => {
    const acme = await service.createApiKey(ADMIN, 'acme');
    const acmeKey = await authenticator.authenticate(acme.apiKey);
    expect(await outcomeOf(service.createApiKey(ADMIN, 'nobody'))).toBe('org_not_found');
    expect(await outcomeOf(service.createApiKey(acmeKey, 'acme'))).toBe('forbidden');
    expect(await outcomeOf(service.createApiKey(ADMIN, 'ac#me'))).toBe('invalid_identifier');
    expect(apiKeys.records.size).toBe(1);
  });

  it('lists an organisation keys oldest first, with lastUsedAt once used, never the secret or its hash', async () => {
    const first = await service.createApiKey(ADMIN, 'acme');
    at(60_000);
    const second = await service.createApiKey(ADMIN, 'acme');
    await service.createApiKey(ADMIN, 'globex');
    at(120_000);
    const acmeKey = await authenticator.authenticate(first.apiKey);
    const listed = await service.listApiKeys(acmeKey, 'acme');
    expect(listed).toEqual([
      { id: first.id, orgId: 'acme', createdAt: new Date(T0).toISOString(), lastUsedAt: new Date(T0 + 120_000).toISOString() },
      { id: second.id, orgId: 'acme', createdAt: new Date(T0 + 60_000).toISOString() },
    ]);
    expect(await service.listApiKeys(ADMIN, 'acme')).toEqual(listed);
  });

  it('refuses another organisation key with forbidden before reading anything; an unknown organisation is org_not_found', async () => {
    const globex = await authenticator.authenticate((await service.createApiKey(ADMIN, 'globex')).apiKey);
    directory.log.calls.length = 0;
    apiKeys.log.calls.length = 0;
    expect(await outcomeOf(service.listApiKeys(globex, 'acme'))).toBe('forbidden');
    expect([...directory.log.calls, ...apiKeys.log.calls]).toEqual([]);
    expect(await outcomeOf(service.listApiKeys(ADMIN, 'nobody'))).toBe('org_not_found');
  });

  it('revokes a key (admin): gone from the record and the listing, refused on the very next request, 404 when revoked again', async () => {
    const created = await service.createApiKey(ADMIN, 'acme');
    await service.revokeApiKey(ADMIN, 'acme', created.id);
    expect(apiKeys.records.size).toBe(0);
    expect(await service.listApiKeys(ADMIN, 'acme')).toEqual([]);
    expect(await outcomeOf(authenticator.authenticate(created.apiKey))).toBe('invalid_api_key');
    expect(await outcomeOf(service.revokeApiKey(ADMIN, 'acme', created.id))).toBe('api_key_not_found');
  });

  it('lets a key revoke itself', async () => {
    const created = await service.createApiKey(ADMIN, 'acme');
    const itself = await authenticator.authenticate(created.apiKey);
    await service.revokeApiKey(itself, 'acme', created.id);
    expect(await outcomeOf(authenticator.authenticate(created.apiKey))).toBe('invalid_api_key');
  });

  it('answers another organisation key id exactly like an unknown one, and keeps that key working', async () => {
    const globex = await service.createApiKey(ADMIN, 'globex');
    const acmeKey = await authenticator.authenticate((await service.createApiKey(ADMIN, 'acme')).apiKey);
    const unknown = 'k0000000000000000';
    for (const principal of [ADMIN, acmeKey]) {
      const [foreign, missing] = await Promise.all([
        service.revokeApiKey(principal, 'acme', globex.id).catch((error: Error) => error),
        service.revokeApiKey(principal, 'acme', unknown).catch((error: Error) => error),
      ]);
      expect(foreign).toMatchObject({ code: 'api_key_not_found' });
      expect((foreign as Error).message).toBe((missing as Error).message.replace(unknown, globex.id));
    }
    expect(await authenticator.authenticate(globex.apiKey)).toMatchObject({ kind: 'org', orgId: 'globex' });
  });

  it('refuses a malformed key id, another organisation key on this path, and an unknown organisation', async () => {
    const globex = await authenticator.authenticate((await service.createApiKey(ADMIN, 'globex')).apiKey);
    expect(await outcomeOf(service.revokeApiKey(ADMIN, 'acme', 'not-a-key-id'))).toBe('malformed_key_id');
    expect(await outcomeOf(service.revokeApiKey(ADMIN, 'acme', 'K0123456789ABCDEF'))).toBe('malformed_key_id');
    expect(await outcomeOf(service.revokeApiKey(globex, 'acme', 'k0123456789abcdef'))).toBe('forbidden');
    expect(await outcomeOf(service.revokeApiKey(ADMIN, 'nobody', 'k0123456789abcdef'))).toBe('org_not_found');
  });
});
