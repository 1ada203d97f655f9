import type { RootCertificate } from '../../../src/domain/model';
import { makeRoot, type TestCertificate } from '../../support/pki';
import { ACME_KEY, ADMIN, certificateWorld, derOf, fingerprintOf, OTHER_POOL, POOL } from './certificate-world';
import { outcomeOf } from './outcome';

/* docs/contract.md §3.1: GET lists a pool's anchors oldest first; DELETE by the fingerprint of any version removes the whole anchor. */
describe('CertificateService.list', () => {
  let root: TestCertificate;
  let otherRoot: TestCertificate;

  beforeAll(async () => {
    root = await makeRoot();
    otherRoot = await makeRoot({ cn: 'Second Root CA' });
  });

  it('lists the pool anchors oldest first with their public fields only', async () => {
    const { service, upload, at, iso } = certificateWorld();
    await upload(otherRoot, 'second.crt');
    at(-60_000);
    await upload(root, 'first.crt');
    await upload(root, 'elsewhere.crt', OTHER_POOL);
    expect(await service.list(ADMIN, POOL)).toEqual([
      {
        fingerprint: fingerprintOf(root),
        fingerprints: [fingerprintOf(root)],
        subject: 'CN=Test Root CA',
        notBefore: '2000-01-01T00:00:00.000Z',
        notAfter: '2099-12-31T23:59:59.000Z',
        filename: 'first.crt',
        uploadedAt: iso(-60_000),
      },
      expect.objectContaining({ fingerprint: fingerprintOf(otherRoot), subject: 'CN=Second Root CA', filename: 'second.crt', uploadedAt: iso() }),
    ]);
  });

  it('answers an empty list for a pool without roots; forbidden for an org key; pool_not_found for an unknown pool', async () => {
    const { service } = certificateWorld();
    expect(await service.list(ADMIN, POOL)).toEqual([]);
    expect(await outcomeOf(service.list(ACME_KEY, POOL))).toBe('forbidden');
    expect(await outcomeOf(service.list(ADMIN, 'pool-unknown'))).toBe('pool_not_found');
  });
});

describe('CertificateService.remove', () => {
  let root: TestCertificate;
  let renewal: TestCertificate;
  let otherRoot: TestCertificate;

  beforeAll(async () => {
    root = await makeRoot();
    renewal = await makeRoot({ keys: root.keys });
    otherRoot = await makeRoot({ cn: 'Second Root CA' });
  });

  it('removes the anchor record and its object, moves the trustEpoch and waits to settle; other anchors and pools stay', async () => {
    const { service, trustStore, objects, upload, trustEpoch } = certificateWorld();
    await upload(root);
    await upload(otherRoot);
    await upload(root, 'root-ca.crt', OTHER_POOL);
    const kept = [...trustStore.rootsOf(POOL).values()].find((record) => record.fingerprint === fingerprintOf(otherRoot))!;
    const elsewhere = [...trustStore.rootsOf(OTHER_POOL).values()][0];
    await service.remove(ADMIN, POOL, fingerprintOf(root));
    expect([...trustStore.rootsOf(POOL).values()]).toEqual([kept]);
    expect(new Set(objects.objects.keys())).toEqual(new Set([kept.objectKey, elsewhere.objectKey]));
    expect(trustEpoch()).toBe(1);
    expect(trustEpoch(OTHER_POOL)).toBe(0);
    expect(trustStore.settles).toBe(1);
  });

  it('removes a renewed anchor by the fingerprint of its older version, given in upper case', async () => {
    const { service, trustStore, objects, upload } = certificateWorld();
    await upload(root);
    await upload(renewal);
    await service.remove(ADMIN, POOL, fingerprintOf(root).toUpperCase());
    expect(trustStore.rootsOf(POOL).size).toBe(0);
    expect(objects.objects.size).toBe(0);
  });

  it('removes, in one change, every record of the anchor: also one stored before records were keyed by subject and key', async () => {
    const { service, trustStore, objects, upload, trustEpoch } = certificateWorld();
    await upload(renewal);
    const legacy: RootCertificate = {
      anchorId: fingerprintOf(root),
      fingerprint: fingerprintOf(root),
      fingerprints: [fingerprintOf(root)],
      subject: 'CN=Test Root CA',
      notBefore: '2000-01-01T00:00:00.000Z',
      notAfter: '2099-12-31T23:59:59.000Z',
      filename: 'legacy.crt',
      uploadedAt: '2029-01-01T00:00:00.000Z',
      der: derOf(root),
      objectKey: `pools/${POOL}/roots/${fingerprintOf(root)}.pem`,
    };
    trustStore.records.set(`${POOL}|${legacy.anchorId}`, legacy);
    objects.objects.set(legacy.objectKey, root.pem);
    await service.remove(ADMIN, POOL, fingerprintOf(renewal));
    expect(trustStore.rootsOf(POOL).size).toBe(0);
    expect(objects.objects.size).toBe(0);
    expect(trustStore.log.of('deleteRoots')).toEqual([
      [POOL, expect.arrayContaining([expect.objectContaining({ anchorId: legacy.anchorId }), expect.anything()])],
    ]);
    expect(trustEpoch()).toBe(1);
  });

  it('answers certificate_not_found for a fingerprint the pool does not hold, after the settle wait of a delete that may be running', async () => {
    const { service, trustStore, upload, trustEpoch } = certificateWorld();
    await upload(root, 'root-ca.crt', OTHER_POOL);
    expect(await outcomeOf(service.remove(ADMIN, POOL, fingerprintOf(root)))).toBe('certificate_not_found');
    expect(trustStore.settles).toBe(1);
    expect(trustStore.rootsOf(OTHER_POOL).size).toBe(1);
    expect(trustEpoch()).toBe(0);
  });

  it.each([
    ['too short', 'ab'.repeat(31)],
    ['not hex', 'g'.repeat(64)],
    ['with colons', `${'ab:'.repeat(31)}ab`],
    ['empty', ''],
  ])('refuses a fingerprint %s with invalid_fingerprint, reading no root', async (_name, fingerprint) => {
    const { service, trustStore } = certificateWorld();
    expect(await outcomeOf(service.remove(ADMIN, POOL, fingerprint))).toBe('invalid_fingerprint');
    expect(trustStore.log.calls).toEqual([]);
  });

  it('refuses an org key with forbidden and an unknown pool with pool_not_found, whatever the fingerprint', async () => {
    const { service, trustStore, upload } = certificateWorld();
    await upload(root);
    expect(await outcomeOf(service.remove(ACME_KEY, POOL, fingerprintOf(root)))).toBe('forbidden');
    expect(await outcomeOf(service.remove(ADMIN, 'pool-unknown', 'not a fingerprint'))).toBe('pool_not_found');
    expect(trustStore.rootsOf(POOL).size).toBe(1);
  });

  it('succeeds when a concurrent delete removed the anchor first (the retry of a lost answer), after its settle wait', async () => {
    const { service, trustStore, upload, trustEpoch } = certificateWorld();
    await upload(root);
    trustStore.log.before('deleteRoots', () => {
      trustStore.records.clear();
      trustStore.settles++; // the concurrent delete's own wait
    });
    await service.remove(ADMIN, POOL, fingerprintOf(root));
    expect(trustStore.rootsOf(POOL).size).toBe(0);
    expect(trustStore.log.methods().filter((method) => method !== 'getRoot')).toEqual([
      'createRoot',
      'listRoots',
      'deleteRoots',
      'listRoots',
      'settleTrustChange',
    ]);
    expect(trustStore.settles).toBe(2);
    expect(trustEpoch()).toBe(0);
  });

  it('removes what an upload re-pointed meanwhile: the next round deletes the new object too', async () => {
    const { service, trustStore, objects, upload } = certificateWorld();
    await upload(root);
    trustStore.log.before('deleteRoots', async () => {
      await upload(renewal); // a renewal lands between the object deletes and the record delete
    });
    await service.remove(ADMIN, POOL, fingerprintOf(root));
    expect(trustStore.rootsOf(POOL).size).toBe(0);
    expect(objects.objects.size).toBe(0);
    const [refused, applied] = trustStore.log.of('deleteRoots').map(([, roots]) => (roots as RootCertificate[]).map((record) => record.fingerprint));
    expect([refused, applied]).toEqual([[fingerprintOf(root)], [fingerprintOf(renewal)]]);
  });

  it('answers 503 and leaves the anchor trusted when its record keeps changing for 8 rounds', async () => {
    const { service, trustStore, upload, trustEpoch } = certificateWorld();
    await upload(root);
    const [anchorId] = trustStore.rootsOf(POOL).keys();
    for (let round = 1; round <= 8; round++) {
      trustStore.log.before('deleteRoots', () => {
        const record = trustStore.records.get(`${POOL}|${anchorId}`)!;
        trustStore.records.set(`${POOL}|${anchorId}`, { ...record, objectKey: `concurrent-${round}` });
      });
    }
    expect(await outcomeOf(service.remove(ADMIN, POOL, fingerprintOf(root)))).toBe('dependency:dynamodb');
    expect(trustStore.rootsOf(POOL).get(anchorId)).toMatchObject({ fingerprint: fingerprintOf(root), objectKey: 'concurrent-8' });
    expect(trustEpoch()).toBe(0);
  });
});
