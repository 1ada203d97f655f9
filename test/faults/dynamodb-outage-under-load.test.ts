import { accessTokenVerifier } from '../support/access-token-verifier';
import { type EnrolledDevice, getDevice, type HttpAnswer, sha256Hex, type TokenAnswer } from '../support/device-fleet';
import { formatLatency, runWithConcurrency, summarise, tally } from '../support/load-stats';
import { report } from '../support/report';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../support/test-idp';
import { createTrustedPool, enrolDevice } from '../support/trusted-pool';
import { type RestartableEmulator, startRestartableDynamoDb } from './support/restartable-emulators';
import { postShot, type Shot, signShots } from './support/shots';
import { outageAnswerShape, REPLAYED, refusalShape, TOKEN, UNAVAILABLE, unavailableShape } from './support/token-expectations';

/*
 * docs/contract.md §4.4 / §6 with DynamoDB Local really stopped in the middle of a load
 * and restarted on the same port with the same dbPath: every answer is a
 * token or a clean 503 + Retry-After, a token never leaves without its jti
 * and device writes, and after recovery the state has neither duplicates nor
 * losses. The IDP runs in a child process (as `npm start` would); DynamoDB
 * Local is this file's own, so it can be stopped and restarted under it.
 */
jest.setTimeout(120_000);

const CONCURRENCY = 8;
const DEVICE_IDS = ['pos-1', 'pos-2', 'pos-3', 'pos-4'];
/** Phase 1: DynamoDB is stopped once this many of its answers are in, with requests still in flight. */
const PHASE_1_REQUESTS = 64;
const STOP_AFTER_ANSWERS = 20;
const PHASE_2_REQUESTS = 16;
const PHASE_3_REQUESTS = 48;

describe('token endpoint: DynamoDB Local stopped mid-load, then restarted', () => {
  let dynamo: RestartableEmulator;
  let idp: TestIdp;
  let env: EnvironmentInfo;
  let devices: EnrolledDevice[];

  beforeAll(async () => {
    dynamo = await startRestartableDynamoDb();
    idp = await startTestIdp({ process: true, dynamodbEndpoint: dynamo.endpoint });
    const pool = await createTrustedPool(idp, { orgId: 'outage-org', envId: 'prod', pkiName: 'Outage' });
    env = pool.env;
    devices = [];
    for (const deviceId of DEVICE_IDS) devices.push(await enrolDevice(idp, env, pool.pki, { deviceId }));
  });
  afterAll(async () => {
    if (dynamo && !dynamo.running) await dynamo.restart().catch(() => undefined);
    await idp?.stop();
    await dynamo?.dispose();
  });

  const sign = (count: number) => signShots(devices, env, count);
  const send = (shot: Shot) => postShot(env, shot);

  it('answers tokens or 503 + Retry-After during the outage, 200s after it, with no token lacking its writes and no jti accepted twice', async () => {
    // Phase 1: load running; DynamoDB goes away underneath it.
    const phase1 = await sign(PHASE_1_REQUESTS);
    let answered = 0;
    let stopping: Promise<void> | undefined;
    const run1 = await runWithConcurrency(phase1, CONCURRENCY, send, {
      afterEach: () => {
        if (++answered === STOP_AFTER_ANSWERS) stopping = dynamo.stop();
      },
    });
    await stopping;
    expect(dynamo.running).toBe(false);

    // Phase 2: DynamoDB is down: nothing but 503.
    const phase2 = await sign(PHASE_2_REQUESTS);
    const run2 = await runWithConcurrency(phase2, CONCURRENCY, send);

    // Phase 3: same port, same dbPath; the IDP's clients reconnect by themselves.
    await dynamo.restart();
    const phase3 = await sign(PHASE_3_REQUESTS);
    const run3 = await runWithConcurrency(phase3, CONCURRENCY, send);

    report(
      'dynamodb-outage',
      [
        `phase 1 (stop after ${STOP_AFTER_ANSWERS} answers): ${tally(run1.answers, (a) => a.result.status)}`,
        `phase 2 (DynamoDB down): ${tally(run2.answers, (a) => a.result.status)}`,
        `phase 3 (after restart): ${tally(run3.answers, (a) => a.result.status)}`,
        formatLatency(
          'phase 2 503 latency',
          summarise(
            run2.answers.map((a) => a.latencyMs),
            run2.wallMs,
          ),
        ),
      ].join('\n'),
    );

    for (const { result } of run1.answers) expect(outageAnswerShape(result)).toEqual(result.status === 200 ? TOKEN : UNAVAILABLE);
    expect(run1.answers.filter((a) => a.result.status === 200).length).toBeGreaterThanOrEqual(STOP_AFTER_ANSWERS - CONCURRENCY);
    for (const { result } of run2.answers) expect(unavailableShape(result)).toEqual(UNAVAILABLE);
    for (const { result } of run3.answers) expect(outageAnswerShape(result)).toEqual(TOKEN);

    // Phase 2 was refused before anything was consumed: the very same assertions succeed now.
    const run2Retry = await runWithConcurrency(phase2, CONCURRENCY, send);
    for (const { result } of run2Retry.answers) expect(outageAnswerShape(result)).toEqual(TOKEN);

    // A phase-1 503 wrote nothing unless its one issuance transaction applied before DynamoDB
    // vanished (its reply lost, or the trust re-check after it failed): that attempt returned no
    // token and its jti is spent (single use wins over availability). Such retries are refused as
    // replays; the count is printed, and every other retry gets its token with the same assertion.
    const phase1Failed = phase1.filter((_, index) => run1.answers[index].result.status !== 200);
    const run1Retry = await runWithConcurrency(phase1Failed, CONCURRENCY, send);
    report(
      'dynamodb-outage',
      `phase-1 503s retried after recovery: ${tally(run1Retry.answers, (a) => (a.result.status === 200 ? 200 : (refusalShape(a.result).code ?? a.result.status)))}`,
    );
    for (const { result } of run1Retry.answers) {
      if (result.status === 200) expect(outageAnswerShape(result)).toEqual(TOKEN);
      else expect(refusalShape(result)).toEqual(REPLAYED);
    }
    expect(run1Retry.answers.filter((a) => a.result.status === 200).length).toBeGreaterThanOrEqual(run1Retry.answers.length - CONCURRENCY);

    // Every token issued, in any phase, verifies and is covered by its device record.
    const issued: Array<{ shot: Shot; answer: HttpAnswer<TokenAnswer> }> = [];
    const collect = (shots: Shot[], answers: Array<{ result: HttpAnswer<TokenAnswer> }>) =>
      answers.forEach((answer, index) => {
        if (answer.result.status === 200) issued.push({ shot: shots[index], answer: answer.result });
      });
    collect(phase1, run1.answers);
    collect(phase3, run3.answers);
    collect(phase2, run2Retry.answers);
    collect(phase1Failed, run1Retry.answers);

    const verify = await accessTokenVerifier(env);
    const iatsByDevice = new Map<string, number[]>();
    for (const { shot, answer } of issued) {
      const claims = await verify(answer.body.access_token as string);
      expect(claims.sub).toBe(shot.device.deviceId);
      iatsByDevice.set(shot.device.deviceId, [...(iatsByDevice.get(shot.device.deviceId) ?? []), claims.iat as number]);
    }
    for (const device of devices) {
      const iats = iatsByDevice.get(device.deviceId) ?? [];
      const provisioning = (await getDevice(idp, env, device.deviceId))?.provisioning;
      expect(provisioning?.thumbprint).toBe(sha256Hex(device.device.der));
      const lastSeen = Date.parse(provisioning!.lastSeen);
      // No token without its device write: lastSeen covers every token of the device...
      expect(iats.filter((iat) => lastSeen < iat * 1000)).toEqual([]);
      // ...and is the time of the newest one (a 503 never left a later refresh behind).
      expect(Math.floor(lastSeen / 1000)).toBe(Math.max(...iats));
      expect(Date.parse(provisioning!.firstSeen)).toBeLessThanOrEqual(lastSeen);
    }
    // No duplicate records.
    expect((await idp.poolItems(env.clientPoolId, 'DEVICE#')).map((item) => item.deviceId).sort()).toEqual([...DEVICE_IDS].sort());

    // No token without its jti write, no jti accepted twice: every assertion that got a token is now a replay.
    const replays = await runWithConcurrency(issued, CONCURRENCY, ({ shot }) => send(shot));
    expect(tally(replays.answers, (a) => JSON.stringify(refusalShape(a.result)))).toBe(`${JSON.stringify(REPLAYED)}×${issued.length}`);
  });
});
