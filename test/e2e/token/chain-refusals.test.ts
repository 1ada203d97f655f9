import { signAssertion, tokenRequestBody } from '../../support/device-client';
import {
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
import { makeCertificate, makeIntermediate, makeLeaf, subjectNameOf, type TestCertificate } from '../../support/pki';
import { useTokenPool } from '../../support/token-pool';

/*
 * docs/contract.md §4.3 and §5: the hostile chains the pkijs engine lets through, refused
 * over real HTTP with 400 invalid_grant, the chain code, and no provisioning.
 */
describe('token endpoint: hostile chains', () => {
  const pool = useTokenPool();
  const { nextId, boundDevice, expectNotProvisioned } = pool;

  /** A device id bound to client app `client` (scopes `["device"]`) before any certificate for it exists. */
  const boundId = async (prefix: string) => {
    const deviceId = nextId(prefix);
    await bindDevice(pool.idp, pool.env, deviceId, 'client', ['device']);
    return deviceId;
  };
  /** An ES256 assertion for `sub` signed with `signer`'s key, carrying `x5c` as given. */
  const chainAssertion = async (signer: TestCertificate, x5c: Uint8Array[], sub: string) =>
    (await signAssertion({ alg: 'ES256', privateKey: signer.keys.privateKey, x5c, iss: 'client', sub, aud: pool.env.tokenEndpoint })).jwt;
  /** Posts that assertion: 400 invalid_grant with `code`, and `sub`'s record left without provisioning. */
  const expectChainRefused = async (signer: TestCertificate, x5c: Uint8Array[], sub: string, code: string) => {
    expectTokenError(await postToken(pool.env.tokenEndpoint, tokenRequestBody(await chainAssertion(signer, x5c, sub))), 400, 'invalid_grant', code);
    await expectNotProvisioned(sub);
  };

  describe('hostile chains (docs/contract.md §5) → 400 invalid_grant', () => {
    it('a self-signed forgery carrying the device subject, in front of the real intermediate: issuer_name_mismatch', async () => {
      const deviceId = await boundId('forged');
      const forgery = await makeCertificate('self-signed', { cn: deviceId, o: 'Business Unit 1', version: 1 });
      await expectChainRefused(forgery, [forgery.der, pool.pki.intermediate.der], deviceId, 'issuer_name_mismatch');
    });

    it('a forgery naming the real intermediate as issuer but signed with its own key: bad_signature', async () => {
      const deviceId = await boundId('forged');
      const forgery = await makeCertificate('self-signed', { cn: deviceId, o: 'Business Unit 1', issuerName: subjectNameOf(pool.pki.intermediate) });
      await expectChainRefused(forgery, [forgery.der, pool.pki.intermediate.der], deviceId, 'bad_signature');
    });

    it('a certificate signed by a device key (the device acting as a CA): issuer_not_ca', async () => {
      const device = await boundDevice();
      const victim = await boundId('victim');
      const fake = await makeLeaf(device.device, { cn: victim });
      await expectChainRefused(fake, [fake.der, device.device.der, pool.pki.intermediate.der], victim, 'issuer_not_ca');
    });

    it('a sub-CA under the pathlen:0 intermediate: path_length_exceeded', async () => {
      const subCa = await makeIntermediate(pool.pki.intermediate, { cn: 'Rogue Sub CA' });
      const deviceId = await boundId('rogue');
      const leaf = await makeLeaf(subCa, { cn: deviceId });
      await expectChainRefused(leaf, [leaf.der, subCa.der, pool.pki.intermediate.der], deviceId, 'path_length_exceeded');
    });

    it('an expired device certificate: certificate_expired (and the same device with a valid certificate passes)', async () => {
      const deviceId = await boundId('expired');
      const expired = await makeLeaf(pool.pki.intermediate, { cn: deviceId, notAfter: new Date(Date.now() - 86_400_000) });
      await expectChainRefused(expired, [expired.der, pool.pki.intermediate.der], deviceId, 'certificate_expired');

      const renewed = await makeLeaf(pool.pki.intermediate, { cn: deviceId });
      const ok = await chainAssertion(renewed, [renewed.der, pool.pki.intermediate.der], deviceId);
      expect((await postToken(pool.env.tokenEndpoint, tokenRequestBody(ok))).status).toBe(200);
    });

    it('a device certificate without its intermediate: untrusted_root', async () => {
      const device = await boundDevice();
      expectTokenError(await requestToken(device, pool.env, { x5c: [device.device.der] }), 400, 'invalid_grant', 'untrusted_root');
      await expectNotProvisioned(device.deviceId);
    });

    it("another pool's root: untrusted_root, and no device record appears", async () => {
      const otherEnv = await pool.idp.createEnvironment();
      const other = await makeOrganisationPki('Other');
      await uploadRoot(pool.idp, otherEnv.clientPoolId, other.root.pem);
      const foreign = await issueDevice(other.root, other.intermediate, { deviceId: nextId('foreign') });
      await bindDevice(pool.idp, otherEnv, foreign.deviceId, 'client', ['device']);
      expect((await requestToken(foreign, otherEnv)).status).toBe(200);

      expectTokenError(await requestToken(foreign, pool.env), 400, 'invalid_grant', 'untrusted_root');
      expectTokenError(
        await requestToken(foreign, pool.env, { x5c: [foreign.device.der, other.intermediate.der, other.root.der] }),
        400,
        'invalid_grant',
        'untrusted_root',
      );
      expect(await getDevice(pool.idp, pool.env, foreign.deviceId)).toBeUndefined();
    });
  });

  it('refusals for a device that does not exist leave no device record behind', async () => {
    const deviceId = nextId('ghost');
    const expired = await makeLeaf(pool.pki.intermediate, { cn: deviceId, notAfter: new Date(Date.now() - 86_400_000) });
    const valid = await issueDevice(pool.pki.root, pool.pki.intermediate, { deviceId });
    const attempts: [string, Promise<string>][] = [
      ['certificate_expired', chainAssertion(expired, [expired.der, pool.pki.intermediate.der], deviceId)],
      ['untrusted_root', deviceAssertion(valid, pool.env, { x5c: [valid.device.der] }).then((a) => a.jwt)],
      ['assertion_signature_invalid', deviceAssertion(valid, pool.env, { privateKey: expired.keys.privateKey }).then((a) => a.jwt)],
      ['aud_mismatch', deviceAssertion(valid, pool.env, { aud: 'https://elsewhere.example' }).then((a) => a.jwt)],
      ['binding_not_found', deviceAssertion(valid, pool.env).then((a) => a.jwt)],
    ];
    for (const [code, jwt] of attempts) {
      expectTokenError(await postToken(pool.env.tokenEndpoint, tokenRequestBody(await jwt)), 400, 'invalid_grant', code);
    }
    expect(await getDevice(pool.idp, pool.env, deviceId)).toBeUndefined();
  });
});
