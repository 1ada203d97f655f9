import { type OpensslRecipe, runOpensslRecipe } from '../../support/pki-openssl';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../../support/test-idp';
import { allItems, certificatesPath, errorOf, pemFingerprint, storedCertificateState, uploadFile } from './support';

/*
 * docs/contract.md §2/§3: one global admin key for everything, org keys for their own
 * organisation's devices and bindings only. 401 for a missing or unknown key,
 * 403 for a key without the permission, decided before anything is read or written.
 */
describe('API key authentication and authorisation', () => {
  let idp: TestIdp;
  let mine: EnvironmentInfo;
  let theirs: EnvironmentInfo;
  let orgKey: string;
  let recipe: OpensslRecipe;
  const devices = (env: EnvironmentInfo) => `/api/internal/org/${env.orgId}/env/${env.envId}/device`;
  const expectError = async (response: Promise<Response>, status: number, error: string) => expect(await errorOf(await response)).toEqual({ status, error });

  beforeAll(async () => {
    [idp, recipe] = await Promise.all([startTestIdp(), runOpensslRecipe({ caKeyBits: 2048 })]);
    [mine, theirs] = await Promise.all([idp.createEnvironment('mine'), idp.createEnvironment('theirs')]);
    orgKey = ((await (await idp.request('/api/internal/org/mine/api-keys', { method: 'POST' })).json()) as { apiKey: string }).apiKey;
    expect((await idp.request(`${devices(theirs)}`, { method: 'POST', json: { id: 'their-device' } })).status).toBe(201);
  });
  afterAll(async () => {
    recipe?.cleanup();
    await idp?.stop();
  });

  describe('401: missing or unknown key', () => {
    const routes = () => [`/api/internal/org/${mine.orgId}/env/${mine.envId}`, certificatesPath(mine.clientPoolId)];

    it('answers 401 missing_api_key without X-API-Key, on the admin and the certificate function', async () => {
      for (const path of routes()) await expectError(idp.request(path, { apiKey: null }), 401, 'missing_api_key');
      await expectError(idp.request('/api/internal/org', { method: 'POST', apiKey: null, json: { id: 'x', name: 'x' } }), 401, 'missing_api_key');
    });

    it.each([
      ['an unknown key', () => 'not-the-admin-key'],
      ['the admin key with one character changed', () => `${idp.adminApiKey.slice(0, -1)}${idp.adminApiKey.endsWith('A') ? 'B' : 'A'}`],
      ['a well-formed org key with the wrong secret', () => orgKey.replace(/\.[^.]+$/, `.${'A'.repeat(43)}`)],
      ['a well-formed org key of an unknown id', () => `idpk.k${'0'.repeat(16)}.${orgKey.split('.')[2]}`],
      ['an org key missing its last character', () => orgKey.slice(0, -1)],
      ['an overlong key', () => 'x'.repeat(4096)],
    ])('answers 401 invalid_api_key for %s', async (_name, key) => {
      for (const path of routes()) await expectError(idp.request(path, { apiKey: key() }), 401, 'invalid_api_key');
    });

    it('writes nothing for an unauthenticated request', async () => {
      const before = (await allItems(idp.tableName)).length;
      await expectError(idp.request('/api/internal/org', { method: 'POST', apiKey: 'nope', json: { id: 'sneaky', name: 'x' } }), 401, 'invalid_api_key');
      await expectError(uploadFile(idp, mine.clientPoolId, recipe.rootPem, 'root-ca.crt', null), 401, 'missing_api_key');
      expect(await allItems(idp.tableName)).toHaveLength(before);
      expect(await storedCertificateState(idp, mine.clientPoolId)).toEqual({ roots: 0, objects: [] });
    });
  });

  describe('403: an org key outside its permission', () => {
    it('may not create organisations, environments or API keys', async () => {
      await expectError(idp.request('/api/internal/org', { method: 'POST', apiKey: orgKey, json: { id: 'new-org', name: 'x' } }), 403, 'forbidden');
      await expectError(idp.request('/api/internal/org/mine/env', { method: 'POST', apiKey: orgKey, json: { id: 'dev', name: 'x' } }), 403, 'forbidden');
      await expectError(idp.request('/api/internal/org/mine/api-keys', { method: 'POST', apiKey: orgKey }), 403, 'forbidden');
      const items = await allItems(idp.tableName);
      expect(items.filter((item) => item.pk === 'ORG#new-org' || item.sk === 'ENV#dev')).toEqual([]);
      expect(items.filter((item) => item.type === 'apiKey')).toHaveLength(1);
    });

    it('is refused before its body is read: 403 even for a malformed body', async () => {
      const bad = { method: 'POST', apiKey: orgKey, body: '{', headers: { 'Content-Type': 'application/json' } };
      await expectError(idp.request('/api/internal/org', bad), 403, 'forbidden');
      await expectError(idp.request(`${devices(theirs)}/x/app`, bad), 403, 'forbidden');
      await expectError(idp.request(certificatesPath(mine.clientPoolId), { method: 'POST', apiKey: orgKey, json: {} }), 403, 'forbidden');
    });

    it('may not manage certificates, not even of its own pool (upload, list, delete)', async () => {
      await expectError(uploadFile(idp, mine.clientPoolId, recipe.rootPem, 'root-ca.crt', orgKey), 403, 'forbidden');
      expect(await storedCertificateState(idp, mine.clientPoolId)).toEqual({ roots: 0, objects: [] });
      expect((await uploadFile(idp, mine.clientPoolId, recipe.rootPem)).status).toBe(201);
      await expectError(idp.request(certificatesPath(mine.clientPoolId), { apiKey: orgKey }), 403, 'forbidden');
      const remove = `${certificatesPath(mine.clientPoolId)}/${pemFingerprint(recipe.rootPem)}`;
      await expectError(idp.request(remove, { method: 'DELETE', apiKey: orgKey }), 403, 'forbidden');
      expect(await storedCertificateState(idp, mine.clientPoolId)).toMatchObject({ roots: 1 });
    });

    it("may not touch another organisation's environment, devices or bindings", async () => {
      const key = { apiKey: orgKey };
      await expectError(idp.request(`/api/internal/org/theirs/env/${theirs.envId}`, key), 403, 'forbidden');
      await expectError(idp.request(devices(theirs), { ...key, method: 'POST', json: { id: 'planted' } }), 403, 'forbidden');
      await expectError(idp.request(`${devices(theirs)}/their-device`, key), 403, 'forbidden');
      await expectError(idp.request(`${devices(theirs)}/their-device/app`, key), 403, 'forbidden');
      await expectError(
        idp.request(`${devices(theirs)}/their-device/app`, { ...key, method: 'POST', json: { clientAppId: 'c', scopes: ['device'] } }),
        403,
        'forbidden',
      );
      await expectError(idp.request(`${devices(theirs)}/their-device/app/c`, { ...key, method: 'DELETE' }), 403, 'forbidden');
      await expectError(idp.request(`${devices(theirs)}/their-device`, { ...key, method: 'DELETE' }), 403, 'forbidden');
      const theirItems = (await allItems(idp.tableName)).filter((item) => item.pk === `POOL#${theirs.clientPoolId}` && item.sk !== 'POOL');
      expect(theirItems.map((item) => item.sk)).toEqual(['DEVICE#their-device']);
    });

    it('gets 403, not 404, for an organisation that does not exist (it learns nothing)', async () => {
      await expectError(idp.request('/api/internal/org/ghost/env/prod', { apiKey: orgKey }), 403, 'forbidden');
      await expectError(idp.request('/api/internal/org/ghost/env/prod/device/x', { apiKey: orgKey }), 403, 'forbidden');
    });
  });

  describe('2xx: an org key on its own organisation', () => {
    it('reads its environment and runs the whole device lifecycle', async () => {
      const key = { apiKey: orgKey };
      expect((await idp.request(`/api/internal/org/mine/env/${mine.envId}`, key)).status).toBe(200);
      expect((await idp.request(devices(mine), { ...key, method: 'POST', json: { id: 'till-1', tags: { business_unit_id: 'BU' } } })).status).toBe(201);
      expect((await idp.request(`${devices(mine)}/till-1`, key)).status).toBe(200);
      expect((await idp.request(`${devices(mine)}/till-1/app`, { ...key, method: 'POST', json: { clientAppId: 'pos', scopes: ['device'] } })).status).toBe(201);
      expect((await idp.request(`${devices(mine)}/till-1/app`, { ...key, method: 'POST', json: { clientAppId: 'pos', scopes: ['device', 'x'] } })).status).toBe(
        200,
      );
      expect(await (await idp.request(`${devices(mine)}/till-1/app`, key)).json()).toMatchObject({
        bindings: [{ clientAppId: 'pos', scopes: ['device', 'x'] }],
      });
      expect((await idp.request(`${devices(mine)}/till-1/app/pos`, { ...key, method: 'DELETE' })).status).toBe(204);
      expect((await idp.request(`${devices(mine)}/till-1`, { ...key, method: 'DELETE' })).status).toBe(204);
      expect((await idp.request(`${devices(mine)}/till-1`, key)).status).toBe(404);
    });

    it('gets 404 for an unknown environment of its own organisation', async () => {
      await expectError(idp.request('/api/internal/org/mine/env/nope', { apiKey: orgKey }), 404, 'env_not_found');
      await expectError(idp.request('/api/internal/org/mine/env/nope/device', { apiKey: orgKey, method: 'POST', json: { id: 'x' } }), 404, 'env_not_found');
    });
  });

  describe('routing', () => {
    it('answers 404 for an unknown path and 405 for a known path with the wrong method', async () => {
      expect((await idp.request('/api/internal/nothing/here/at/all/really')).status).toBe(404);
      expect((await idp.request('/api/internal/org', { method: 'GET' })).status).toBe(405);
      expect((await idp.request(`/api/internal/org/mine/env/${mine.envId}`, { method: 'DELETE' })).status).toBe(405);
    });
  });
});
