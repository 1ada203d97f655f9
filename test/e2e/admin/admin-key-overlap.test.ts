import { randomBytes } from 'node:crypto';
import { startTestIdp, type TestIdp } from '../../support/test-idp';
import { allItems, certificatesPath, errorOf } from './support';

/*
 * docs/contract.md §3.5 / README "Rotating the admin key", local mode: IDP_ADMIN_API_KEY
 * is the current key, IDP_ADMIN_API_KEY_PREVIOUS the key it replaced. Both are
 * the global admin key on every function; any other value is 401.
 */
describe('admin key overlap: current and previous key over HTTP', () => {
  const previous = randomBytes(24).toString('base64url');
  let idp: TestIdp;
  const orgs = '/api/internal/org';
  const createOrg = (id: string, apiKey: string | null) => idp.request(orgs, { method: 'POST', apiKey, json: { id, name: id } });

  beforeAll(async () => {
    idp = await startTestIdp({ previousAdminApiKey: previous });
  });
  afterAll(async () => {
    await idp?.stop();
  });

  it('starts with both keys and says so', () => {
    expect(idp.adminKey).toMatchObject({ value: idp.adminApiKey, source: 'environment', previous });
    expect(previous).not.toBe(idp.adminApiKey);
  });

  it.each([
    ['the current key', () => idp.adminApiKey],
    ['the previous key', () => previous],
  ])('%s is the admin key: it creates an organisation and an environment and reads a pool on the certificates function', async (name, key) => {
    const orgId = name === 'the current key' ? 'org-current' : 'org-previous';
    expect((await createOrg(orgId, key())).status).toBe(201);
    const env = await idp.request(`${orgs}/${orgId}/env`, { method: 'POST', apiKey: key(), json: { id: 'prod', name: 'prod' } });
    expect(env.status).toBe(201);
    const { clientPoolId } = (await env.json()) as { clientPoolId: string };
    const listing = await idp.request(certificatesPath(clientPoolId), { apiKey: key() });
    expect(listing.status).toBe(200);
    expect(await listing.json()).toEqual({ certificates: [] });
    expect((await idp.request(`${orgs}/${orgId}/env/prod`, { apiKey: key() })).status).toBe(200);
  });

  it.each([
    ['an unrelated value', () => randomBytes(24).toString('base64url')],
    ['the previous key with one character changed', () => `${previous.slice(0, -1)}${previous.endsWith('A') ? 'B' : 'A'}`],
    ['the current key with one character changed', () => `${idp.adminApiKey.slice(0, -1)}${idp.adminApiKey.endsWith('A') ? 'B' : 'A'}`],
    ['both keys concatenated', () => `${idp.adminApiKey}${previous}`],
    ['a prefix of the current key', () => idp.adminApiKey.slice(0, 16)],
  ])('%s is 401 invalid_api_key on both functions, and writes nothing', async (_name, key) => {
    const before = (await allItems(idp.tableName)).length;
    expect(await errorOf(await createOrg('sneaky', key()))).toEqual({ status: 401, error: 'invalid_api_key' });
    expect(await errorOf(await idp.request(certificatesPath('any-pool'), { apiKey: key() }))).toEqual({ status: 401, error: 'invalid_api_key' });
    expect(await allItems(idp.tableName)).toHaveLength(before);
  });

  it('no key at all is 401 missing_api_key', async () => {
    expect(await errorOf(await createOrg('sneaky', null))).toEqual({ status: 401, error: 'missing_api_key' });
  });
});
