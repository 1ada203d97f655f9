import { performance } from 'node:perf_hooks';
import { bucketKeys, deviceItem, poolItems } from '../../hostile/support/stored-state';
import { tokenRequestBody } from '../../support/device-client';
import {
  deviceAssertion,
  type EnrolledDevice,
  type HttpAnswer,
  makeOrganisationPki,
  postRoot,
  postToken,
  sha256Hex,
  type TokenAnswer,
  uploadRoot,
} from '../../support/device-fleet';
import { malleateEcdsaSignature } from '../../support/ecdsa-malleability';
import { adoptCertificate } from '../../support/pki';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../../support/test-idp';
import { createTrustedPool, enrolDevice, type OrganisationPki } from '../../support/trusted-pool';

/*
 * docs/contract.md §3.3: deleting a device, a binding or a root is final at the moment
 * its 204 is sent, whatever runs concurrently. Each race runs many rounds
 * against DynamoDB Local through the real HTTP server and asserts the
 * invariant every round (the argument is in src/storage/keys.ts).
 */
jest.setTimeout(300_000);

const ROUNDS = Number(process.env.RACE_ROUNDS ?? 20);

interface TimedToken {
  startedAt: number;
  answer: HttpAnswer<TokenAnswer>;
}

describe('deletion races', () => {
  let idp: TestIdp;
  let env: EnvironmentInfo;
  let pki: OrganisationPki;
  const devicePath = (deviceId: string) => `/api/internal/org/${env.orgId}/env/${env.envId}/device/${deviceId}`;
  const jitter = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * ms));

  beforeAll(async () => {
    idp = await startTestIdp();
    ({ env, pki } = await createTrustedPool(idp, { pkiName: 'Race' }));
  });
  afterAll(async () => idp?.stop());

  async function timedToken(device: EnrolledDevice, environment = env): Promise<TimedToken> {
    const { jwt } = await deviceAssertion(device, environment);
    const startedAt = performance.now();
    return { startedAt, answer: await postToken(environment.tokenEndpoint, tokenRequestBody(jwt)) };
  }

  /**
   * `change` (after up to 40 ms) against `count` token requests of `device` (each after up to 80 ms):
   * the change's status, the time its answer came, and every token answer with its start time.
   */
  async function raceTokens(change: () => Promise<Response>, device: EnrolledDevice, count: number, environment = env) {
    let changedAt = Infinity;
    const timedChange = async () => {
      await jitter(40);
      const response = await change();
      changedAt = performance.now();
      return response.status;
    };
    const tokens = Array.from({ length: count }, async () => {
      await jitter(80);
      return timedToken(device, environment);
    });
    const [status, ...answers] = await Promise.all([timedChange(), ...tokens]);
    return { status, changedAt, answers };
  }

  const codeOf = (answer: HttpAnswer<TokenAnswer>) => answer.body.error_description?.split(':')[0];

  /** After the race settled: what the API, the token endpoint and the table say must agree. */
  async function expectConsistent(device: EnrolledDevice): Promise<'exists' | 'deleted'> {
    const [record, bindings, token, stored] = await Promise.all([
      idp.request(devicePath(device.deviceId)),
      idp.request(`${devicePath(device.deviceId)}/app`),
      timedToken(device),
      deviceItem(idp, env.clientPoolId, device.deviceId),
    ]);
    if (record.status === 404) {
      expect({ bindings: bindings.status, token: token.answer.status, code: codeOf(token.answer), stored }).toEqual({
        bindings: 404,
        token: 400,
        code: 'binding_not_found',
        stored: undefined,
      });
      return 'deleted';
    }
    expect(record.status).toBe(200);
    expect(((await bindings.json()) as { bindings: Array<{ clientAppId: string }> }).bindings.map((b) => b.clientAppId)).toEqual(['client']);
    expect(token.answer.status).toBe(200);
    return 'exists';
  }

  it('a binding written while its device is deleted never leaves a device that GET denies and the token endpoint honours', async () => {
    const outcomes = { exists: 0, deleted: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const device = await enrolDevice(idp, env, pki, { deviceId: `bind-race-${round}` });
      const bind = async () => {
        await jitter(15);
        return (await idp.request(`${devicePath(device.deviceId)}/app`, { method: 'POST', json: { clientAppId: 'client', scopes: ['device'] } })).status;
      };
      const remove = async () => {
        await jitter(15);
        return (await idp.request(devicePath(device.deviceId), { method: 'DELETE' })).status;
      };
      const [deleted, ...binds] = await Promise.all([remove(), bind(), bind(), bind()]);
      expect(deleted).toBe(204);
      for (const status of binds) expect([200, 201]).toContain(status);
      outcomes[await expectConsistent(device)]++;
    }
    // Both orders occur; either way the state is one a sequential history explains.
    expect(outcomes.exists + outcomes.deleted).toBe(ROUNDS);
  });

  it('token requests in flight while a device is deleted: none started after the 204 succeeds, and the device never reappears', async () => {
    let issuedAfterDelete = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const device = await enrolDevice(idp, env, pki, { deviceId: `token-race-${round}` });
      const remove = () => idp.request(devicePath(device.deviceId), { method: 'DELETE' });
      const { status, answers, changedAt: deletedAt } = await raceTokens(remove, device, 8);
      expect(status).toBe(204);
      for (const { startedAt, answer } of answers) {
        if (startedAt > deletedAt) {
          expect({ status: answer.status, code: codeOf(answer) }).toEqual({ status: 400, code: 'binding_not_found' });
        } else {
          expect([200, 400]).toContain(answer.status);
          if (answer.status === 200 && performance.now() > deletedAt) issuedAfterDelete++;
        }
      }
      expect(await expectConsistent(device)).toBe('deleted');
      expect(await poolItems(idp, env.clientPoolId, `BINDING#${device.deviceId}#`)).toEqual([]);
    }
    expect(issuedAfterDelete).toBeGreaterThanOrEqual(0);
  });

  it('token requests in flight while a device is disabled: none started after the 200 succeeds; enabling restores it', async () => {
    for (let round = 0; round < Math.ceil(ROUNDS / 2); round++) {
      const device = await enrolDevice(idp, env, pki, { deviceId: `disable-race-${round}` });
      const disable = () => idp.request(devicePath(device.deviceId), { method: 'PATCH', json: { status: 'disabled' } });
      const { status, answers, changedAt: disabledAt } = await raceTokens(disable, device, 6);
      expect(status).toBe(200);
      for (const { startedAt, answer } of answers) {
        if (startedAt > disabledAt) expect({ status: answer.status, code: codeOf(answer) }).toEqual({ status: 400, code: 'device_disabled' });
      }
      expect(codeOf((await timedToken(device)).answer)).toBe('device_disabled');
      expect((await idp.request(devicePath(device.deviceId), { method: 'PATCH', json: { status: 'active' } })).status).toBe(200);
      expect((await timedToken(device)).answer.status).toBe(200);
    }
  });

  it('a root deleted while it is re-uploaded, as itself or re-encoded: one anchor record in step with its S3 object, and "already uploaded" is never the last word on an untrusted root', async () => {
    const racePool = await idp.createEnvironment(undefined, 'roots');
    for (let round = 0; round < ROUNDS; round++) {
      const own = await makeOrganisationPki(`Root Race ${round}`);
      // The same anchor (subject and key) in another encoding: the other valid ECDSA signature value.
      const reencoded = adoptCertificate(malleateEcdsaSignature(own.root.der), own.root.keys);
      const fingerprint = sha256Hex(own.root.der);
      await uploadRoot(idp, racePool.clientPoolId, own.root.pem);
      const upload = async (pem: string) => {
        await jitter(20);
        return (await postRoot(idp, racePool.clientPoolId, pem)).status;
      };
      const remove = async () => {
        await jitter(20);
        return (await idp.request(`/api/internal/${racePool.clientPoolId}/certificates/${fingerprint}`, { method: 'DELETE' })).status;
      };
      const [deleted, ...uploads] = await Promise.all([remove(), upload(own.root.pem), upload(reencoded.pem)]);
      expect(deleted).toBe(204);
      for (const status of uploads) expect([200, 201]).toContain(status);

      const records = await poolItems(idp, racePool.clientPoolId, 'ROOT#');
      const objects = await bucketKeys(idp, `pools/${racePool.clientPoolId}/roots/`);
      const device = await enrolDevice(idp, racePool, own, { deviceId: `root-race-${round}` });
      const token = await timedToken(device, racePool);
      if (uploads.includes(201)) {
        // An upload re-created the anchor after the delete: trusted, one record, exactly its object.
        expect(records).toHaveLength(1);
        expect(objects).toEqual([records[0].objectKey]);
        expect(token.answer.status).toBe(200);
      } else {
        expect({ records, objects }).toEqual({ records: [], objects: [] });
        expect({ status: token.answer.status, code: codeOf(token.answer) }).toEqual({ status: 400, code: 'untrusted_root' });
      }
      // The anchor an upload re-created knows the fingerprints uploaded since the delete (maybe only the re-encoding's).
      if (records.length > 0) {
        expect((await idp.request(`/api/internal/${racePool.clientPoolId}/certificates/${String(records[0].fingerprint)}`, { method: 'DELETE' })).status).toBe(
          204,
        );
      }
    }
  });

  it('token requests in flight while the root is deleted: none started after the 204 succeeds', async () => {
    const racePool = await idp.createEnvironment(undefined, 'root-tokens');
    for (let round = 0; round < Math.ceil(ROUNDS / 2); round++) {
      const own = await makeOrganisationPki(`Token Root Race ${round}`);
      await uploadRoot(idp, racePool.clientPoolId, own.root.pem);
      const device = await enrolDevice(idp, racePool, own, { deviceId: `root-token-race-${round}` });
      const remove = () => idp.request(`/api/internal/${racePool.clientPoolId}/certificates/${sha256Hex(own.root.der)}`, { method: 'DELETE' });
      const { status, answers, changedAt: deletedAt } = await raceTokens(remove, device, 8, racePool);
      expect(status).toBe(204);
      for (const { startedAt, answer } of answers) {
        if (startedAt > deletedAt) expect({ status: answer.status, code: codeOf(answer) }).toEqual({ status: 400, code: 'untrusted_root' });
      }
      expect(codeOf((await timedToken(device, racePool)).answer)).toBe('untrusted_root');
    }
  });
});
