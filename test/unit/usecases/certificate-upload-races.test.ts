import type { RootCertificate } from '../../../src/domain/model';
import { DependencyError } from '../../../src/errors';
import { makeRoot, type TestCertificate } from '../../support/pki';
import { certificateWorld, POOL } from './certificate-world';
import { outcomeOf } from './outcome';

/*
 * docs/contract.md §3.1 root upload against concurrent uploads and deletes
 * (src/usecases/certificates.ts: record changes are conditioned on the
 * object key read) and failing writes: whatever happens, every object ends
 * referenced by the record or removed, and the answer says what is stored.
 */
describe('CertificateService.upload under concurrent writers and failures', () => {
  let root: TestCertificate;

  beforeAll(async () => {
    root = await makeRoot();
  });

  it('creates the record again when a concurrent delete removed the one that was in the way', async () => {
    const { trustStore, objects, upload } = certificateWorld();
    trustStore.log.before('createRoot', (pool: string, record: RootCertificate) =>
      trustStore.records.set(`${pool}|${record.anchorId}`, { ...record, objectKey: 'theirs' }),
    );
    trustStore.log.before('getRoot', (pool: string, anchorId: string) => trustStore.records.delete(`${pool}|${anchorId}`));
    expect(await upload(root)).toMatchObject({ created: true, body: { message: 'Certificate uploaded successfully' } });
    const [record] = trustStore.rootsOf(POOL).values();
    expect([...objects.objects.keys()]).toEqual([record.objectKey]);
    expect(trustStore.log.of('createRoot')).toHaveLength(2);
  });

  it('recognises its own write whose answer was lost (an SDK retry finds it) and answers 201', async () => {
    const { trustStore, objects, upload } = certificateWorld();
    trustStore.log.before('createRoot', (pool: string, record: RootCertificate) => trustStore.records.set(`${pool}|${record.anchorId}`, record));
    expect(await upload(root)).toMatchObject({ created: true });
    const [record] = trustStore.rootsOf(POOL).values();
    expect([...objects.objects.keys()]).toEqual([record.objectKey]);
    expect(trustStore.log.of('replaceRoot')).toEqual([]);
  });

  it('answers 503 after 8 rounds of records re-pointed by concurrent uploads, and removes its own object', async () => {
    const { trustStore, objects, upload } = certificateWorld();
    await upload(root);
    const [anchorId] = trustStore.rootsOf(POOL).keys();
    for (let round = 1; round <= 8; round++) {
      trustStore.log.before('replaceRoot', () => {
        const record = trustStore.records.get(`${POOL}|${anchorId}`)!;
        trustStore.records.set(`${POOL}|${anchorId}`, { ...record, objectKey: `concurrent-${round}` });
      });
    }
    const before = new Set(objects.objects.keys());
    expect(await outcomeOf(upload(root))).toBe('dependency:dynamodb');
    expect(trustStore.log.of('replaceRoot')).toHaveLength(8);
    expect([...objects.objects.keys()].filter((key) => !before.has(key))).toEqual([]);
    expect(trustStore.rootsOf(POOL).get(anchorId)?.objectKey).toBe('concurrent-8');
  });

  it('a failed record write answers 503 and leaves neither record nor object', async () => {
    const { trustStore, objects, upload } = certificateWorld();
    trustStore.log.failNext('createRoot', new DependencyError('dynamodb', new Error('timeout')));
    expect(await outcomeOf(upload(root))).toBe('dependency:dynamodb');
    expect(trustStore.records.size).toBe(0);
    expect(objects.objects.size).toBe(0);
    const [[written]] = objects.log.of('put');
    expect(objects.log.of('delete')).toEqual([[written]]);
  });

  it('a failed object write answers 503 and writes no record', async () => {
    const { trustStore, objects, upload } = certificateWorld();
    objects.log.failNext('put', new DependencyError('s3', new Error('SlowDown')));
    expect(await outcomeOf(upload(root))).toBe('dependency:s3');
    expect(trustStore.log.calls).toEqual([]);
  });

  it('still answers 200 when the replaced object cannot be removed (it is only an orphan copy)', async () => {
    const { trustStore, objects, upload } = certificateWorld();
    await upload(root);
    const [first] = trustStore.rootsOf(POOL).values();
    objects.log.failNext('delete', new DependencyError('s3', new Error('SlowDown')));
    expect(await upload(root)).toMatchObject({ created: false, body: { message: 'Certificate already uploaded' } });
    const [record] = trustStore.rootsOf(POOL).values();
    expect(new Set(objects.objects.keys())).toEqual(new Set([first.objectKey, record.objectKey]));
  });
});
