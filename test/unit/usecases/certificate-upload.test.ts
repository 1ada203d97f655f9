import { makeIntermediate, makeLeaf, makeRoot, TEST_NOW, type TestCertificate } from '../../support/pki';
import { ACME_KEY, certificateWorld, derOf, fingerprintOf, OTHER_POOL, objectKeyPattern, POOL } from './certificate-world';
import { outcomeOf } from './outcome';

/*
 * docs/contract.md §3.1 root upload: one record per trust anchor (subject and
 * key), its PEM in one object per upload, what is answered and stored on the
 * first upload, a repeat, a renewal with the same key, and under concurrent
 * writers.
 */
describe('CertificateService.upload', () => {
  let root: TestCertificate;
  let renewal: TestCertificate;
  let otherRoot: TestCertificate;

  beforeAll(async () => {
    root = await makeRoot();
    renewal = await makeRoot({ keys: root.keys }); // same subject and key, another serial: the same anchor
    otherRoot = await makeRoot({ cn: 'Second Root CA' });
  });

  it('201: one anchor record with the DER and metadata, the PEM in its own object; trust is added, not taken (no epoch move)', async () => {
    const { trustStore, objects, upload, trustEpoch, iso } = certificateWorld();
    const fingerprint = fingerprintOf(root);
    expect(await upload(root)).toEqual({
      created: true,
      body: { success: true, message: 'Certificate uploaded successfully', clientPoolId: POOL, filename: 'root-ca.crt', fingerprint },
    });
    const records = [...trustStore.rootsOf(POOL).values()];
    expect(records).toEqual([
      {
        anchorId: expect.stringMatching(/^[0-9a-f]{64}$/),
        fingerprint,
        fingerprints: [fingerprint],
        subject: 'CN=Test Root CA',
        notBefore: '2000-01-01T00:00:00.000Z',
        notAfter: '2099-12-31T23:59:59.000Z',
        filename: 'root-ca.crt',
        uploadedAt: iso(),
        der: derOf(root),
        objectKey: expect.stringMatching(objectKeyPattern(root)),
      },
    ]);
    expect(records[0].anchorId).not.toBe(fingerprint);
    expect([...objects.objects]).toEqual([[records[0].objectKey, root.pem]]);
    expect(trustEpoch()).toBe(0);
    expect(trustStore.settles).toBe(0);
  });

  it('stores the bare PEM block of a file with text around it (openssl pkcs12 -nokeys), with CRLF line ends', async () => {
    const { objects, upload } = certificateWorld();
    const exported = `Bag Attributes\r\n    friendlyName: root\r\nsubject=CN = Test Root CA\r\n${root.pem.replace(/\n/g, '\r\n')}`;
    expect((await upload(exported)).created).toBe(true);
    expect([...objects.objects.values()]).toEqual([root.pem]);
  });

  it('200 for the same certificate again: the record keeps its name and upload time, one object remains', async () => {
    const { trustStore, objects, upload, at, trustEpoch } = certificateWorld();
    await upload(root, 'first.pem');
    const first = [...trustStore.rootsOf(POOL).values()][0];
    at(60_000);
    expect(await upload(root, 'second.pem')).toEqual({
      created: false,
      body: { success: true, message: 'Certificate already uploaded', clientPoolId: POOL, filename: 'second.pem', fingerprint: fingerprintOf(root) },
    });
    const [stored] = trustStore.rootsOf(POOL).values();
    expect(stored).toEqual({ ...first, objectKey: expect.stringMatching(objectKeyPattern(root)) });
    expect(stored.objectKey).not.toBe(first.objectKey);
    expect([...objects.objects.keys()]).toEqual([stored.objectKey]);
    expect(trustEpoch()).toBe(0);
  });

  it('200 for a renewal with the same key: the anchor now holds it, answers to both fingerprints, and the trustEpoch moves', async () => {
    const { trustStore, objects, upload, at, iso, trustEpoch } = certificateWorld();
    await upload(root);
    at(60_000);
    expect(await upload(renewal, 'renewed.crt')).toEqual({
      created: false,
      body: {
        success: true,
        message: 'Certificate updated: the pool already trusts this subject and public key, and now holds this certificate for it',
        clientPoolId: POOL,
        filename: 'renewed.crt',
        fingerprint: fingerprintOf(renewal),
        replacedFingerprint: fingerprintOf(root),
      },
    });
    const records = [...trustStore.rootsOf(POOL).values()];
    expect(records).toEqual([
      expect.objectContaining({
        fingerprint: fingerprintOf(renewal),
        fingerprints: [fingerprintOf(root), fingerprintOf(renewal)],
        der: derOf(renewal),
        filename: 'renewed.crt',
        uploadedAt: iso(60_000),
      }),
    ]);
    expect([...objects.objects]).toEqual([[records[0].objectKey, renewal.pem]]);
    expect(trustEpoch()).toBe(1);
    expect(trustStore.settles).toBe(1);
  });

  it('moves a version uploaded again to the end of the fingerprints, and keeps the last 16', async () => {
    const { trustStore, upload } = certificateWorld();
    const versions = [root, renewal, ...(await Promise.all(Array.from({ length: 16 }, () => makeRoot({ keys: root.keys }))))];
    await upload(root);
    await upload(renewal);
    await upload(root);
    expect([...trustStore.rootsOf(POOL).values()][0].fingerprints).toEqual([fingerprintOf(renewal), fingerprintOf(root)]);
    for (const version of versions.slice(2)) await upload(version);
    const [record] = trustStore.rootsOf(POOL).values();
    expect(record.fingerprints).toHaveLength(16);
    expect(record.fingerprints).toEqual([renewal, ...versions.slice(2)].map(fingerprintOf).slice(-16));
    expect(record.fingerprint).toBe(fingerprintOf(versions[17]));
  });

  it('keeps anchors and pools apart: another root is a second record, the same root in another pool is that pool own', async () => {
    const { trustStore, upload } = certificateWorld();
    await upload(root);
    expect((await upload(otherRoot)).created).toBe(true);
    expect((await upload(root, 'root-ca.crt', OTHER_POOL)).created).toBe(true);
    expect(trustStore.rootsOf(POOL).size).toBe(2);
    expect([...trustStore.rootsOf(OTHER_POOL).values()].map((record) => record.objectKey)).toEqual([expect.stringMatching(objectKeyPattern(root, OTHER_POOL))]);
  });

  it.each([
    ['a Windows path', 'C:\\certs\\root-ca.crt', 'root-ca.crt'],
    ['a relative path', '../../etc/root.pem', 'root.pem'],
    ['non-ASCII and control characters', 'rööt\t.crt', 'r__t_.crt'],
    ['no name', '', 'certificate.pem'],
    ['a folder only', 'certs/', 'certificate.pem'],
    ['300 characters', `${'n'.repeat(296)}.crt`, 'n'.repeat(255)],
  ])('keeps the filename printable and bounded: %s', async (_name, filename, stored) => {
    const { trustStore, upload } = certificateWorld();
    expect((await upload(root, filename)).body.filename).toBe(stored);
    expect([...trustStore.rootsOf(POOL).values()][0].filename).toBe(stored);
  });

  it('refuses an org key with forbidden and an unknown or malformed pool with pool_not_found, before reading the file', async () => {
    const { directory, service } = certificateWorld();
    const file = { filename: 'x', content: Buffer.from('not a certificate') };
    expect(await outcomeOf(service.upload(ACME_KEY, POOL, file))).toBe('forbidden');
    expect(directory.log.calls).toEqual([]);
    expect(await outcomeOf(service.upload({ kind: 'admin' }, 'pool-unknown', file))).toBe('pool_not_found');
    expect(await outcomeOf(service.upload({ kind: 'admin' }, '../pool-acme-prod', file))).toBe('pool_not_found');
  });

  it.each([
    ['an empty file', 'empty_file', async () => ' \r\n'],
    ['DER bytes', 'pem_required', async () => Buffer.from(root.der)],
    ['two certificates', 'single_certificate_required', async () => `${root.pem}${otherRoot.pem}`],
    ['a device certificate', 'not_a_ca_certificate', async () => (await makeLeaf(root)).pem],
    ['an intermediate CA', 'not_self_signed', async () => (await makeIntermediate(root)).pem],
    ['an expired root', 'certificate_expired', async () => (await makeRoot({ notAfter: new Date(TEST_NOW.getTime() - 1000) })).pem],
    ['a P-521 root', 'weak_key', async () => (await makeRoot({ keyAlgorithm: 'EC-P521' })).pem],
    ['a SHA-1 signed root', 'weak_signature_algorithm', async () => (await makeRoot({ signature: { hash: 'SHA-1' } })).pem],
  ])('refuses %s with %s, storing no record and no object', async (_name, code, file) => {
    const { trustStore, objects, upload } = certificateWorld();
    expect(await outcomeOf(upload(await file()))).toBe(code);
    expect(trustStore.log.calls).toEqual([]);
    expect(objects.log.calls).toEqual([]);
  });
});
