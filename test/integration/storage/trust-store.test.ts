import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RootCertificate } from '../../../src/domain/model';
import { DynamoDeviceRepository } from '../../../src/storage/dynamo-device-repository';
import { DynamoDirectoryRepository } from '../../../src/storage/dynamo-directory-repository';
import { DynamoTrustStoreRepository } from '../../../src/storage/dynamo-trust-store-repository';
import { keys, POOL_ANCHORS } from '../../../src/storage/keys';
import { S3CertificateObjectStore } from '../../../src/storage/s3-certificate-object-store';
import { withOverrides } from '../../support/document-client-overrides';
import { createTestBucket, createTestTable, testDocumentClient, testS3Client, testTableClient } from '../../support/emulators';
import { TEST_TRUST_WINDOW } from '../../support/trust-window';

const root = (fingerprint: string, extra: Partial<RootCertificate> = {}): RootCertificate => ({
  anchorId: fingerprint,
  fingerprint,
  fingerprints: [fingerprint],
  subject: 'CN=Root CA,O=Organization,C=US',
  notBefore: '2030-01-01T00:00:00.000Z',
  notAfter: '2040-01-01T00:00:00.000Z',
  filename: 'root-ca.crt',
  uploadedAt: '2030-06-01T00:00:00.000Z',
  der: Buffer.from(`der of ${fingerprint}`).toString('base64'),
  objectKey: `pools/pool-a/roots/${fingerprint}.pem`,
  ...extra,
});
const fp = (digit: string) => digit.repeat(64);

/* A pool's trusted roots in DynamoDB (what the token function reads). */
describe('DynamoTrustStoreRepository', () => {
  let tableName: string;
  let store: DynamoTrustStoreRepository;
  let directory: DynamoDirectoryRepository;

  beforeAll(async () => {
    tableName = await createTestTable();
    store = new DynamoTrustStoreRepository(testTableClient(), tableName, TEST_TRUST_WINDOW);
    directory = new DynamoDirectoryRepository(testTableClient(), tableName, TEST_TRUST_WINDOW);
    await directory.createOrg({ orgId: 'o', name: 'o', createdAt: '2030-01-01T00:00:00.000Z' });
    for (const [envId, clientPoolId] of [
      ['e', 'pool-a'],
      ['z', 'pool-z'],
    ]) {
      await directory.createEnvironment({ orgId: 'o', envId, name: envId, clientPoolId, createdAt: '2030-01-01T00:00:00.000Z' });
    }
  });

  /** The pool item's trust list (anchorId → base64 DER): what the token path reads. */
  const anchorsOf = async (poolId: string) => (await rawItem(keys.pool(poolId)))?.[POOL_ANCHORS];
  const rawItem = async (key: { pk: string; sk: string }) =>
    (await testDocumentClient().send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;

  it("puts a root once (true) and reads it back whole, its DER in the pool item's trust list in the same write", async () => {
    expect(await anchorsOf('pool-a')).toEqual({});
    expect(await store.createRoot('pool-a', root(fp('a')))).toBe(true);
    expect(await store.getRoot('pool-a', fp('a'))).toEqual(root(fp('a')));
    expect(await anchorsOf('pool-a')).toEqual({ [fp('a')]: root(fp('a')).der });
  });

  it('refuses to overwrite a stored root (false) and keeps the first record', async () => {
    expect(await store.createRoot('pool-a', root(fp('a'), { filename: 'again.pem', uploadedAt: '2031-01-01T00:00:00.000Z' }))).toBe(false);
    expect(await store.getRoot('pool-a', fp('a'))).toEqual(root(fp('a')));
  });

  it("lists only this pool's roots, not its devices or another pool's roots", async () => {
    await store.createRoot('pool-a', root(fp('b')));
    await store.createRoot('pool-z', root(fp('c')));
    await new DynamoDeviceRepository(testTableClient(), { config: tableName, runtime: tableName }).createDevice('pool-a', {
      deviceId: 'd1',
      orgId: 'o',
      envId: 'e',
      preRegistered: true,
      status: 'active',
      createdAt: '2030-01-01T00:00:00.000Z',
    });
    expect((await store.listRoots('pool-a')).map((r) => r.fingerprint).sort()).toEqual([fp('a'), fp('b')]);
    expect(await store.listRoots('pool-z')).toEqual([root(fp('c'))]);
    expect(await store.listRoots('pool-empty')).toEqual([]);
  });

  it('replaces an anchor record (certificate held, fingerprints, object) only from the object it still points at', async () => {
    const renewed = root(fp('b'), { fingerprint: fp('d'), fingerprints: [fp('b'), fp('d')], objectKey: `pools/pool-a/roots/${fp('d')}/second.pem` });
    const epochBefore = (await directory.getPool('pool-a'))?.trustEpoch;
    expect(await store.replaceRoot('pool-a', renewed, 'not-the-current-object', { certificateChanged: true })).toBe(false);
    expect(await store.getRoot('pool-a', fp('b'))).toEqual(root(fp('b')));
    expect((await anchorsOf('pool-a'))?.[fp('b')]).toBe(root(fp('b')).der);
    // Another certificate for the anchor may trust less (its own validity, constraints): a trust change, epoch and settle.
    const started = performance.now();
    expect(await store.replaceRoot('pool-a', { ...renewed, der: 'cmVuZXdlZA==' }, root(fp('b')).objectKey, { certificateChanged: true })).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(TEST_TRUST_WINDOW.settleMs);
    expect(await store.getRoot('pool-a', fp('b'))).toEqual({ ...renewed, der: 'cmVuZXdlZA==' });
    expect((await anchorsOf('pool-a'))?.[fp('b')]).toBe('cmVuZXdlZA==');
    expect((await directory.getPool('pool-a'))?.trustEpoch).toBe((epochBefore ?? 0) + 1);
    // The same certificate again only moves its S3 object: no trust change.
    const moved = { ...renewed, der: 'cmVuZXdlZA==', objectKey: `pools/pool-a/roots/${fp('d')}/third.pem` };
    expect(await store.replaceRoot('pool-a', moved, renewed.objectKey, { certificateChanged: false })).toBe(true);
    expect((await directory.getPool('pool-a'))?.trustEpoch).toBe((epochBefore ?? 0) + 1);
    await store.replaceRoot('pool-a', root(fp('b')), moved.objectKey, { certificateChanged: true });
    expect(await store.replaceRoot('pool-a', root(fp('9')), 'x', { certificateChanged: false })).toBe(false);
    expect(await store.getRoot('pool-a', fp('9'))).toBeUndefined();
  });

  it("a root deleted between the first write's listing of records and its write never re-enters a pool's new trust list", async () => {
    const legacyPool = { ...keys.pool('pool-torn'), type: 'pool', clientPoolId: 'pool-torn', orgId: 'o', envId: 'torn' };
    await testDocumentClient().send(new PutCommand({ TableName: tableName, Item: legacyPool }));
    await testDocumentClient().send(new PutCommand({ TableName: tableName, Item: { ...keys.root('pool-torn', fp('5')), type: 'root', ...root(fp('5')) } }));
    let deleted = false;
    // The record listing of the first write is answered, then the delete commits, then the write is tried.
    const racing = withOverrides(testTableClient(), {
      query: async (input, options) => {
        const answer = await testTableClient().query(input, options);
        if (!deleted) {
          deleted = true;
          expect(await store.deleteRoots('pool-torn', [root(fp('5'))])).toBe(true);
        }
        return answer;
      },
    });
    const torn = new DynamoTrustStoreRepository(racing, tableName, TEST_TRUST_WINDOW);
    expect(await torn.createRoot('pool-torn', root(fp('6')))).toBe(true);
    expect(deleted).toBe(true);
    expect(await anchorsOf('pool-torn')).toEqual({ [fp('6')]: root(fp('6')).der });
  });

  it('a trust change whose write fails without proof that nothing was written answers only after the settle wait', async () => {
    const lost = withOverrides(testTableClient(), {
      transactWrite: async (input, options) => {
        await testTableClient().transactWrite(input, options);
        throw Object.assign(new Error('socket hang up after the request was sent'), { name: 'TimeoutError' });
      },
    });
    await store.createRoot('pool-a', root(fp('7')));
    const started = performance.now();
    await expect(new DynamoTrustStoreRepository(lost, tableName, TEST_TRUST_WINDOW).deleteRoots('pool-a', [root(fp('7'))])).rejects.toMatchObject({
      name: 'DependencyError',
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(TEST_TRUST_WINDOW.settleMs);
    // It did commit: the root is gone.
    expect(await store.getRoot('pool-a', fp('7'))).toBeUndefined();
  });

  it('a pool item without a trust list (written before it existed) gets it whole, from its records, in its first root write; deletes keep it in step', async () => {
    const legacyPool = { ...keys.pool('pool-old'), type: 'pool', clientPoolId: 'pool-old', orgId: 'o', envId: 'old' };
    await testDocumentClient().send(new PutCommand({ TableName: tableName, Item: legacyPool }));
    const { anchorId: _id, fingerprints: _fps, ...legacyRecord } = root(fp('1'));
    await testDocumentClient().send(new PutCommand({ TableName: tableName, Item: { ...keys.root('pool-old', fp('1')), type: 'root', ...legacyRecord } }));
    expect(await anchorsOf('pool-old')).toBeUndefined();
    // A delete on a pool without the list removes the record and leaves the list absent.
    await testDocumentClient().send(new PutCommand({ TableName: tableName, Item: { ...keys.root('pool-old', fp('3')), type: 'root', ...root(fp('3')) } }));
    expect(await store.deleteRoots('pool-old', [root(fp('3'))])).toBe(true);
    expect(await anchorsOf('pool-old')).toBeUndefined();

    expect(await store.createRoot('pool-old', root(fp('2')))).toBe(true);
    expect(await anchorsOf('pool-old')).toEqual({ [fp('1')]: root(fp('1')).der, [fp('2')]: root(fp('2')).der });
    expect(await store.deleteRoots('pool-old', [root(fp('1'))])).toBe(true);
    expect(await anchorsOf('pool-old')).toEqual({ [fp('2')]: root(fp('2')).der });
  });

  it('concurrent first writes to a pool without a trust list: each record ends in it', async () => {
    const legacyPool = { ...keys.pool('pool-race'), type: 'pool', clientPoolId: 'pool-race', orgId: 'o', envId: 'race' };
    await testDocumentClient().send(new PutCommand({ TableName: tableName, Item: legacyPool }));
    const ids = ['4', '5', '6', '7', '8'].map(fp);
    expect(await Promise.all(ids.map((id) => store.createRoot('pool-race', root(id))))).toEqual(ids.map(() => true));
    expect(Object.keys((await anchorsOf('pool-race')) as object).sort()).toEqual(ids);
  });

  it('reads a record written before anchors were keyed by identity as an anchor with its one fingerprint', async () => {
    const { fingerprints: _fingerprints, anchorId, ...legacy } = root(fp('e'));
    await testDocumentClient().send(
      new PutCommand({ TableName: tableName, Item: { pk: 'POOL#pool-legacy', sk: `ROOT#${anchorId}`, type: 'root', ...legacy } }),
    );
    expect(await store.listRoots('pool-legacy')).toEqual([root(fp('e'))]);
  });

  it('deletes records only while each points at the expected object, all or none, moving the pool trustEpoch with them', async () => {
    await store.createRoot('pool-a', root(fp('f')));
    const epoch = (await directory.getPool('pool-a'))!.trustEpoch;
    expect(await store.deleteRoots('pool-a', [{ anchorId: fp('a'), objectKey: 'another-object' }])).toBe(false);
    expect(await store.deleteRoots('pool-a', [root(fp('f')), { anchorId: fp('a'), objectKey: 'another-object' }])).toBe(false);
    expect((await store.listRoots('pool-a')).map((r) => r.anchorId).sort()).toEqual([fp('a'), fp('b'), fp('f')]);
    expect((await directory.getPool('pool-a'))?.trustEpoch).toBe(epoch);
    expect(Object.keys((await anchorsOf('pool-a')) as object).sort()).toEqual([fp('a'), fp('b'), fp('f')]);
    expect(await store.deleteRoots('pool-a', [root(fp('a')), root(fp('f'))])).toBe(true);
    expect(Object.keys((await anchorsOf('pool-a')) as object)).toEqual([fp('b')]);
    expect(await store.getRoot('pool-a', fp('a'))).toBeUndefined();
    expect((await store.listRoots('pool-a')).map((r) => r.anchorId)).toEqual([fp('b')]);
    expect(await store.listRoots('pool-z')).toHaveLength(1);
    expect((await directory.getPool('pool-a'))?.trustEpoch).toBe(epoch + 1);
    expect(await store.deleteRoots('pool-a', [root(fp('a'))])).toBe(false);
    expect((await directory.getPool('pool-a'))?.trustEpoch).toBe(epoch + 1);
  });
});

/* The PEM copies in S3 (docs/contract.md §3.1: stored under the pool, keyed by fingerprint). */
describe('S3CertificateObjectStore', () => {
  let bucketName: string;
  let objects: S3CertificateObjectStore;
  const keysInBucket = async () => ((await testS3Client().send(new ListObjectsV2Command({ Bucket: bucketName }))).Contents ?? []).map((o) => o.Key);
  const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

  beforeAll(async () => {
    bucketName = await createTestBucket();
    objects = new S3CertificateObjectStore(testS3Client(), bucketName);
  });

  it('puts the PEM under its key with a PEM content type', async () => {
    await objects.put('pools/pool-a/roots/abc.pem', PEM);
    const object = await testS3Client().send(new GetObjectCommand({ Bucket: bucketName, Key: 'pools/pool-a/roots/abc.pem' }));
    expect(await object.Body?.transformToString()).toBe(PEM);
    expect(object.ContentType).toBe('application/x-pem-file');
    expect(await keysInBucket()).toEqual(['pools/pool-a/roots/abc.pem']);
  });

  it('overwrites the same key instead of adding a copy', async () => {
    await objects.put('pools/pool-a/roots/abc.pem', PEM);
    expect(await keysInBucket()).toEqual(['pools/pool-a/roots/abc.pem']);
  });

  it('deletes the object, and deleting a missing key is not an error', async () => {
    await objects.delete('pools/pool-a/roots/abc.pem');
    expect(await keysInBucket()).toEqual([]);
    await expect(objects.delete('pools/pool-a/roots/abc.pem')).resolves.toBeUndefined();
  });

  it('reports a missing bucket as a dependency failure (503), not a crash', async () => {
    await expect(new S3CertificateObjectStore(testS3Client(), 'no-such-bucket-here').put('k', PEM)).rejects.toMatchObject({
      name: 'DependencyError',
      dependency: 's3',
    });
  });
});
