import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../src/storage/keys';
import { accessTokenVerifier } from '../support/access-token-verifier';
import { tokenRequestBody } from '../support/device-client';
import {
  deviceAssertion,
  type EnrolledDevice,
  getDevice,
  type HttpAnswer,
  postToken,
  requestToken,
  sha256Hex,
  type TokenAnswer,
} from '../support/device-fleet';
import { runWithConcurrency, tally } from '../support/load-stats';
import { report } from '../support/report';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../support/test-idp';
import { createTrustedPool, enrolDevice, type OrganisationPki } from '../support/trusted-pool';
import { postShot, type Shot, signShots } from './support/shots';
import { outageAnswerShape, REPLAYED, refusalShape, TOKEN, UNAVAILABLE, unavailableShape } from './support/token-expectations';

/*
 * docs/contract.md §4.4 with the local KMS endpoint really closed (connections refused)
 * through the LocalIdp test hook, then restarted on its port with its key
 * store: 503 + Retry-After, no token, nothing written for the device, and the
 * jti released, so the very same assertion succeeds once KMS is back.
 */
jest.setTimeout(120_000);

const CONCURRENCY = 8;

describe('token endpoint: KMS endpoint down', () => {
  let idp: TestIdp;
  let env: EnvironmentInfo;
  let pki: OrganisationPki;
  let kmsDown = false;

  beforeAll(async () => {
    idp = await startTestIdp();
    ({ env, pki } = await createTrustedPool(idp, { orgId: 'kms-org', envId: 'prod', pkiName: 'Kms' }));
  });
  afterAll(async () => {
    if (kmsDown) await idp?.kmsServer.restart();
    await idp?.stop();
  });

  const stopKms = async () => {
    await idp.kmsServer.stop();
    kmsDown = true;
  };
  const restartKms = async () => {
    await idp.kmsServer.restart();
    kmsDown = false;
  };

  const boundDevice = (deviceId: string) => enrolDevice(idp, env, pki, { deviceId });

  const deviceItem = async (deviceId: string) =>
    (
      await idp.table.send(
        new GetCommand({ TableName: idp.tableName, Key: { pk: `POOL#${env.clientPoolId}`, sk: `DEVICE#${deviceId}` }, ConsistentRead: true }),
      )
    ).Item;

  /** The replay-cache item of a device's jti in the runtime table (src/storage/keys.ts layout), or undefined. */
  const jtiItem = async (deviceId: string, jti: string) =>
    (await idp.table.send(new GetCommand({ TableName: idp.runtimeTableName, Key: keys.jti(env.clientPoolId, deviceId, jti), ConsistentRead: true }))).Item;

  it('refuses a first-time device with 503 + Retry-After, writes nothing, and accepts the same assertion after restart', async () => {
    // Warm the signer first, so the outage hits Sign rather than the first GetPublicKey.
    const warm = await boundDevice('warm-device');
    expect(outageAnswerShape(await requestToken(warm, env))).toEqual(TOKEN);

    const device = await boundDevice('first-timer');
    const recordBefore = await deviceItem(device.deviceId);
    expect(recordBefore).toBeDefined();
    expect(recordBefore).not.toHaveProperty('lastSeen');
    const { jwt, claims } = await deviceAssertion(device, env);

    await stopKms();
    const started = Date.now();
    const refused = await postToken(env.tokenEndpoint, tokenRequestBody(jwt));
    const refusedAfterMs = Date.now() - started;
    expect(unavailableShape(refused)).toEqual(UNAVAILABLE);
    expect(refusedAfterMs).toBeLessThan(15_000);
    // Nothing written: the device item is byte-for-byte what the binding left, and the jti is unspent.
    expect(await deviceItem(device.deviceId)).toEqual(recordBefore);
    expect((await getDevice(idp, env, device.deviceId))?.provisioning).toBeUndefined();
    expect(await jtiItem(device.deviceId, String(claims.jti))).toBeUndefined();
    // A retry during the outage is not a replay either.
    expect(unavailableShape(await postToken(env.tokenEndpoint, tokenRequestBody(jwt, { form: 'client-credentials' })))).toEqual(UNAVAILABLE);
    await restartKms();

    const retried = await postToken(env.tokenEndpoint, tokenRequestBody(jwt));
    expect(outageAnswerShape(retried)).toEqual(TOKEN);
    const token = await (await accessTokenVerifier(env))(retried.body.access_token as string);
    const provisioning = (await getDevice(idp, env, device.deviceId))?.provisioning;
    expect(provisioning).toMatchObject({ thumbprint: sha256Hex(device.device.der), firstSeen: provisioning?.lastSeen });
    expect(Math.floor(Date.parse(provisioning!.lastSeen) / 1000)).toBe(token.iat);
    expect(await jtiItem(device.deviceId, String(claims.jti))).toMatchObject({ type: 'jti' });
    expect(refusalShape(await postToken(env.tokenEndpoint, tokenRequestBody(jwt)))).toEqual(REPLAYED);
  });

  it('stopped mid-load: tokens or 503s, nothing written during the outage, every refused assertion succeeds after restart', async () => {
    const fleet = await Promise.all(['load-1', 'load-2', 'load-3', 'load-4'].map(boundDevice));
    const newcomers = await Promise.all(['new-1', 'new-2', 'new-3'].map(boundDevice));
    const sign = (devices: EnrolledDevice[], count: number) => signShots(devices, env, count);
    const send = (shot: Pick<Shot, 'jwt'>) => postShot(env, shot);

    // Phase 1: KMS closes while 8 requests are in flight.
    const phase1 = await sign(fleet, 40);
    let answered = 0;
    let stopping: Promise<void> | undefined;
    const run1 = await runWithConcurrency(phase1, CONCURRENCY, send, {
      afterEach: () => {
        if (++answered === 12) stopping = stopKms();
      },
    });
    await stopping;
    for (const { result } of run1.answers) expect(outageAnswerShape(result)).toEqual(result.status === 200 ? TOKEN : UNAVAILABLE);

    // Phase 2: KMS down: known devices and first-time devices alike get 503 and nothing is written.
    const itemsBefore = await Promise.all([...fleet, ...newcomers].map((device) => deviceItem(device.deviceId)));
    const phase2 = await sign([...fleet, ...newcomers], 21);
    const run2 = await runWithConcurrency(phase2, CONCURRENCY, send);
    for (const { result } of run2.answers) expect(unavailableShape(result)).toEqual(UNAVAILABLE);
    expect(await Promise.all([...fleet, ...newcomers].map((device) => deviceItem(device.deviceId)))).toEqual(itemsBefore);
    for (const device of newcomers) expect((await getDevice(idp, env, device.deviceId))?.provisioning).toBeUndefined();

    // Phase 3: KMS back on the same port with the same key: every refused assertion is accepted as it was.
    await restartKms();
    const refusedShots = [...phase1.filter((_, index) => run1.answers[index].result.status !== 200), ...phase2];
    const retry = await runWithConcurrency(refusedShots, CONCURRENCY, send);
    report(
      'kms-outage',
      `KMS mid-load: phase 1 ${tally(run1.answers, (a) => a.result.status)}; phase 2 ${tally(run2.answers, (a) => a.result.status)}; ` +
        `retried after restart ${tally(retry.answers, (a) => a.result.status)}`,
    );
    for (const { result } of retry.answers) expect(outageAnswerShape(result)).toEqual(TOKEN);

    const verify = await accessTokenVerifier(env);
    const issued: Array<{ device: EnrolledDevice; jwt: string; answer: HttpAnswer<TokenAnswer> }> = [
      ...phase1.flatMap((shot, index) => (run1.answers[index].result.status === 200 ? [{ ...shot, answer: run1.answers[index].result }] : [])),
      ...refusedShots.map((shot, index) => ({ ...shot, answer: retry.answers[index].result })),
    ];
    expect(issued).toHaveLength(phase1.length + phase2.length);
    const newestIat = new Map<string, number>();
    for (const { device, answer } of issued) {
      const claims = await verify(answer.body.access_token as string);
      expect(claims.sub).toBe(device.deviceId);
      newestIat.set(device.deviceId, Math.max(newestIat.get(device.deviceId) ?? 0, claims.iat as number));
    }
    for (const device of [...fleet, ...newcomers]) {
      const provisioning = (await getDevice(idp, env, device.deviceId))?.provisioning;
      expect({ device: device.deviceId, lastSeenSecond: Math.floor(Date.parse(provisioning!.lastSeen) / 1000) }).toEqual({
        device: device.deviceId,
        lastSeenSecond: newestIat.get(device.deviceId),
      });
    }
    const replays = await runWithConcurrency(issued, CONCURRENCY, send);
    expect(tally(replays.answers, (a) => JSON.stringify(refusalShape(a.result)))).toBe(`${JSON.stringify(REPLAYED)}×${issued.length}`);
  });
});
