import {
  bindDevice,
  deleteRoot,
  type EnrolledDevice,
  expectTokenError,
  getDevice,
  issueDevice,
  makeOrganisationPki,
  requestToken,
  sha256Hex,
  unbindDevice,
  uploadRoot,
} from '../../support/device-fleet';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../../support/test-idp';

/*
 * docs/contract.md §6: the token function reads the pool's trust list and the binding on
 * every request, so a deleted root or a removed binding refuses the very next
 * request, with no warm-up request in between.
 */
describe('token endpoint: trust changes take effect at once', () => {
  let idp: TestIdp;
  let env: EnvironmentInfo;

  beforeAll(async () => {
    idp = await startTestIdp();
    env = await idp.createEnvironment();
  });
  afterAll(() => idp?.stop());

  let counter = 0;
  async function enrolUnder(pki: Awaited<ReturnType<typeof makeOrganisationPki>>): Promise<EnrolledDevice> {
    const device = await issueDevice(pki.root, pki.intermediate, { deviceId: `device-${++counter}` });
    await bindDevice(idp, env, device.deviceId, 'client', ['device']);
    return device;
  }

  it('a deleted root refuses the very next request (untrusted_root); re-uploading it restores trust', async () => {
    const pki = await makeOrganisationPki('Rotating');
    await uploadRoot(idp, env.clientPoolId, pki.root.pem);
    const device = await enrolUnder(pki);
    expect((await requestToken(device, env)).status).toBe(200);

    await deleteRoot(idp, env.clientPoolId, sha256Hex(pki.root.der));
    expectTokenError(await requestToken(device, env), 400, 'invalid_grant', 'untrusted_root');
    expectTokenError(await requestToken(device, env), 400, 'invalid_grant', 'untrusted_root');

    await uploadRoot(idp, env.clientPoolId, pki.root.pem);
    expect((await requestToken(device, env)).status).toBe(200);
  });

  it('root rotation: deleting the old root refuses its devices while devices of the new root keep working', async () => {
    const [oldPki, newPki] = await Promise.all([makeOrganisationPki('Old'), makeOrganisationPki('New')]);
    await uploadRoot(idp, env.clientPoolId, oldPki.root.pem, 'old-root.crt');
    await uploadRoot(idp, env.clientPoolId, newPki.root.pem, 'new-root.crt');
    const [oldDevice, newDevice] = [await enrolUnder(oldPki), await enrolUnder(newPki)];
    expect((await requestToken(oldDevice, env)).status).toBe(200);
    expect((await requestToken(newDevice, env)).status).toBe(200);

    await deleteRoot(idp, env.clientPoolId, sha256Hex(oldPki.root.der));
    expectTokenError(await requestToken(oldDevice, env), 400, 'invalid_grant', 'untrusted_root');
    expect((await requestToken(newDevice, env)).status).toBe(200);
  });

  it('a removed binding refuses the very next request (binding_not_found)', async () => {
    const pki = await makeOrganisationPki('Bindings');
    await uploadRoot(idp, env.clientPoolId, pki.root.pem);
    const device = await enrolUnder(pki);
    expect((await requestToken(device, env)).status).toBe(200);

    await unbindDevice(idp, env, device.deviceId, 'client');
    expectTokenError(await requestToken(device, env), 400, 'invalid_grant', 'binding_not_found');
  });

  it('a binding replaced without the device scope refuses the very next request (invalid_scope)', async () => {
    const pki = await makeOrganisationPki('Scopes');
    await uploadRoot(idp, env.clientPoolId, pki.root.pem);
    const device = await enrolUnder(pki);
    expect((await requestToken(device, env)).status).toBe(200);

    await bindDevice(idp, env, device.deviceId, 'client', ['read']);
    expectTokenError(await requestToken(device, env), 400, 'invalid_scope', 'device_scope_missing');
  });

  it('a deleted device loses its bindings: the next request is binding_not_found and no record reappears', async () => {
    const pki = await makeOrganisationPki('Deleted');
    await uploadRoot(idp, env.clientPoolId, pki.root.pem);
    const device = await enrolUnder(pki);
    expect((await requestToken(device, env)).status).toBe(200);

    const removed = await idp.request(`/api/internal/org/${env.orgId}/env/${env.envId}/device/${device.deviceId}`, { method: 'DELETE' });
    expect([200, 204]).toContain(removed.status);
    expectTokenError(await requestToken(device, env), 400, 'invalid_grant', 'binding_not_found');
    expect(await getDevice(idp, env, device.deviceId)).toBeUndefined();
  });
});
