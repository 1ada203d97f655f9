import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { generateApiKey } from '../../../src/domain/api-key-format';
import { testDocumentClient } from '../../support/emulators';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../../support/test-idp';
import { allItems, errorOf } from './support';

/*
 * docs/contract.md §3.5, "taking trust back": an org key can be listed (never its secret),
 * revoked with effect on the very next request, and shows when it was last used.
 */
describe('org API key lifecycle: list, revoke, lastUsedAt', () => {
  let idp: TestIdp;
  let envA: EnvironmentInfo;
  const keysPath = (orgId: string) => `/api/internal/org/${orgId}/api-keys`;
  const envPath = (env: EnvironmentInfo) => `/api/internal/org/${env.orgId}/env/${env.envId}`;
  const expectError = async (response: Promise<Response>, status: number, error: string) => expect(await errorOf(await response)).toEqual({ status, error });
  const createKey = async (orgId: string) => {
    const response = await idp.request(keysPath(orgId), { method: 'POST' });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; orgId: string; apiKey: string };
  };
  const list = async (orgId: string, apiKey?: string) => {
    const response = await idp.request(keysPath(orgId), { apiKey });
    expect(response.status).toBe(200);
    return (await response.json()) as { apiKeys: Array<{ id: string; orgId: string; createdAt: string; lastUsedAt?: string }> };
  };
  const revoke = (orgId: string, keyId: string, apiKey?: string) => idp.request(`${keysPath(orgId)}/${keyId}`, { method: 'DELETE', apiKey });
  const keyItems = async (keyId: string) =>
    (await allItems(idp.tableName))
      .filter((item) => item.keyId === keyId)
      .map((item) => `${item.pk} ${item.sk}`)
      .sort();

  beforeAll(async () => {
    idp = await startTestIdp();
    [envA] = await Promise.all([idp.createEnvironment('org-a'), idp.createEnvironment('org-b')]);
  });
  afterAll(() => idp?.stop());

  it('lists the org keys in creation order with id, orgId and createdAt only: no secret or hash anywhere', async () => {
    const first = await createKey('org-a');
    const second = await createKey('org-a');
    const other = await createKey('org-b');
    const response = await idp.request(keysPath('org-a'));
    expect(response.status).toBe(200);
    const text = await response.text();
    const body = JSON.parse(text) as Awaited<ReturnType<typeof list>>;
    expect(body).toEqual({
      apiKeys: [
        { id: first.id, orgId: 'org-a', createdAt: expect.any(String) },
        { id: second.id, orgId: 'org-a', createdAt: expect.any(String) },
      ],
    });
    expect(body.apiKeys[0].createdAt <= body.apiKeys[1].createdAt).toBe(true);
    for (const key of [first, second]) {
      const secret = key.apiKey.split('.')[2];
      expect(text).not.toContain(secret);
      expect(text).not.toContain(createHash('sha256').update(secret).digest('hex'));
    }
    expect(text).not.toMatch(/secret|hash/i);
    expect(text).not.toContain(other.id);
    expect(await keyItems(first.id)).toEqual([`APIKEY#${first.id} APIKEY`, `ORG#org-a APIKEY#${first.id}`]);
  });

  it('lets an org key list its own org, and refuses it another org (403 forbidden, even an unknown one)', async () => {
    const keyA = await createKey('org-a');
    expect((await list('org-a', keyA.apiKey)).apiKeys.map((key) => key.id)).toContain(keyA.id);
    await expectError(idp.request(keysPath('org-b'), { apiKey: keyA.apiKey }), 403, 'forbidden');
    await expectError(idp.request(keysPath('ghost'), { apiKey: keyA.apiKey }), 403, 'forbidden');
    await expectError(revoke('org-b', keyA.id, keyA.apiKey), 403, 'forbidden');
  });

  it('answers 404 org_not_found for an unknown org, 400 for a malformed org id, and 401 without a key', async () => {
    await expectError(idp.request(keysPath('ghost')), 404, 'org_not_found');
    await expectError(idp.request(keysPath('a%23b')), 400, 'invalid_identifier');
    await expectError(idp.request(keysPath('org-a'), { apiKey: null }), 401, 'missing_api_key');
  });

  it('revokes a key: 204, the very next request with it is 401 invalid_api_key, the other key still works, a second revoke is 404', async () => {
    const doomed = await createKey('org-a');
    const kept = await createKey('org-a');
    expect((await idp.request(envPath(envA), { apiKey: doomed.apiKey })).status).toBe(200);

    const response = await revoke('org-a', doomed.id);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    await expectError(idp.request(envPath(envA), { apiKey: doomed.apiKey }), 401, 'invalid_api_key');
    await expectError(idp.request(keysPath('org-a'), { apiKey: doomed.apiKey }), 401, 'invalid_api_key');
    expect((await idp.request(envPath(envA), { apiKey: kept.apiKey })).status).toBe(200);

    expect(await keyItems(doomed.id)).toEqual([]);
    expect((await list('org-a')).apiKeys.map((key) => key.id)).not.toContain(doomed.id);
    await expectError(revoke('org-a', doomed.id), 404, 'api_key_not_found');
    await expectError(idp.request(envPath(envA), { apiKey: doomed.apiKey }), 401, 'invalid_api_key');
  });

  it('lets an org key revoke itself; its next request is 401', async () => {
    const self = await createKey('org-a');
    expect((await revoke('org-a', self.id, self.apiKey)).status).toBe(204);
    await expectError(idp.request(envPath(envA), { apiKey: self.apiKey }), 401, 'invalid_api_key');
    await expectError(revoke('org-a', self.id, self.apiKey), 401, 'invalid_api_key');
  });

  it("answers 404 api_key_not_found for another org's key (admin or org key) and leaves that key working", async () => {
    const keyA = await createKey('org-a');
    const keyB = await createKey('org-b');
    await expectError(revoke('org-a', keyB.id), 404, 'api_key_not_found');
    await expectError(revoke('org-a', keyB.id, keyA.apiKey), 404, 'api_key_not_found');
    await expectError(revoke('org-a', 'k0000000000000000'), 404, 'api_key_not_found');
    await expectError(revoke('ghost', keyB.id), 404, 'org_not_found');
    expect(await keyItems(keyB.id)).toEqual([`APIKEY#${keyB.id} APIKEY`, `ORG#org-b APIKEY#${keyB.id}`]);
    expect((await idp.request(keysPath('org-b'), { apiKey: keyB.apiKey })).status).toBe(200);
  });

  it.each([
    ['not a key id', 'nope'],
    ['upper-case hex', 'K0123456789ABCDEF'],
    ['too short', 'k0123'],
    ['the whole API key', 'idpk.k0123456789abcdef.x'],
  ])('answers 400 malformed_key_id for %s', async (_name, keyId) => {
    await expectError(revoke('org-a', encodeURIComponent(keyId)), 400, 'malformed_key_id');
  });

  it('shows lastUsedAt once a key is used, refreshed at most every 5 minutes', async () => {
    const used = await createKey('org-a');
    const idle = await createKey('org-a');
    const entry = async (id: string) => (await list('org-a')).apiKeys.find((key) => key.id === id);
    expect(await entry(used.id)).toEqual({ id: used.id, orgId: 'org-a', createdAt: expect.any(String) });

    const before = new Date().toISOString();
    expect((await idp.request(envPath(envA), { apiKey: used.apiKey })).status).toBe(200);
    const after = new Date().toISOString();
    const first = (await entry(used.id))?.lastUsedAt;
    expect(first).toBeDefined();
    expect(first! >= before && first! <= after).toBe(true);
    expect(await entry(idle.id)).not.toHaveProperty('lastUsedAt');
    const [record] = (await allItems(idp.tableName)).filter((item) => item.pk === `APIKEY#${used.id}`);
    expect(record.lastUsedAt).toBe(first);

    expect((await idp.request(envPath(envA), { apiKey: used.apiKey })).status).toBe(200);
    expect((await entry(used.id))?.lastUsedAt).toBe(first);
  });

  it('authenticates a key stored before the org index existed, and lists it from its first use on', async () => {
    const legacy = generateApiKey();
    const createdAt = '2020-01-01T00:00:00.000Z';
    await testDocumentClient().send(
      new PutCommand({
        TableName: idp.tableName,
        Item: { pk: `APIKEY#${legacy.keyId}`, sk: 'APIKEY', type: 'apiKey', keyId: legacy.keyId, orgId: 'org-a', secretHash: legacy.secretHash, createdAt },
      }),
    );
    expect((await list('org-a')).apiKeys.map((key) => key.id)).not.toContain(legacy.keyId);
    expect((await idp.request(envPath(envA), { apiKey: legacy.apiKey })).status).toBe(200);
    const listed = (await list('org-a')).apiKeys;
    expect(listed[0]).toEqual({ id: legacy.keyId, orgId: 'org-a', createdAt, lastUsedAt: expect.any(String) });
    expect((await revoke('org-a', legacy.keyId)).status).toBe(204);
    await expectError(idp.request(envPath(envA), { apiKey: legacy.apiKey }), 401, 'invalid_api_key');
  });

  it('refuses every request that starts after the revocation answered, while 20 requests use the key concurrently (several rounds)', async () => {
    for (let round = 0; round < 5; round++) {
      const key = await createKey('org-a');
      const results: Array<{ startedAt: number; status: number; error?: unknown }> = [];
      let revokedAt: number | undefined;
      const afterRevocation = () => results.filter((result) => revokedAt !== undefined && result.startedAt > revokedAt).length;

      const worker = async () => {
        while (afterRevocation() < 60 && results.length < 5000) {
          const startedAt = performance.now();
          const response = await idp.request(envPath(envA), { apiKey: key.apiKey });
          const body = (await response.json()) as { error?: unknown };
          results.push({ startedAt, status: response.status, error: body.error });
        }
      };
      const revocation = async () => {
        await new Promise((resolve) => setTimeout(resolve, 20 + round * 10));
        const response = await revoke('org-a', key.id);
        revokedAt = performance.now();
        expect(response.status).toBe(204);
      };
      await Promise.all([revocation(), ...Array.from({ length: 20 }, worker)]);

      const late = results.filter((result) => result.startedAt > revokedAt!);
      expect(late.length).toBeGreaterThanOrEqual(60);
      expect(late.filter((result) => result.status !== 401 || result.error !== 'invalid_api_key')).toEqual([]);
      expect(results.filter((result) => result.status !== 200 && result.status !== 401)).toEqual([]);
      expect(results.some((result) => result.status === 200)).toBe(true);
      expect(await keyItems(key.id)).toEqual([]);
    }
  });
});
