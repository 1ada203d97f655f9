import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { parseCertificate } from '../../../src/domain/chain';
import { anchorIdentity } from '../../../src/domain/chain/anchor-identity';
import { testS3Client } from '../../support/emulators';
import { type OpensslRecipe, openssl, runOpensslRecipe } from '../../support/pki-openssl';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../../support/test-idp';
import { bucketKeys, certificatesPath, curlUpload, errorOf, pemFingerprint, storedRoots, uploadFile } from './support';

/*
 * docs/contract.md §3.1 as a platform team drives it: the documented OpenSSL recipe makes
 * the root, the documented curl command uploads it, then list and delete.
 */
describe('root CA upload, list and delete (docs/contract.md §3.1)', () => {
  let idp: TestIdp;
  let env: EnvironmentInfo;
  let recipe: OpensslRecipe;
  let fingerprint: string;
  const curl = () => curlUpload(`${idp.baseUrl}${certificatesPath(env.clientPoolId)}`, idp.adminApiKey, 'root-ca.crt', recipe.dir);
  const list = async () => {
    const response = await idp.request(certificatesPath(env.clientPoolId));
    expect(response.status).toBe(200);
    return ((await response.json()) as { certificates: Record<string, string>[] }).certificates;
  };

  beforeAll(async () => {
    [idp, recipe] = await Promise.all([startTestIdp(), runOpensslRecipe()]);
    env = await idp.createEnvironment();
    fingerprint = pemFingerprint(recipe.rootPem);
  });
  afterAll(async () => {
    recipe?.cleanup();
    await idp?.stop();
  });

  it('starts with an empty trust list', async () => {
    expect(await list()).toEqual([]);
  });

  it('accepts the recipe root uploaded with the documented curl command: 201 and the exact body', async () => {
    const { status, body } = await curl();
    expect(status).toBe(201);
    expect(body).toEqual({
      success: true,
      message: 'Certificate uploaded successfully',
      clientPoolId: env.clientPoolId,
      filename: 'root-ca.crt',
      fingerprint,
    });
  });

  it('stores one DynamoDB record and one S3 object keyed by the SHA-256 fingerprint', async () => {
    const roots = await storedRoots(idp.tableName, env.clientPoolId);
    expect(roots).toHaveLength(1);
    // One record per trust anchor, keyed by its subject and key (RFC 5280 §6.1.1 (d)), answering to the fingerprint uploaded.
    expect(roots[0]).toMatchObject({
      sk: `ROOT#${anchorIdentity(parseCertificate(recipe.root))}`,
      fingerprint,
      fingerprints: [fingerprint],
      filename: 'root-ca.crt',
    });
    expect(Buffer.from(String(roots[0].der), 'base64').equals(Buffer.from(recipe.root))).toBe(true);
    const key = String(roots[0].objectKey);
    expect(key).toMatch(new RegExp(`^pools/${env.clientPoolId}/roots/${fingerprint}/[0-9a-f-]{36}\\.pem$`));
    expect(await bucketKeys(idp.bucketName)).toEqual([key]);
    const object = await testS3Client().send(new GetObjectCommand({ Bucket: idp.bucketName, Key: key }));
    expect(new X509Certificate(await object.Body!.transformToString()).fingerprint256).toBe(new X509Certificate(recipe.rootPem).fingerprint256);
  });

  it('lists the root with fingerprint, subject, validity, filename and upload time', async () => {
    const x509 = new X509Certificate(recipe.rootPem);
    const certificates = await list();
    expect(certificates).toEqual([
      {
        fingerprint,
        fingerprints: [fingerprint],
        subject: expect.stringContaining('CN=Root CA'),
        notBefore: new Date(x509.validFrom).toISOString(),
        notAfter: new Date(x509.validTo).toISOString(),
        filename: 'root-ca.crt',
        uploadedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      },
    ]);
    expect(certificates[0].subject).toContain('O=Organization');
    expect(Math.abs(Date.parse(certificates[0].uploadedAt) - Date.now())).toBeLessThan(60_000);
  });

  it('is idempotent: the same root again answers 200 and keeps one stored copy, uploadedAt unchanged', async () => {
    const [before] = await list();
    const { status, body } = await curl();
    expect(status).toBe(200);
    expect(body).toMatchObject({ success: true, clientPoolId: env.clientPoolId, filename: 'root-ca.crt', fingerprint });
    expect(await storedRoots(idp.tableName, env.clientPoolId)).toHaveLength(1);
    expect(await bucketKeys(idp.bucketName)).toHaveLength(1);
    expect(await list()).toEqual([before]);
  });

  it('refuses a fingerprint that is not 64 hex digits with 400 invalid_fingerprint', async () => {
    for (const bad of ['abc', `${fingerprint}00`, 'z'.repeat(64)]) {
      const response = await idp.request(`${certificatesPath(env.clientPoolId)}/${bad}`, { method: 'DELETE' });
      expect(await errorOf(response)).toEqual({ status: 400, error: 'invalid_fingerprint' });
    }
    expect(await list()).toHaveLength(1);
  });

  it('answers 404 certificate_not_found for an unknown fingerprint and removes nothing', async () => {
    const response = await idp.request(`${certificatesPath(env.clientPoolId)}/${'0'.repeat(64)}`, { method: 'DELETE' });
    expect(await errorOf(response)).toEqual({ status: 404, error: 'certificate_not_found' });
    expect(await bucketKeys(idp.bucketName)).toHaveLength(1);
  });

  it('deletes by fingerprint (any hex case): 204, then the list is empty and the S3 object is gone', async () => {
    const response = await idp.request(`${certificatesPath(env.clientPoolId)}/${fingerprint.toUpperCase()}`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(await list()).toEqual([]);
    expect(await storedRoots(idp.tableName, env.clientPoolId)).toEqual([]);
    expect(await bucketKeys(idp.bucketName)).toEqual([]);
  });

  it('answers 404 for the same fingerprint once deleted', async () => {
    const response = await idp.request(`${certificatesPath(env.clientPoolId)}/${fingerprint}`, { method: 'DELETE' });
    expect(await errorOf(response)).toEqual({ status: 404, error: 'certificate_not_found' });
  });

  it('keeps several roots per pool (rotation) and lists them in upload order', async () => {
    const other = await runOpensslRecipe({ caKeyBits: 2048 });
    try {
      expect((await curl()).status).toBe(201);
      expect((await uploadFile(idp, env.clientPoolId, other.rootPem, 'next-root.pem')).status).toBe(201);
      expect((await list()).map((c) => [c.filename, c.fingerprint])).toEqual([
        ['root-ca.crt', fingerprint],
        ['next-root.pem', pemFingerprint(other.rootPem)],
      ]);
      expect(await bucketKeys(idp.bucketName)).toHaveLength(2);
    } finally {
      other.cleanup();
    }
  });

  it('keeps pools apart: another pool sees none of these roots', async () => {
    const second = await idp.createEnvironment(env.orgId, 'staging');
    const response = await idp.request(certificatesPath(second.clientPoolId));
    expect(await response.json()).toEqual({ certificates: [] });
  });

  it('answers 404 pool_not_found for an unknown pool on upload, list and delete', async () => {
    const pool = 'pool-doesnotexist';
    const upload = await uploadFile(idp, pool, recipe.rootPem);
    expect(await errorOf(upload)).toEqual({ status: 404, error: 'pool_not_found' });
    expect(await errorOf(await idp.request(certificatesPath(pool)))).toEqual({ status: 404, error: 'pool_not_found' });
    const remove = await idp.request(`${certificatesPath(pool)}/${fingerprint}`, { method: 'DELETE' });
    expect(await errorOf(remove)).toEqual({ status: 404, error: 'pool_not_found' });
  });

  /* RFC 7468 §2: the files platform teams actually have upload as they are (README "Upload a root CA"). */
  it.each([
    [
      'exported by openssl pkcs12 -nokeys (Bag Attributes, subject=, issuer= before the block)',
      'root-export.pem',
      () => {
        openssl(['pkcs12', '-export', '-in', 'root-ca.crt', '-inkey', 'root-ca.key', '-out', 'root-ca.p12', '-passout', 'pass:changeit'], recipe.dir);
        return openssl(['pkcs12', '-in', 'root-ca.p12', '-nokeys', '-passin', 'pass:changeit'], recipe.dir);
      },
    ],
    [
      'saved by Notepad (UTF-8 byte-order mark, CRLF line ends, trailing spaces)',
      'root-ca-notepad.crt',
      () => `\ufeff${recipe.rootPem.replace(/\n/g, '  \r\n')}`,
    ],
  ])('accepts a root %s, uploaded with curl: 201, its fingerprint, the canonical PEM stored', async (_name, filename, make) => {
    const content = make();
    expect(content).toMatch(
      filename === 'root-export.pem' ? /^Bag Attributes\n[\s\S]*subject=[\s\S]*-----BEGIN CERTIFICATE-----/ : /^\ufeff-----BEGIN CERTIFICATE----- {2}\r\n/,
    );
    writeFileSync(join(recipe.dir, filename), content);
    const pool = await idp.createEnvironment();
    const { status, body } = await curlUpload(`${idp.baseUrl}${certificatesPath(pool.clientPoolId)}`, idp.adminApiKey, filename, recipe.dir);
    expect(status).toBe(201);
    expect(body).toEqual({ success: true, message: 'Certificate uploaded successfully', clientPoolId: pool.clientPoolId, filename, fingerprint });
    const roots = await storedRoots(idp.tableName, pool.clientPoolId);
    expect(roots).toHaveLength(1);
    expect(Buffer.from(String(roots[0].der), 'base64').equals(Buffer.from(recipe.root))).toBe(true);
    const object = await testS3Client().send(new GetObjectCommand({ Bucket: idp.bucketName, Key: String(roots[0].objectKey) }));
    expect(await object.Body!.transformToString()).toBe(recipe.rootPem);
  });
});
