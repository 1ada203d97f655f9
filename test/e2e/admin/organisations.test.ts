import { createHash } from 'node:crypto';
import { startTestIdp, type TestIdp } from '../../support/test-idp';
import { allItems, errorOf } from './support';

/* docs/contract.md §2/§3: organisations → environments (one pool each) → API keys and pre-registered devices. */
describe('organisations, environments, API keys and devices', () => {
  let idp: TestIdp;
  const post = (path: string, json: unknown) => idp.request(path, { method: 'POST', json });
  const itemsWhere = async (predicate: (item: Record<string, unknown>) => boolean) => (await allItems(idp.tableName)).filter(predicate);

  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(() => idp?.stop());

  describe('organisations', () => {
    it('creates an organisation: 201 and a stored ORG record', async () => {
      const response = await post('/api/internal/org', { id: 'acme', name: 'Acme Retail', description: 'tills' });
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ id: 'acme', name: 'Acme Retail', description: 'tills', createdAt: expect.any(String) });
      expect(await itemsWhere((item) => item.pk === 'ORG#acme' && item.sk === 'ORG')).toHaveLength(1);
    });

    it('answers 409 org_exists for an existing id and keeps the original', async () => {
      expect(await errorOf(await post('/api/internal/org', { id: 'acme', name: 'Impostor' }))).toEqual({ status: 409, error: 'org_exists' });
      const [stored] = await itemsWhere((item) => item.pk === 'ORG#acme' && item.sk === 'ORG');
      expect(stored.name).toBe('Acme Retail');
    });

    it.each([
      ['id missing', 'invalid_identifier', { name: 'x' }],
      ['id with a #', 'invalid_identifier', { id: 'a#b', name: 'x' }],
      ['name missing', 'invalid_field', { id: 'no-name' }],
      ['name blank', 'invalid_field', { id: 'no-name', name: '   ' }],
      ['an unknown field', 'invalid_field', { id: 'no-name', name: 'x', owner: 'me' }],
    ])('refuses %s with 400 %s', async (_name, code, body) => {
      expect(await errorOf(await post('/api/internal/org', body))).toEqual({ status: 400, error: code });
      expect(await itemsWhere((item) => item.pk === 'ORG#no-name')).toEqual([]);
    });
  });

  describe('environments', () => {
    let env: Record<string, string>;

    it('creates an environment with its pool: 201 with the Cognito-style URLs of docs/contract.md §4', async () => {
      const response = await post('/api/internal/org/acme/env', { id: 'prod', name: 'Production' });
      expect(response.status).toBe(201);
      env = (await response.json()) as Record<string, string>;
      expect(env.clientPoolId).toMatch(/^pool-[a-z2-7]{26}$/);
      const issuer = `${idp.baseUrl}/pools/${env.clientPoolId}`;
      expect(env).toEqual({
        orgId: 'acme',
        envId: 'prod',
        name: 'Production',
        clientPoolId: env.clientPoolId,
        requireCrl: false,
        audiences: [],
        issuer,
        tokenEndpoint: `${issuer}/oauth2/token`,
        jwksUri: `${issuer}/.well-known/jwks.json`,
        createdAt: expect.any(String),
      });
      expect(await itemsWhere((item) => item.pk === 'ORG#acme' && item.sk === 'ENV#prod')).toHaveLength(1);
      expect(await itemsWhere((item) => item.pk === `POOL#${env.clientPoolId}` && item.sk === 'POOL')).toEqual([
        expect.objectContaining({ clientPoolId: env.clientPoolId, orgId: 'acme', envId: 'prod' }),
      ]);
    });

    it('serves the pool at the advertised issuer (metadata names the same URLs)', async () => {
      const metadata = await fetch(`${env.issuer}/.well-known/openid-configuration`);
      expect(metadata.status).toBe(200);
      expect(await metadata.json()).toMatchObject({ issuer: env.issuer, token_endpoint: env.tokenEndpoint, jwks_uri: env.jwksUri });
    });

    it('gives every environment its own pool', async () => {
      const response = await post('/api/internal/org/acme/env', { id: 'staging', name: 'Staging' });
      expect(response.status).toBe(201);
      expect(((await response.json()) as { clientPoolId: string }).clientPoolId).not.toBe(env.clientPoolId);
    });

    it('answers 404 org_not_found for an unknown organisation and writes neither env nor pool', async () => {
      const before = (await allItems(idp.tableName)).length;
      expect(await errorOf(await post('/api/internal/org/nobody/env', { id: 'prod', name: 'P' }))).toEqual({ status: 404, error: 'org_not_found' });
      expect(await allItems(idp.tableName)).toHaveLength(before);
    });

    it('answers 409 env_exists for an existing environment and writes no second pool', async () => {
      const pools = async () => (await itemsWhere((item) => item.sk === 'POOL')).length;
      const before = await pools();
      expect(await errorOf(await post('/api/internal/org/acme/env', { id: 'prod', name: 'Again' }))).toEqual({ status: 409, error: 'env_exists' });
      expect(await pools()).toBe(before);
    });

    it('reads an environment: 200 with the same view', async () => {
      const response = await idp.request('/api/internal/org/acme/env/prod');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(env);
    });

    it('answers 404 env_not_found / org_not_found for unknown environments', async () => {
      expect(await errorOf(await idp.request('/api/internal/org/acme/env/nope'))).toEqual({ status: 404, error: 'env_not_found' });
      expect(await errorOf(await idp.request('/api/internal/org/nobody/env/prod'))).toEqual({ status: 404, error: 'org_not_found' });
    });
  });

  describe('API keys', () => {
    it('creates an org key: 201 {id, orgId, apiKey}, not cacheable, stored only as a hash', async () => {
      const response = await idp.request('/api/internal/org/acme/api-keys', { method: 'POST' });
      expect(response.status).toBe(201);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = (await response.json()) as { id: string; orgId: string; apiKey: string };
      expect(Object.keys(body).sort()).toEqual(['apiKey', 'id', 'orgId']);
      expect(body.orgId).toBe('acme');
      expect(body.apiKey).toMatch(new RegExp(`^idpk\\.${body.id}\\.[A-Za-z0-9_-]{43}$`));

      const secret = body.apiKey.split('.')[2];
      const items = await allItems(idp.tableName);
      const dump = JSON.stringify(items);
      expect(dump).not.toContain(body.apiKey);
      expect(dump).not.toContain(secret);
      const [stored] = items.filter((item) => item.pk === `APIKEY#${body.id}`);
      expect(stored).toEqual({
        pk: `APIKEY#${body.id}`,
        sk: 'APIKEY',
        type: 'apiKey',
        keyId: body.id,
        orgId: 'acme',
        secretHash: createHash('sha256').update(secret).digest('hex'),
        createdAt: expect.any(String),
      });
      expect((await idp.request('/api/internal/org/acme/env/prod', { apiKey: body.apiKey })).status).toBe(200);
    });

    it('issues a different key every time', async () => {
      const keys = await Promise.all([1, 2].map(async () => (await (await idp.request('/api/internal/org/acme/api-keys', { method: 'POST' })).json()).apiKey));
      expect(keys[0]).not.toBe(keys[1]);
    });

    it('answers 404 org_not_found for a key of an unknown organisation and stores none', async () => {
      const before = (await itemsWhere((item) => item.type === 'apiKey')).length;
      expect(await errorOf(await idp.request('/api/internal/org/nobody/api-keys', { method: 'POST' }))).toEqual({ status: 404, error: 'org_not_found' });
      expect(await itemsWhere((item) => item.type === 'apiKey')).toHaveLength(before);
    });
  });

  describe('pre-registered devices', () => {
    const devices = '/api/internal/org/acme/env/prod/device';

    it('pre-registers a device with name, description, metadata and tags: 201, readable back', async () => {
      const input = {
        id: 'till-042',
        name: 'Till 42',
        description: 'front desk',
        metadata: { model: 'T-800', 'site.code': 'LDN-1' },
        tags: { business_unit_id: 'BU-7' },
      };
      const response = await post(devices, input);
      expect(response.status).toBe(201);
      const expected = {
        deviceId: 'till-042',
        orgId: 'acme',
        envId: 'prod',
        name: 'Till 42',
        description: 'front desk',
        metadata: input.metadata,
        tags: input.tags,
        preRegistered: true,
        status: 'active',
        createdAt: expect.any(String),
      };
      expect(await response.json()).toEqual(expected);
      const read = await idp.request(`${devices}/till-042`);
      expect(read.status).toBe(200);
      expect(await read.json()).toEqual(expected);
    });

    it('pre-registers a device with its id only', async () => {
      const response = await post(devices, { id: 'AA:BB:CC:DD:EE:FF' });
      expect(response.status).toBe(201);
      expect((await idp.request(`${devices}/AA:BB:CC:DD:EE:FF`)).status).toBe(200);
    });

    it('answers 409 device_exists for a second registration and keeps the first', async () => {
      expect(await errorOf(await post(devices, { id: 'till-042', name: 'Other' }))).toEqual({ status: 409, error: 'device_exists' });
      expect(await (await idp.request(`${devices}/till-042`)).json()).toMatchObject({ name: 'Till 42' });
    });

    it.each([
      ['id missing', 'invalid_identifier', { name: 'x' }],
      ['id too long', 'invalid_identifier', { id: 'a'.repeat(129) }],
      ['name not a string', 'invalid_field', { id: 'bad-1', name: 7 }],
      ['metadata an array', 'invalid_field', { id: 'bad-1', metadata: ['a'] }],
      ['a tag value not a string', 'invalid_field', { id: 'bad-1', tags: { business_unit_id: 7 } }],
      ['a tag key with a space', 'invalid_field', { id: 'bad-1', tags: { 'business unit': 'x' } }],
      ['an unknown field', 'invalid_field', { id: 'bad-1', serial: 'x' }],
    ])('refuses %s with 400 %s', async (_name, code, body) => {
      expect(await errorOf(await post(devices, body))).toEqual({ status: 400, error: code });
      expect(await itemsWhere((item) => String(item.sk).startsWith('DEVICE#bad-1'))).toEqual([]);
    });

    it('answers 404 for a device of an unknown environment, organisation or id', async () => {
      expect(await errorOf(await post('/api/internal/org/acme/env/nope/device', { id: 'x' }))).toEqual({ status: 404, error: 'env_not_found' });
      expect(await errorOf(await post('/api/internal/org/nobody/env/prod/device', { id: 'x' }))).toEqual({ status: 404, error: 'org_not_found' });
      expect(await errorOf(await idp.request(`${devices}/never-seen`))).toEqual({ status: 404, error: 'device_not_found' });
    });
  });
});
