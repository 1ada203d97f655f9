import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/emulators/dynamodb-local';
import { localS3ClientConfig, type S3Local, startS3Local } from '../../local/emulators/s3-local';
import { tokenRequestBody } from '../support/device-client';
import { deviceAssertion, getDevice, postRoot, postToken, requestToken, sha256Hex } from '../support/device-fleet';
import { makeRoot } from '../support/pki';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../support/test-idp';
import { createTrustedPool, enrolDevice, type OrganisationPki } from '../support/trusted-pool';
import { breakFirst, breakSequence, type FaultProxy, type ProxiedCall, startFaultProxy } from './support/fault-proxy';
import { outageAnswerShape, REPLAYED, refusalShape, TOKEN, UNAVAILABLE, unavailableShape } from './support/token-expectations';

/*
 * Writes that fail halfway, which a plain stop of an emulator only hits by
 * chance: proxies in front of DynamoDB Local and s3rver reset the connection
 * of exactly one kind of call, before it is applied or after. docs/contract.md §4.4 and
 * §6: a dependency failure is a 503 with no token and nothing half-written;
 * the use cases' own contracts (src/usecases/issue-token.ts, certificates.ts)
 * add that a 503'd assertion may be retried as is and that no object is left
 * without its record.
 */
jest.setTimeout(120_000);

const issuanceCommit = (call: ProxiedCall) => call.operation === 'TransactWriteItems' && call.body.includes('"JTI#');
const rootObjectPut = (call: ProxiedCall) => call.method === 'PUT' && call.path.includes('/roots/');

describe('writes that fail halfway', () => {
  let dynamo: DynamoDbLocal;
  let s3: S3Local;
  let s3Directory: string;
  let dynamoProxy: FaultProxy;
  let s3Proxy: FaultProxy;
  let idp: TestIdp;
  let env: EnvironmentInfo;
  let pki: OrganisationPki;
  let bucket: S3Client;
  let kmsDown = false;

  beforeAll(async () => {
    s3Directory = mkdtempSync(join(tmpdir(), 'idp-fault-s3-'));
    [dynamo, s3] = await Promise.all([startDynamoDbLocal({ inMemory: true }), startS3Local({ directory: s3Directory })]);
    [dynamoProxy, s3Proxy] = await Promise.all([startFaultProxy(dynamo.endpoint), startFaultProxy(s3.endpoint)]);
    idp = await startTestIdp({ dynamodbEndpoint: dynamoProxy.endpoint, s3Endpoint: s3Proxy.endpoint });
    bucket = new S3Client({ ...localS3ClientConfig(s3.endpoint), maxAttempts: 1 });
    ({ env, pki } = await createTrustedPool(idp, { orgId: 'half-failed-org', envId: 'prod', pkiName: 'Half Failed' }));
    // Load the signing key, so a KMS outage hits Sign, after the jti is consumed.
    expect(outageAnswerShape(await requestToken(await boundDevice('warm'), env))).toEqual(TOKEN);
  });
  afterEach(async () => {
    dynamoProxy?.setRule(undefined);
    s3Proxy?.setRule(undefined);
    if (kmsDown) await idp.kmsServer.restart();
    kmsDown = false;
  });
  afterAll(async () => {
    bucket?.destroy();
    await idp?.stop();
    await Promise.all([dynamoProxy?.close(), s3Proxy?.close()]);
    await Promise.all([dynamo?.stop(), s3?.stop()]);
    rmSync(s3Directory, { recursive: true, force: true });
  });

  const boundDevice = (deviceId: string) => enrolDevice(idp, env, pki, { deviceId });

  async function upload(pem: string) {
    const answer = await postRoot(idp, env.clientPoolId, pem);
    return { status: answer.status, retryAfter: answer.headers.get('retry-after') !== null, body: answer.body };
  }

  const objectKeys = async () =>
    ((await bucket.send(new ListObjectsV2Command({ Bucket: idp.bucketName, Prefix: `pools/${env.clientPoolId}/` }))).Contents ?? []).map((o) => o.Key).sort();
  const recordedRoots = async () => (await idp.poolItems(env.clientPoolId, 'ROOT#')).map((item) => item.fingerprint).sort();
  const objectKeysOf = async (fingerprint: string) => (await objectKeys()).filter((key) => key?.startsWith(`pools/${env.clientPoolId}/roots/${fingerprint}/`));

  describe('issuance transaction (DynamoDB)', () => {
    // The SDK retries TransactWriteItems with the same ClientRequestToken.
    // When the first attempt was applied but its answer lost, the retry finds
    // the jti spent by that very commit; the item names the attempt that wrote
    // it, so the retry recognises its own commit instead of reporting a replay.
    it('the issuance transaction applied but unanswered: the never-used assertion gets its token, not a replay refusal', async () => {
      const device = await boundDevice('commit-ambiguous');
      const { jwt } = await deviceAssertion(device, env);
      const rule = breakFirst(issuanceCommit, 'reset-after');
      dynamoProxy.setRule(rule);
      const answer = await postToken(env.tokenEndpoint, tokenRequestBody(jwt));
      dynamoProxy.setRule(undefined);
      expect(rule.seen()).toBe(2); // the applied attempt and the SDK's retry
      expect(outageAnswerShape(answer)).toEqual(TOKEN);
      expect((await getDevice(idp, env, device.deviceId))?.provisioning?.thumbprint).toBe(sha256Hex(device.device.der));
      expect(refusalShape(await postToken(env.tokenEndpoint, tokenRequestBody(jwt)))).toEqual(REPLAYED);
    });

    it('the issuance transaction lost before it reaches DynamoDB is retried by the SDK: one token, the jti spent once', async () => {
      const device = await boundDevice('commit-retried');
      const { jwt } = await deviceAssertion(device, env);
      const rule = breakFirst(issuanceCommit, 'reset-before');
      dynamoProxy.setRule(rule);
      expect(outageAnswerShape(await postToken(env.tokenEndpoint, tokenRequestBody(jwt)))).toEqual(TOKEN);
      dynamoProxy.setRule(undefined);
      expect(rule.seen()).toBe(2);
      expect(refusalShape(await postToken(env.tokenEndpoint, tokenRequestBody(jwt)))).toEqual(REPLAYED);
    });

    it('the issuance transaction never answered: 503, and nothing of it was written (the same assertion succeeds later)', async () => {
      const device = await boundDevice('commit-lost');
      const { jwt } = await deviceAssertion(device, env);
      dynamoProxy.setRule((call) => (issuanceCommit(call) ? 'reset-before' : 'forward'));
      expect(unavailableShape(await postToken(env.tokenEndpoint, tokenRequestBody(jwt)))).toEqual(UNAVAILABLE);
      dynamoProxy.setRule(undefined);
      expect((await getDevice(idp, env, device.deviceId))?.provisioning).toBeUndefined();
      expect(outageAnswerShape(await postToken(env.tokenEndpoint, tokenRequestBody(jwt)))).toEqual(TOKEN);
    });
  });

  describe('root upload (S3)', () => {
    it('a PutObject reset before it reaches S3 is retried by the SDK: 201, one record, one object', async () => {
      const root = await makeRoot({ cn: 'Retried Upload Root' });
      const fingerprint = sha256Hex(root.der);
      s3Proxy.setRule(breakFirst(rootObjectPut, 'reset-before'));
      expect((await upload(root.pem)).status).toBe(201);
      expect(await recordedRoots()).toContain(fingerprint);
      const [record] = (await idp.poolItems(env.clientPoolId, 'ROOT#')).filter((item) => item.fingerprint === fingerprint);
      expect(await objectKeysOf(fingerprint)).toEqual([record.objectKey]);
    });

    describe('PutObject applied but unanswered, then S3 unreachable', () => {
      let fingerprint: string;
      let objectsBefore: Array<string | undefined>;

      it('answers 503 + Retry-After and records nothing in DynamoDB', async () => {
        const root = await makeRoot({ cn: 'Ambiguous Upload Root' });
        fingerprint = sha256Hex(root.der);
        objectsBefore = await objectKeys();
        s3Proxy.setRule(breakSequence(rootObjectPut, ['reset-after', 'reset-before']));
        const answer = await upload(root.pem);
        expect({ status: answer.status, retryAfter: answer.retryAfter, error: answer.body.error }).toEqual({
          status: 503,
          retryAfter: true,
          error: 'service_unavailable',
        });
        expect(await recordedRoots()).not.toContain(fingerprint);
      });

      // A PutObject that was applied but whose answer was lost (and whose retry
      // failed) is a 503; the upload then removes the object it may have written.
      it('leaves no object without its record in the bucket', async () => {
        expect(await objectKeys()).toEqual(objectsBefore);
        expect(await objectKeysOf(fingerprint)).toEqual([]);
      });
    });
  });
});
