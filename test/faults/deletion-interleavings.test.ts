import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/emulators/dynamodb-local';
import { type S3Local, startS3Local } from '../../local/emulators/s3-local';
import { tokenRequestBody } from '../support/device-client';
import { deviceAssertion, type EnrolledDevice, getDevice, makeOrganisationPki, postToken, sha256Hex, uploadRoot } from '../support/device-fleet';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../support/test-idp';
import { createTrustedPool, enrolDevice, type OrganisationPki } from '../support/trusted-pool';
import { type FaultProxy, holdFirst, type ProxiedCall, startFaultProxy } from './support/fault-proxy';
import { outageAnswerShape, refusalShape, TOKEN } from './support/token-expectations';

/*
 * docs/contract.md §3.3 "deletion is final at the moment of its 204", made deterministic:
 * a proxy in front of DynamoDB Local parks one request's write (the token
 * request's issuance transaction, or a binding's) at the point where its
 * decision has been read but not yet written, the concurrent change runs to
 * its answer, and then the parked write goes through. Every round must end
 * the way a sequential history with the change first would: the parked
 * request is refused, and nothing the change removed comes back. The
 * argument for why this holds whatever the timing is in src/storage/keys.ts.
 */
jest.setTimeout(180_000);

const ROUNDS = Number(process.env.INTERLEAVING_ROUNDS ?? 8);
const issuanceCommit = (call: ProxiedCall) => call.operation === 'TransactWriteItems' && call.body.includes('"JTI#');
const bindingWrite = (call: ProxiedCall) => call.operation === 'TransactWriteItems' && call.body.includes('"BINDING#') && !call.body.includes('"JTI#');

describe("a change that takes trust back, landing between a request's reads and its write", () => {
  let dynamo: DynamoDbLocal;
  let s3: S3Local;
  let s3Directory: string;
  let proxy: FaultProxy;
  let idp: TestIdp;
  let env: EnvironmentInfo;
  let pki: OrganisationPki;
  let counter = 0;

  beforeAll(async () => {
    s3Directory = mkdtempSync(join(tmpdir(), 'idp-interleavings-s3-'));
    [dynamo, s3] = await Promise.all([startDynamoDbLocal({ inMemory: true }), startS3Local({ directory: s3Directory })]);
    proxy = await startFaultProxy(dynamo.endpoint);
    idp = await startTestIdp({ dynamodbEndpoint: proxy.endpoint, s3Endpoint: s3.endpoint });
    ({ env, pki } = await createTrustedPool(idp, { orgId: 'interleavings-org', envId: 'prod', pkiName: 'Interleavings' }));
  });
  afterEach(() => proxy?.setRule(undefined));
  afterAll(async () => {
    await idp?.stop();
    await proxy?.close();
    await Promise.all([dynamo?.stop(), s3?.stop()]);
    rmSync(s3Directory, { recursive: true, force: true });
  });

  const devicePath = (deviceId: string) => `/api/internal/org/${env.orgId}/env/${env.envId}/device/${deviceId}`;

  const boundDevice = (environment = env, issuer = pki) => enrolDevice(idp, environment, issuer, { deviceId: `parked-${++counter}` });

  /** Posts a token request whose issuance transaction is parked at the proxy; `change` runs while it waits. */
  async function withParkedIssuance(device: EnrolledDevice, change: () => Promise<number>, environment = env) {
    const hold = holdFirst(issuanceCommit);
    proxy.setRule(hold);
    const { jwt } = await deviceAssertion(device, environment);
    const pending = postToken(environment.tokenEndpoint, tokenRequestBody(jwt));
    await hold.reached;
    const changeStatus = await change();
    hold.release();
    const answer = await pending;
    proxy.setRule(undefined);
    return { changeStatus, answer, jwt };
  }

  it('a device deleted while its token request is parked: 204, then the request is refused and the record never comes back', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const device = await boundDevice();
      const { changeStatus, answer } = await withParkedIssuance(
        device,
        async () => (await idp.request(devicePath(device.deviceId), { method: 'DELETE' })).status,
      );
      expect({ changeStatus, ...refusalShape(answer) }).toEqual({ changeStatus: 204, status: 400, error: 'invalid_grant', code: 'binding_not_found' });
      expect(await getDevice(idp, env, device.deviceId)).toBeUndefined();
      expect(await idp.poolItems(env.clientPoolId, `DEVICE#${device.deviceId}`)).toEqual([]);
      expect(await idp.poolItems(env.clientPoolId, `BINDING#${device.deviceId}#`)).toEqual([]);
    }
  });

  it('a binding removed while its token request is parked: the request is refused with binding_not_found', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const device = await boundDevice();
      const { changeStatus, answer } = await withParkedIssuance(
        device,
        async () => (await idp.request(`${devicePath(device.deviceId)}/app/client`, { method: 'DELETE' })).status,
      );
      expect({ changeStatus, ...refusalShape(answer) }).toEqual({ changeStatus: 204, status: 400, error: 'invalid_grant', code: 'binding_not_found' });
      expect((await getDevice(idp, env, device.deviceId))?.provisioning).toBeUndefined();
    }
  });

  it('a device disabled while its token request is parked: refused with device_disabled, the record and its history kept', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const device = await boundDevice();
      const { changeStatus, answer, jwt } = await withParkedIssuance(
        device,
        async () => (await idp.request(devicePath(device.deviceId), { method: 'PATCH', json: { status: 'disabled' } })).status,
      );
      expect({ changeStatus, ...refusalShape(answer) }).toEqual({ changeStatus: 200, status: 400, error: 'invalid_grant', code: 'device_disabled' });
      expect(await getDevice(idp, env, device.deviceId)).toMatchObject({ status: 'disabled' });
      // Refused before anything was written: once enabled, the very same assertion is good.
      expect((await idp.request(devicePath(device.deviceId), { method: 'PATCH', json: { status: 'active' } })).status).toBe(200);
      expect(outageAnswerShape(await postToken(env.tokenEndpoint, tokenRequestBody(jwt)))).toEqual(TOKEN);
    }
  });

  it('a business-unit pin set by PATCH while a token request is parked: the decision is re-taken and refused with business_unit_mismatch', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const device = await boundDevice();
      const { changeStatus, answer } = await withParkedIssuance(
        device,
        async () => (await idp.request(devicePath(device.deviceId), { method: 'PATCH', json: { tags: { business_unit_id: 'Another Unit' } } })).status,
      );
      expect({ changeStatus, ...refusalShape(answer) }).toEqual({ changeStatus: 200, status: 400, error: 'invalid_grant', code: 'business_unit_mismatch' });
    }
  });

  it('the root deleted while a token request is parked: 204, then the request is refused with untrusted_root', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const own = await makeOrganisationPki(`Parked Root ${round}`);
      await uploadRoot(idp, env.clientPoolId, own.root.pem);
      const device = await boundDevice(env, own);
      const { changeStatus, answer } = await withParkedIssuance(
        device,
        async () => (await idp.request(`/api/internal/${env.clientPoolId}/certificates/${sha256Hex(own.root.der)}`, { method: 'DELETE' })).status,
      );
      expect({ changeStatus, ...refusalShape(answer) }).toEqual({ changeStatus: 204, status: 400, error: 'invalid_grant', code: 'untrusted_root' });
    }
  });

  it('the device certificate revoked while its token request is parked: 201, then the request is refused with certificate_revoked', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const device = await boundDevice();
      const { changeStatus, answer } = await withParkedIssuance(
        device,
        async () =>
          (await idp.request(`/api/internal/${env.clientPoolId}/revocations`, { method: 'POST', json: { fingerprint: sha256Hex(device.device.der) } })).status,
      );
      expect({ changeStatus, ...refusalShape(answer) }).toEqual({ changeStatus: 201, status: 400, error: 'invalid_grant', code: 'certificate_revoked' });
    }
  });

  it('a device deleted while a binding for it is being written: GET and the token endpoint always agree afterwards', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const device = await boundDevice();
      const hold = holdFirst(bindingWrite);
      proxy.setRule(hold);
      const binding = idp.request(`${devicePath(device.deviceId)}/app`, { method: 'POST', json: { clientAppId: 'client', scopes: ['device'] } });
      await hold.reached;
      const deleted = await idp.request(devicePath(device.deviceId), { method: 'DELETE' });
      hold.release();
      const bound = await binding;
      proxy.setRule(undefined);
      expect({ deleted: deleted.status, bound: bound.status }).toEqual({ deleted: 204, bound: 201 });
      // The parked write was decided on the old device; it commits only as a new registration, visible everywhere.
      const record = await getDevice(idp, env, device.deviceId);
      expect(record).toMatchObject({ deviceId: device.deviceId, status: 'active', preRegistered: false });
      expect(record?.provisioning).toBeUndefined();
      const { jwt } = await deviceAssertion(device, env);
      expect(outageAnswerShape(await postToken(env.tokenEndpoint, tokenRequestBody(jwt)))).toEqual(TOKEN);
    }
  });
});
