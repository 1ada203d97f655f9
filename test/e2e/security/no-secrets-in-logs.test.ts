import { startTestIdp, type EnvironmentInfo, type TestIdp } from '../../support/test-idp';
import { tokenRequestBody } from '../../support/device-client';
import { bindDevice, deviceAssertion, issueDevice, makeOrganisationPki, postToken, uploadRoot } from '../../support/device-fleet';

/*
 * SPEC §6: no plaintext secret is logged — API keys, assertions and tokens
 * never appear whole in the functions' logs, on success or on refusal.
 */
describe('logs', () => {
  let idp: TestIdp;
  let env: EnvironmentInfo;
  const lines: string[] = [];
  const capture = (...args: unknown[]) => lines.push(args.map(String).join(' '));

  beforeAll(async () => {
    process.env.IDP_LOG_LEVEL = 'info';
    jest.spyOn(console, 'log').mockImplementation(capture);
    jest.spyOn(console, 'error').mockImplementation(capture);
    idp = await startTestIdp();
    env = await idp.createEnvironment();
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await idp?.stop();
  });

  it('never contain API keys, assertions or access tokens', async () => {
    const pki = await makeOrganisationPki();
    await uploadRoot(idp, env.clientPoolId, pki.root.pem);
    const device = await issueDevice(pki.root, pki.intermediate, { deviceId: 'logged-device', keyAlgorithm: 'EC-P256' });
    await bindDevice(idp, env, device.deviceId, 'client', ['device']);

    const orgKey = (await (await idp.request(`/api/internal/org/${env.orgId}/api-keys`, { method: 'POST' })).json()) as { apiKey: string };
    const wrongKey = await idp.request(`/api/internal/org/${env.orgId}/env/${env.envId}`, { apiKey: `${orgKey.apiKey.slice(0, -4)}AAAA` });
    expect(wrongKey.status).toBe(401);

    const { jwt } = await deviceAssertion(device, env);
    const issued = await postToken(env.tokenEndpoint, tokenRequestBody(jwt));
    expect(issued.status).toBe(200);
    const replayed = await postToken(env.tokenEndpoint, tokenRequestBody(jwt));
    expect(replayed.status).toBe(400);

    const secrets = [idp.adminApiKey, orgKey.apiKey, jwt, String(issued.body.access_token)];
    // Logging happened (refusals and issuance are logged by code), so the check below is not vacuous.
    expect(lines.some((line) => line.includes('token issued'))).toBe(true);
    expect(lines.some((line) => line.includes('assertion_replayed'))).toBe(true);
    for (const secret of secrets) {
      // Any sizeable fragment would be a leak, not only the whole value.
      const fragment = secret.slice(secret.length - 24);
      expect(lines.filter((line) => line.includes(fragment))).toEqual([]);
    }
  });
});
