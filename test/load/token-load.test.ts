import { accessTokenVerifier } from '../support/access-token-verifier';
import { type DeviceAlg, tokenRequestBody } from '../support/device-client';
import { deviceAssertion, type EnrolledDevice, getDevice, postToken, sha256Base64Url, sha256Hex } from '../support/device-fleet';
import { formatLatency, formatMemory, memorySnapshot, processRssMiB, runWithConcurrency, summarise, tally } from '../support/load-stats';
import type { KeyAlgorithm } from '../support/pki';
import { report } from '../support/report';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../support/test-idp';
import { createTrustedPool, enrolDevice } from '../support/trusted-pool';

/*
 * docs/contract.md §4, §6 under load: 1,000 token requests, 32 in flight, each with its
 * own assertion (distinct jti), from a handful of devices with their own
 * bindings, against the local IDP as `npm start` builds it (DynamoDB Local,
 * s3rver, the local KMS endpoint, the same handlers) running in a process of
 * its own. The figures printed depend on the machine (2 cores shared by the
 * load generator, the server and the DynamoDB Local JVM here); only
 * correctness is asserted.
 */
jest.setTimeout(180_000);

const REQUESTS = 1_000;
const CONCURRENCY = 32;

const FLEET: ReadonlyArray<{ deviceId: string; keyAlgorithm: KeyAlgorithm; alg: DeviceAlg; form: 'jwt-bearer' | 'client-credentials' }> = [
  { deviceId: 'till-es256', keyAlgorithm: 'EC-P256', alg: 'ES256', form: 'jwt-bearer' },
  { deviceId: 'kiosk-es384', keyAlgorithm: 'EC-P384', alg: 'ES384', form: 'jwt-bearer' },
  { deviceId: 'handheld-rs256', keyAlgorithm: 'RSA-2048', alg: 'RS256', form: 'jwt-bearer' },
  { deviceId: 'handheld-ps256', keyAlgorithm: 'RSA-2048', alg: 'PS256', form: 'client-credentials' },
  { deviceId: 'till-es256-cc', keyAlgorithm: 'EC-P256', alg: 'ES256', form: 'client-credentials' },
];

interface Shot {
  device: EnrolledDevice;
  form: 'jwt-bearer' | 'client-credentials';
  jwt: string;
  jti: string;
}

describe('token endpoint: 1,000 distinct assertions at concurrency 32', () => {
  let idp: TestIdp;
  let env: EnvironmentInfo;
  let devices: EnrolledDevice[];

  beforeAll(async () => {
    idp = await startTestIdp({ process: true });
    const pool = await createTrustedPool(idp, { orgId: 'load-org', envId: 'prod', pkiName: 'Load' });
    env = pool.env;
    devices = [];
    for (const { deviceId, keyAlgorithm, alg } of FLEET) {
      devices.push(await enrolDevice(idp, env, pool.pki, { deviceId, keyAlgorithm, alg, clientAppId: `app-${deviceId}`, scopes: ['device', 'telemetry'] }));
    }
  });
  afterAll(async () => {
    await idp?.stop();
  });

  it('answers every request 200 with a verifiable token and leaves each device record at its newest token', async () => {
    const shots: Shot[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const device = devices[i % devices.length];
      const member = FLEET[i % FLEET.length];
      const { jwt, claims } = await deviceAssertion(device, env, { clientAppId: `app-${device.deviceId}` });
      shots.push({ device, form: member.form, jwt, jti: String(claims.jti) });
    }
    expect(new Set(shots.map((shot) => shot.jti)).size).toBe(REQUESTS);

    const memoryBefore = memorySnapshot();
    const serverRssBefore = processRssMiB(idp.serverPid);
    const run = await runWithConcurrency(shots, CONCURRENCY, (shot) => postToken(env.tokenEndpoint, tokenRequestBody(shot.jwt, { form: shot.form })));
    const memoryAfter = memorySnapshot();
    const serverRssAfter = processRssMiB(idp.serverPid);
    report(
      'load',
      [
        formatLatency(
          `token load (c=${CONCURRENCY}, ${devices.length} devices)`,
          summarise(
            run.answers.map((a) => a.latencyMs),
            run.wallMs,
          ),
        ),
        `statuses: ${tally(run.answers, (a) => a.result.status)}`,
        formatMemory('load generator (jest) before', memoryBefore),
        formatMemory('load generator (jest) after ', memoryAfter),
        `IDP server process rss: ${serverRssBefore ?? 'n/a'} MiB before, ${serverRssAfter ?? 'n/a'} MiB after`,
      ].join('\n'),
    );

    // Zero 5xx: every answer is a 200 (the distribution is in the failure message).
    const statuses = run.answers.map((answer) => answer.result.status);
    expect(tally(statuses, (status) => status)).toBe(`200×${REQUESTS}`);
    for (const { result } of run.answers) {
      expect(result.headers.get('cache-control')).toBe('no-store');
      expect(result.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'device telemetry' });
    }

    // Every token verifies against the JWKS served over HTTP and names its device and certificate.
    const verify = await accessTokenVerifier(env);
    const iatsByDevice = new Map<string, number[]>();
    const tokenIds = new Set<string>();
    for (const [index, answer] of run.answers.entries()) {
      const shot = shots[index];
      const claims = await verify(answer.result.body.access_token as string);
      expect(claims).toMatchObject({
        sub: shot.device.deviceId,
        client_id: `app-${shot.device.deviceId}`,
        org_id: env.orgId,
        env_id: env.envId,
        cnf: { 'x5t#S256': sha256Base64Url(shot.device.device.der) },
      });
      tokenIds.add(String(claims.jti));
      const iats = iatsByDevice.get(shot.device.deviceId) ?? [];
      iats.push(claims.iat as number);
      iatsByDevice.set(shot.device.deviceId, iats);
    }
    expect(tokenIds.size).toBe(REQUESTS);

    // Concurrent refreshes never move lastSeen backwards: it is the newest token's time.
    for (const device of devices) {
      const iats = iatsByDevice.get(device.deviceId) ?? [];
      expect(iats).toHaveLength(REQUESTS / devices.length);
      const record = await getDevice(idp, env, device.deviceId);
      const provisioning = record?.provisioning;
      expect(provisioning).toMatchObject({
        thumbprint: sha256Hex(device.device.der),
        businessUnit: device.businessUnit,
        lastSeen: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        firstSeen: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });
      const { firstSeen, lastSeen } = provisioning!;
      expect({ deviceId: device.deviceId, lastSeenSecond: isoSecond(lastSeen) }).toEqual({
        deviceId: device.deviceId,
        lastSeenSecond: new Date(Math.max(...iats) * 1000).toISOString(),
      });
      expect(Date.parse(firstSeen)).toBeLessThanOrEqual(Date.parse(lastSeen));
      // firstSeen is the time of one of the tokens actually issued (the first refresh that landed).
      expect(iats.map((iat) => new Date(iat * 1000).toISOString())).toContain(isoSecond(firstSeen));
    }
    // One record per device, however many concurrent first-time requests raced to create it.
    const records = await idp.poolItems(env.clientPoolId, 'DEVICE#');
    expect(records.map((item) => item.deviceId).sort()).toEqual(devices.map((d) => d.deviceId).sort());

    // Each jti was consumed: a sample replayed concurrently is refused every time.
    const sample = shots.filter((_, index) => index % 31 === 0);
    const replays = await runWithConcurrency(sample, CONCURRENCY, (shot) => postToken(env.tokenEndpoint, tokenRequestBody(shot.jwt, { form: shot.form })));
    for (const [index, { result }] of replays.answers.entries()) {
      const shot = sample[index];
      expect({ status: result.status, error: result.body.error, code: result.body.error_description?.split(':')[0] }).toEqual(
        // Form 2 is client authentication: a spent client assertion is 401 invalid_client (RFC 7523 §3.2).
        shot.form === 'client-credentials'
          ? { status: 401, error: 'invalid_client', code: 'assertion_replayed' }
          : { status: 400, error: 'invalid_grant', code: 'assertion_replayed' },
      );
    }
  });
});

/** An ISO timestamp truncated to the second, the resolution of a JWT NumericDate. */
function isoSecond(iso: string): string {
  return new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString();
}
