import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { localS3ClientConfig } from '../../local/emulators/s3-local';
import { makeOrganisationPki, postRoot, requestToken, sha256Hex } from '../support/device-fleet';
import { runWithConcurrency, tally } from '../support/load-stats';
import { makeRoot, type TestCertificate } from '../support/pki';
import { report } from '../support/report';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../support/test-idp';
import { enrolDevice } from '../support/trusted-pool';
import { type RestartableEmulator, startRestartableS3 } from './support/restartable-emulators';
import { outageAnswerShape, TOKEN } from './support/token-expectations';

/*
 * docs/contract.md §3 / §4.4 with s3rver really stopped and restarted on its port and
 * directory: a root upload answers 503 + Retry-After and records nothing in
 * DynamoDB; once S3 is back the bucket holds no object without its record,
 * and a retry stores exactly one record and one object.
 */
jest.setTimeout(120_000);

describe('root CA upload: S3 down', () => {
  let s3: RestartableEmulator;
  let idp: TestIdp;
  let bucket: S3Client;

  beforeAll(async () => {
    s3 = await startRestartableS3();
    idp = await startTestIdp({ s3Endpoint: s3.endpoint });
    bucket = new S3Client({ ...localS3ClientConfig(s3.endpoint), maxAttempts: 1 });
  });
  afterAll(async () => {
    bucket?.destroy();
    if (s3 && !s3.running) await s3.restart().catch(() => undefined);
    await idp?.stop();
    await s3?.dispose();
  });

  const upload = (clientPoolId: string, pem: string, filename?: string) => postRoot(idp, clientPoolId, pem, filename);

  async function objectKeys(clientPoolId: string): Promise<string[]> {
    const listing = await bucket.send(new ListObjectsV2Command({ Bucket: idp.bucketName, Prefix: `pools/${clientPoolId}/` }));
    return (listing.Contents ?? []).map((object) => object.Key as string).sort();
  }

  const rootFingerprints = async (clientPoolId: string) => (await idp.poolItems(clientPoolId, 'ROOT#')).map((item) => item.fingerprint as string).sort();

  /** The S3 copy the root's record points at (one object per upload, under the fingerprint). */
  const objectKeyOf = async (env: EnvironmentInfo, fingerprint: string) =>
    String((await idp.poolItems(env.clientPoolId, 'ROOT#')).find((item) => item.fingerprint === fingerprint)?.objectKey);

  it('answers 503 + Retry-After and records nothing; after S3 is back a retry stores one record and one object', async () => {
    const env = await idp.createEnvironment('s3-org', 'prod');
    const pki = await makeOrganisationPki('S3 Outage');
    const fingerprint = sha256Hex(pki.root.der);

    await s3.stop();
    const refused = await upload(env.clientPoolId, pki.root.pem);
    expect({ status: refused.status, error: refused.body.error, retryAfter: Number(refused.headers.get('retry-after')) > 0 }).toEqual({
      status: 503,
      error: 'service_unavailable',
      retryAfter: true,
    });
    expect(JSON.stringify(refused.body)).not.toMatch(/ECONNREFUSED|s3rver|127\.0\.0\.1/i);
    expect(await rootFingerprints(env.clientPoolId)).toEqual([]);
    const listed = await idp.request(`/api/internal/${env.clientPoolId}/certificates`);
    expect({ status: listed.status, body: await listed.json() }).toEqual({ status: 200, body: { certificates: [] } });

    await s3.restart();
    expect(await objectKeys(env.clientPoolId)).toEqual([]);

    const accepted = await upload(env.clientPoolId, pki.root.pem);
    expect({ status: accepted.status, body: accepted.body }).toEqual({
      status: 201,
      body: { success: true, message: 'Certificate uploaded successfully', clientPoolId: env.clientPoolId, filename: 'root-ca.crt', fingerprint },
    });
    expect(await rootFingerprints(env.clientPoolId)).toEqual([fingerprint]);
    expect(await objectKeys(env.clientPoolId)).toEqual([await objectKeyOf(env, fingerprint)]);
    const stored = await bucket.send(new GetObjectCommand({ Bucket: idp.bucketName, Key: await objectKeyOf(env, fingerprint) }));
    expect(await stored.Body?.transformToString()).toBe(pki.root.pem);

    // Idempotent afterwards, and the root is really trusted by the token endpoint.
    expect((await upload(env.clientPoolId, pki.root.pem)).status).toBe(200);
    expect(await rootFingerprints(env.clientPoolId)).toEqual([fingerprint]);
    expect(await objectKeys(env.clientPoolId)).toEqual([await objectKeyOf(env, fingerprint)]);
    const device = await enrolDevice(idp, env, pki, { deviceId: 'after-s3-outage' });
    expect(outageAnswerShape(await requestToken(device, env))).toEqual(TOKEN);
  });

  it('stopped during concurrent uploads: 201 or 503 only, record if and only if object, and the 503s succeed on retry', async () => {
    const env = await idp.createEnvironment('s3-load-org', 'prod');
    const roots: TestCertificate[] = await Promise.all(Array.from({ length: 12 }, (_, i) => makeRoot({ cn: `Rotation Root ${i}`, o: 'S3 Load' })));
    let answered = 0;
    let stopping: Promise<void> | undefined;
    const run = await runWithConcurrency(roots, 4, (root, index) => upload(env.clientPoolId, root.pem, `root-${index}.crt`), {
      afterEach: () => {
        if (++answered === 3) stopping = s3.stop();
      },
    });
    await stopping;
    report('s3-outage', `uploads while S3 stops: ${tally(run.answers, (a) => a.result.status)}`);
    for (const { result } of run.answers) {
      const shape = { status: result.status, retryAfter: result.headers.get('retry-after') !== null };
      expect(shape).toEqual(result.status === 201 ? { status: 201, retryAfter: false } : { status: 503, retryAfter: true });
    }

    await s3.restart();
    const accepted = roots
      .filter((_, index) => run.answers[index].result.status === 201)
      .map((root) => sha256Hex(root.der))
      .sort();
    // Exactly the accepted roots are recorded, and every object in the bucket has its record (and vice versa).
    expect(await rootFingerprints(env.clientPoolId)).toEqual(accepted);
    expect(await objectKeys(env.clientPoolId)).toEqual((await Promise.all(accepted.map((fingerprint) => objectKeyOf(env, fingerprint)))).sort());

    const refused = roots.filter((_, index) => run.answers[index].result.status !== 201);
    const retried = await runWithConcurrency(refused, 4, (root) => upload(env.clientPoolId, root.pem));
    expect(retried.answers.map((a) => a.result.status)).toEqual(refused.map(() => 201));
    const all = roots.map((root) => sha256Hex(root.der)).sort();
    expect(await rootFingerprints(env.clientPoolId)).toEqual(all);
    expect(await objectKeys(env.clientPoolId)).toEqual((await Promise.all(all.map((fingerprint) => objectKeyOf(env, fingerprint)))).sort());
  });
});
