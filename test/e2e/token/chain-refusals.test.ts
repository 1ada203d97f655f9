import { makeCertificate, makeIntermediate, makeLeaf, subjectNameOf } from '../../support/pki';
import { startTestIdp, type EnvironmentInfo, type TestIdp } from '../../support/test-idp';
import { signAssertion, tokenRequestBody } from '../../support/device-client';
import {
  type EnrolledDevice,
  bindDevice,
  deviceAssertion,
  expectTokenError,
  getDevice,
  issueDevice,
  makeOrganisationPki,
  postToken,
  requestToken,
  uploadRoot,
} from '../../support/device-fleet';

/*
 * SPEC §4.3 and §5: the hostile chains the pkijs engine lets through, refused
 * over real HTTP with 400 invalid_grant, the chain code, and no provisioning.
 */
describe('token endpoint: hostile chains', () => {
  let idp: TestIdp;
  let env: EnvironmentInfo;
  let pki: Awaited<ReturnType<typeof makeOrganisationPki>>;

  beforeAll(async () => {
    idp = await startTestIdp();
    env = await idp.createEnvironment();
    pki = await makeOrganisationPki();
    await uploadRoot(idp, env.clientPoolId, pki.root.pem);
  });
  afterAll(() => idp?.stop());

  let counter = 0;
  const nextId = (prefix = 'device') => `${prefix}-${++counter}`;

  async function boundDevice(spec: { businessUnit?: string; scopes?: string[] } = {}): Promise<EnrolledDevice> {
    const device = await issueDevice(pki.root, pki.intermediate, { deviceId: nextId(), businessUnit: spec.businessUnit });
    await bindDevice(idp, env, device.deviceId, 'client', spec.scopes ?? ['device']);
    return device;
  }

  /** The device record exists (its binding made it) but carries no provisioning. */
  async function expectNotProvisioned(deviceId: string): Promise<void> {
    const record = await getDevice(idp, env, deviceId);
    expect(record).toBeDefined();
    expect(record?.provisioning).toBeUndefined();
  }

  describe('hostile chains (SPEC §5) → 400 invalid_grant', () => {
    it('a self-signed forgery carrying the device subject, in front of the real intermediate: issuer_name_mismatch', async () => {
      const deviceId = nextId('forged');
      await bindDevice(idp, env, deviceId, 'client', ['device']);
      const forgery = await makeCertificate('self-signed', { cn: deviceId, o: 'Business Unit 1', version: 1 });
      const { jwt } = await signAssertion({ alg: 'ES256', privateKey: forgery.keys.privateKey, x5c: [forgery.der, pki.intermediate.der], iss: 'client', sub: deviceId, aud: env.tokenEndpoint });
      expectTokenError(await postToken(env.tokenEndpoint, tokenRequestBody(jwt)), 400, 'invalid_grant', 'issuer_name_mismatch');
      await expectNotProvisioned(deviceId);
    });

    it('a forgery naming the real intermediate as issuer but signed with its own key: bad_signature', async () => {
      const deviceId = nextId('forged');
      await bindDevice(idp, env, deviceId, 'client', ['device']);
      const forgery = await makeCertificate('self-signed', { cn: deviceId, o: 'Business Unit 1', issuerName: subjectNameOf(pki.intermediate) });
      const { jwt } = await signAssertion({ alg: 'ES256', privateKey: forgery.keys.privateKey, x5c: [forgery.der, pki.intermediate.der], iss: 'client', sub: deviceId, aud: env.tokenEndpoint });
      expectTokenError(await postToken(env.tokenEndpoint, tokenRequestBody(jwt)), 400, 'invalid_grant', 'bad_signature');
      await expectNotProvisioned(deviceId);
    });

    it('a certificate signed by a device key (the device acting as a CA): issuer_not_ca', async () => {
      const device = await boundDevice();
      const victim = nextId('victim');
      await bindDevice(idp, env, victim, 'client', ['device']);
      const fake = await makeLeaf(device.device, { cn: victim });
      const { jwt } = await signAssertion({ alg: 'ES256', privateKey: fake.keys.privateKey, x5c: [fake.der, device.device.der, pki.intermediate.der], iss: 'client', sub: victim, aud: env.tokenEndpoint });
      expectTokenError(await postToken(env.tokenEndpoint, tokenRequestBody(jwt)), 400, 'invalid_grant', 'issuer_not_ca');
      await expectNotProvisioned(victim);
    });

    it('a sub-CA under the pathlen:0 intermediate: path_length_exceeded', async () => {
      const subCa = await makeIntermediate(pki.intermediate, { cn: 'Rogue Sub CA' });
      const deviceId = nextId('rogue');
      await bindDevice(idp, env, deviceId, 'client', ['device']);
      const leaf = await makeLeaf(subCa, { cn: deviceId });
      const { jwt } = await signAssertion({ alg: 'ES256', privateKey: leaf.keys.privateKey, x5c: [leaf.der, subCa.der, pki.intermediate.der], iss: 'client', sub: deviceId, aud: env.tokenEndpoint });
      expectTokenError(await postToken(env.tokenEndpoint, tokenRequestBody(jwt)), 400, 'invalid_grant', 'path_length_exceeded');
      await expectNotProvisioned(deviceId);
    });

    it('an expired device certificate: certificate_expired (and the same device with a valid certificate passes)', async () => {
      const deviceId = nextId('expired');
      await bindDevice(idp, env, deviceId, 'client', ['device']);
      const expired = await makeLeaf(pki.intermediate, { cn: deviceId, notAfter: new Date(Date.now() - 86_400_000) });
      const { jwt } = await signAssertion({ alg: 'ES256', privateKey: expired.keys.privateKey, x5c: [expired.der, pki.intermediate.der], iss: 'client', sub: deviceId, aud: env.tokenEndpoint });
      expectTokenError(await postToken(env.tokenEndpoint, tokenRequestBody(jwt)), 400, 'invalid_grant', 'certificate_expired');
      await expectNotProvisioned(deviceId);

      const renewed = await makeLeaf(pki.intermediate, { cn: deviceId });
      const ok = await signAssertion({ alg: 'ES256', privateKey: renewed.keys.privateKey, x5c: [renewed.der, pki.intermediate.der], iss: 'client', sub: deviceId, aud: env.tokenEndpoint });
      expect((await postToken(env.tokenEndpoint, tokenRequestBody(ok.jwt))).status).toBe(200);
    });

    it('a device certificate without its intermediate: untrusted_root', async () => {
      const device = await boundDevice();
      expectTokenError(await requestToken(device, env, { x5c: [device.device.der] }), 400, 'invalid_grant', 'untrusted_root');
      await expectNotProvisioned(device.deviceId);
    });

    it("another pool's root: untrusted_root, and no device record appears", async () => {
      const otherEnv = await idp.createEnvironment();
      const other = await makeOrganisationPki('Other');
      await uploadRoot(idp, otherEnv.clientPoolId, other.root.pem);
      const foreign = await issueDevice(other.root, other.intermediate, { deviceId: nextId('foreign') });
      await bindDevice(idp, otherEnv, foreign.deviceId, 'client', ['device']);
      expect((await requestToken(foreign, otherEnv)).status).toBe(200);

      expectTokenError(await requestToken(foreign, env), 400, 'invalid_grant', 'untrusted_root');
      expectTokenError(await requestToken(foreign, env, { x5c: [foreign.device.der, other.intermediate.der, other.root.der] }), 400, 'invalid_grant', 'untrusted_root');
      expect(await getDevice(idp, env, foreign.deviceId)).toBeUndefined();
    });
  });

  it('refusals for a device that does not exist leave no device record behind', async () => {
    const deviceId = nextId('ghost');
    const expired = await makeLeaf(pki.intermediate, { cn: deviceId, notAfter: new Date(Date.now() - 86_400_000) });
    const valid = await issueDevice(pki.root, pki.intermediate, { deviceId });
    const attempts: [string, Promise<string>][] = [
      ['certificate_expired', signAssertion({ alg: 'ES256', privateKey: expired.keys.privateKey, x5c: [expired.der, pki.intermediate.der], iss: 'client', sub: deviceId, aud: env.tokenEndpoint }).then((a) => a.jwt)],
      ['untrusted_root', deviceAssertion(valid, env, { x5c: [valid.device.der] }).then((a) => a.jwt)],
      ['assertion_signature_invalid', deviceAssertion(valid, env, { privateKey: expired.keys.privateKey }).then((a) => a.jwt)],
      ['aud_mismatch', deviceAssertion(valid, env, { aud: 'https://elsewhere.example' }).then((a) => a.jwt)],
      ['binding_not_found', deviceAssertion(valid, env).then((a) => a.jwt)],
    ];
    for (const [code, jwt] of attempts) {
      expectTokenError(await postToken(env.tokenEndpoint, tokenRequestBody(await jwt)), 400, 'invalid_grant', code);
    }
    expect(await getDevice(idp, env, deviceId)).toBeUndefined();
  });

});
