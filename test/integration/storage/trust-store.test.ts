import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { RootCertificate } from '../../../src/domain/model';
import { DynamoDeviceRepository } from '../../../src/storage/dynamo-device-repository';
import { DynamoDirectoryRepository } from '../../../src/storage/dynamo-directory-repository';
import { DynamoTrustStoreRepository } from '../../../src/storage/dynamo-trust-store-repository';
import { S3CertificateObjectStore } from '../../../src/storage/s3-certificate-object-store';
import { createTestBucket, createTestTable, testDocumentClient, testS3Client } from '../../support/emulators';

const root = (fingerprint: string, extra: Partial<RootCertificate> = {}): RootCertificate => ({
  fingerprint,
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
    store = new DynamoTrustStoreRepository(testDocumentClient(), tableName);
    directory = new DynamoDirectoryRepository(testDocumentClient(), tableName);
    await directory.createOrg({ orgId: 'o', name: 'o', createdAt: '2030-01-01T00:00:00.000Z' });
  });

  it('puts a root once (true) and reads it back whole', async () => {
    expect(await store.createRoot('pool-a', root(fp('a')))).toBe(true);
    expect(await store.getRoot('pool-a', fp('a'))).toEqual(root(fp('a')));
  });

  it('refuses to overwrite a stored root (false) and keeps the first record', async () => {
    expect(await store.createRoot('pool-a', root(fp('a'), { filename: 'again.pem', uploadedAt: '2031-01-01T00:00:00.000Z' }))).toBe(false);
    expect(await store.getRoot('pool-a', fp('a'))).toEqual(root(fp('a')));
  });

  it("lists only this pool's roots, not its devices or another pool's roots", async () => {
    await store.createRoot('pool-a', root(fp('b')));
    await store.createRoot('pool-z', root(fp('c')));
    await new DynamoDeviceRepository(testDocumentClient(), { config: tableName, runtime: tableName }).createDevice('pool-a', {
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

  it('re-points a root at a new object only from the object it still points at', async () => {
    const moved = `pools/pool-a/roots/${fp('b')}/second.pem`;
    expect(await store.replaceRootObject('pool-a', fp('b'), 'not-the-current-object', moved)).toBe(false);
    expect(await store.replaceRootObject('pool-a', fp('b'), root(fp('b')).objectKey, moved)).toBe(true);
    expect((await store.getRoot('pool-a', fp('b')))?.objectKey).toBe(moved);
    expect(await store.replaceRootObject('pool-a', fp('9'), 'x', 'y')).toBe(false);
    expect(await store.getRoot('pool-a', fp('9'))).toBeUndefined();
  });

  it('deletes a root only while it points at the expected object, moving the pool trustEpoch with it', async () => {
    await directory.createEnvironment({ orgId: 'o', envId: 'e', name: 'e', clientPoolId: 'pool-a', createdAt: '2030-01-01T00:00:00.000Z' });
    expect((await directory.getPool('pool-a'))?.trustEpoch).toBe(0);
    expect(await store.deleteRoot('pool-a', fp('a'), 'another-object')).toBe(false);
    expect(await store.getRoot('pool-a', fp('a'))).toBeDefined();
    expect((await directory.getPool('pool-a'))?.trustEpoch).toBe(0);
    expect(await store.deleteRoot('pool-a', fp('a'), root(fp('a')).objectKey)).toBe(true);
    expect(await store.getRoot('pool-a', fp('a'))).toBeUndefined();
    expect((await store.listRoots('pool-a')).map((r) => r.fingerprint)).toEqual([fp('b')]);
    expect(await store.listRoots('pool-z')).toHaveLength(1);
    expect((await directory.getPool('pool-a'))?.trustEpoch).toBe(1);
    expect(await store.deleteRoot('pool-a', fp('a'), root(fp('a')).objectKey)).toBe(false);
    expect((await directory.getPool('pool-a'))?.trustEpoch).toBe(1);
  });
});

/* The PEM copies in S3 (SPEC §3.1: stored under the pool, keyed by fingerprint). */
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
    await expect(new S3CertificateObjectStore(testS3Client(), 'no-such-bucket-here').put('k', PEM)).rejects.toMatchObject({ name: 'DependencyError', dependency: 's3' });
  });
});
