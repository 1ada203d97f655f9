import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DependencyError } from '../../../src/errors';
import type { DocumentClient } from '../../../src/storage/document-client';
import { DynamoApiKeyRepository } from '../../../src/storage/dynamo-api-key-repository';
import { type DocumentClientCall, recordingCalls } from '../../support/document-client-overrides';
import { createTestTable, testDocumentClient, testTableClient } from '../../support/emulators';

/* Org API keys (docs/contract.md §3.5): the APIKEY# record, the org's index entry, listing, revocation and lastUsedAt, against DynamoDB Local. */
describe('DynamoApiKeyRepository', () => {
  let tableName: string;
  let apiKeys: DynamoApiKeyRepository;
  const T0 = '2030-01-01T00:00:00.000Z';
  const HASH = 'ab'.repeat(32);
  let serial = 0;
  const newKeyId = () => `k${(0x1000 + serial++).toString(16).padStart(16, '0')}`;
  const create = async (orgId: string, createdAt = T0, keyId = newKeyId()) => {
    await apiKeys.createApiKey({ keyId, orgId, secretHash: HASH, createdAt });
    return keyId;
  };
  const item = async (pk: string, sk: string) =>
    (await testDocumentClient().send(new GetCommand({ TableName: tableName, Key: { pk, sk }, ConsistentRead: true }))).Item;
  const stored = async (orgId: string, keyId: string) => ({
    record: await item(`APIKEY#${keyId}`, 'APIKEY'),
    index: await item(`ORG#${orgId}`, `APIKEY#${keyId}`),
  });

  beforeAll(async () => {
    tableName = await createTestTable();
    apiKeys = new DynamoApiKeyRepository(testTableClient(), tableName);
  });

  describe('createApiKey / findApiKey', () => {
    it('writes the hashed record and an index entry without the hash, and finds the record again', async () => {
      const keyId = await create('acme');
      expect(await stored('acme', keyId)).toEqual({
        record: { pk: `APIKEY#${keyId}`, sk: 'APIKEY', type: 'apiKey', keyId, orgId: 'acme', secretHash: HASH, createdAt: T0 },
        index: { pk: 'ORG#acme', sk: `APIKEY#${keyId}`, type: 'orgApiKey', keyId, orgId: 'acme', createdAt: T0 },
      });
      expect(await apiKeys.findApiKey(keyId)).toEqual({ keyId, orgId: 'acme', secretHash: HASH, createdAt: T0 });
      expect(await apiKeys.findApiKey('kffffffffffffffff')).toBeUndefined();
    });

    it('never overwrites an existing key id, and writes no index entry for the attempt', async () => {
      const keyId = await create('acme');
      await expect(apiKeys.createApiKey({ keyId, orgId: 'evil', secretHash: 'cd'.repeat(32), createdAt: T0 })).rejects.toBeInstanceOf(DependencyError);
      expect(await apiKeys.findApiKey(keyId)).toEqual({ keyId, orgId: 'acme', secretHash: HASH, createdAt: T0 });
      expect(await item('ORG#evil', `APIKEY#${keyId}`)).toBeUndefined();
    });

    it('reads the record with one strongly consistent GetItem', async () => {
      const keyId = await create('acme');
      const { client, sent } = recordingClient(testTableClient());
      await new DynamoApiKeyRepository(client, tableName).findApiKey(keyId);
      expect(sent).toEqual([{ method: 'get', input: expect.objectContaining({ Key: { pk: `APIKEY#${keyId}`, sk: 'APIKEY' }, ConsistentRead: true }) }]);
    });
  });

  describe('listApiKeys', () => {
    it("lists one org's keys ordered by createdAt, without any hash, with one strongly consistent Query and no Scan", async () => {
      const late = await create('listing', '2030-03-01T00:00:00.000Z');
      const early = await create('listing', '2030-01-01T00:00:00.000Z');
      const middle = await create('listing', '2030-02-01T00:00:00.000Z');
      await create('listing-2');
      const { client, sent } = recordingClient(testTableClient());
      const listed = await new DynamoApiKeyRepository(client, tableName).listApiKeys('listing');
      expect(listed).toEqual([
        { keyId: early, orgId: 'listing', createdAt: '2030-01-01T00:00:00.000Z' },
        { keyId: middle, orgId: 'listing', createdAt: '2030-02-01T00:00:00.000Z' },
        { keyId: late, orgId: 'listing', createdAt: '2030-03-01T00:00:00.000Z' },
      ]);
      expect(sent.map((call) => call.method)).toEqual(['query']);
      expect(sent[0].input).toMatchObject({ ConsistentRead: true, ExpressionAttributeValues: { ':pk': 'ORG#listing', ':prefix': 'APIKEY#' } });
      expect(JSON.stringify(listed)).not.toContain(HASH);
    });

    it('answers an empty list for an org without keys (not the org record or its environments)', async () => {
      await testDocumentClient().send(new PutCommand({ TableName: tableName, Item: { pk: 'ORG#bare', sk: 'ORG', type: 'org', orgId: 'bare' } }));
      await testDocumentClient().send(new PutCommand({ TableName: tableName, Item: { pk: 'ORG#bare', sk: 'ENV#prod', type: 'env', orgId: 'bare' } }));
      expect(await apiKeys.listApiKeys('bare')).toEqual([]);
    });
  });

  describe('deleteApiKey', () => {
    it("refuses another org's key (false) and leaves both of its items", async () => {
      const keyId = await create('owner');
      expect(await apiKeys.deleteApiKey('intruder', keyId)).toBe(false);
      expect(await stored('owner', keyId)).toEqual({ record: expect.objectContaining({ orgId: 'owner' }), index: expect.objectContaining({ keyId }) });
    });

    it('removes the record and the index entry together; a second delete is false', async () => {
      const keyId = await create('owner');
      expect(await apiKeys.deleteApiKey('owner', keyId)).toBe(true);
      expect(await stored('owner', keyId)).toEqual({ record: undefined, index: undefined });
      expect(await apiKeys.findApiKey(keyId)).toBeUndefined();
      expect((await apiKeys.listApiKeys('owner')).map((key) => key.keyId)).not.toContain(keyId);
      expect(await apiKeys.deleteApiKey('owner', keyId)).toBe(false);
    });

    it('answers exactly one of two concurrent deletes with true', async () => {
      for (let round = 0; round < 5; round++) {
        const keyId = await create('racing');
        expect((await Promise.all([apiKeys.deleteApiKey('racing', keyId), apiKeys.deleteApiKey('racing', keyId)])).sort()).toEqual([false, true]);
        expect(await stored('racing', keyId)).toEqual({ record: undefined, index: undefined });
      }
    });
  });

  describe('recordUse (lastUsedAt)', () => {
    const summary = (orgId: string, keyId: string) => ({ keyId, orgId, createdAt: T0 });

    it('sets lastUsedAt on the record and the index entry, and listing shows it', async () => {
      const keyId = await create('usage');
      expect(await apiKeys.recordUse(summary('usage', keyId), '2030-05-01T00:00:00.000Z', '2030-04-30T23:55:00.000Z')).toBe(true);
      expect((await apiKeys.findApiKey(keyId))?.lastUsedAt).toBe('2030-05-01T00:00:00.000Z');
      expect(await apiKeys.listApiKeys('usage')).toEqual([{ keyId, orgId: 'usage', createdAt: T0, lastUsedAt: '2030-05-01T00:00:00.000Z' }]);
    });

    it('writes nothing while the stored value is not older than staleBefore, and again once it is', async () => {
      const keyId = await create('usage-2');
      await apiKeys.recordUse(summary('usage-2', keyId), '2030-05-01T00:00:00.000Z', '2030-04-30T23:55:00.000Z');
      expect(await apiKeys.recordUse(summary('usage-2', keyId), '2030-05-01T00:04:00.000Z', '2030-04-30T23:59:00.000Z')).toBe(false);
      expect(await apiKeys.recordUse(summary('usage-2', keyId), '2030-05-01T00:05:00.000Z', '2030-05-01T00:00:00.000Z')).toBe(false);
      expect((await stored('usage-2', keyId)).index?.lastUsedAt).toBe('2030-05-01T00:00:00.000Z');
      expect(await apiKeys.recordUse(summary('usage-2', keyId), '2030-05-01T00:05:01.000Z', '2030-05-01T00:00:01.000Z')).toBe(true);
      expect(await stored('usage-2', keyId)).toMatchObject({
        record: { lastUsedAt: '2030-05-01T00:05:01.000Z' },
        index: { lastUsedAt: '2030-05-01T00:05:01.000Z' },
      });
    });

    it('never brings a revoked key back, nor writes for a key claimed under another org', async () => {
      const keyId = await create('usage-3');
      expect(await apiKeys.recordUse(summary('elsewhere', keyId), '2030-05-01T00:00:00.000Z', '2030-04-30T23:55:00.000Z')).toBe(false);
      expect(await item('ORG#elsewhere', `APIKEY#${keyId}`)).toBeUndefined();
      await apiKeys.deleteApiKey('usage-3', keyId);
      expect(await apiKeys.recordUse(summary('usage-3', keyId), '2030-05-01T00:00:00.000Z', '2030-04-30T23:55:00.000Z')).toBe(false);
      expect(await stored('usage-3', keyId)).toEqual({ record: undefined, index: undefined });
    });

    it('leaves nothing behind when uses race a revocation (several rounds)', async () => {
      for (let round = 0; round < 5; round++) {
        const keyId = await create('race-use');
        const uses = Array.from({ length: 10 }, (_, i) =>
          apiKeys.recordUse(summary('race-use', keyId), `2030-05-01T00:00:0${i}.000Z`, '2030-04-30T23:55:00.000Z'),
        );
        const [deleted] = await Promise.all([apiKeys.deleteApiKey('race-use', keyId), ...uses]);
        expect(deleted).toBe(true);
        expect(await stored('race-use', keyId)).toEqual({ record: undefined, index: undefined });
      }
      expect(await apiKeys.listApiKeys('race-use')).toEqual([]);
    });
  });

  describe('a key stored before the org index existed (only its APIKEY# record)', () => {
    it('is found, is not listed, and is indexed by its first recorded use, keeping its createdAt', async () => {
      const keyId = newKeyId();
      const legacy = { pk: `APIKEY#${keyId}`, sk: 'APIKEY', type: 'apiKey', keyId, orgId: 'legacy', secretHash: HASH, createdAt: '2029-06-01T00:00:00.000Z' };
      await testDocumentClient().send(new PutCommand({ TableName: tableName, Item: legacy }));
      const found = await apiKeys.findApiKey(keyId);
      expect(found).toEqual({ keyId, orgId: 'legacy', secretHash: HASH, createdAt: '2029-06-01T00:00:00.000Z' });
      expect(await apiKeys.listApiKeys('legacy')).toEqual([]);
      expect(await apiKeys.recordUse({ keyId, orgId: 'legacy', createdAt: found!.createdAt }, '2030-05-01T00:00:00.000Z', '2030-04-30T23:55:00.000Z')).toBe(
        true,
      );
      expect(await apiKeys.listApiKeys('legacy')).toEqual([
        { keyId, orgId: 'legacy', createdAt: '2029-06-01T00:00:00.000Z', lastUsedAt: '2030-05-01T00:00:00.000Z' },
      ]);
    });

    it('can be revoked before it was ever indexed', async () => {
      const keyId = newKeyId();
      await testDocumentClient().send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: `APIKEY#${keyId}`, sk: 'APIKEY', type: 'apiKey', keyId, orgId: 'legacy', secretHash: HASH, createdAt: T0 },
        }),
      );
      expect(await apiKeys.deleteApiKey('legacy', keyId)).toBe(true);
      expect(await stored('legacy', keyId)).toEqual({ record: undefined, index: undefined });
    });
  });
});

/** Delegates to the real client and records every call's method and input. */
function recordingClient(client: DocumentClient) {
  const sent: DocumentClientCall[] = [];
  return { client: recordingCalls(client, (call) => sent.push(call)), sent };
}
