// First: logging on before src/observability.ts builds its Logger.
import '../../support/logs-on';
import { type CapturedOutput, captureOutput } from '../../support/captured-output';
import { tokenRequestBody } from '../../support/device-client';
import { bindDevice, deviceAssertion, issueDevice, makeOrganisationPki, postToken, uploadRoot } from '../../support/device-fleet';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../../support/test-idp';

/*
 * docs/contract.md §6: no plaintext secret is logged — API keys, assertions and tokens
 * never appear whole in the functions' logs, on success or on refusal. The
 * functions run in this process (the local runtime): their Powertools Logger
 * is turned on by the first import, and its output (process.stdout and
 * process.stderr) captured.
 */
describe('logs', () => {
  let idp: TestIdp;
  let env: EnvironmentInfo;
  let output: CapturedOutput;

  beforeAll(async () => {
    output = captureOutput();
    idp = await startTestIdp();
    env = await idp.createEnvironment();
  });
  afterAll(async () => {
    output?.restore();
    await idp?.stop();
  });

  it('never contain API keys, assertions or access tokens', async () => {
    const pki = await makeOrganisationPki();
    await uploadRoot(idp, env.clientPoolId, pki.root.pem);
    const device = await issueDevice(pki.root, pki.intermediate, { deviceId: 'logged-device', keyAlgorithm: 'EC-P256' });
    await bindDevice(idp, env, device.deviceId, 'client', ['device']);

    const orgKey = (await (await idp.request(`/api/internal/org/${env.orgId}/api-keys`, { method: 'POST' })).json()) as { apiKey: string };
    // Refused, yet all but its last characters are the real key's: it must not be logged either.
    const nearKey = `${orgKey.apiKey.slice(0, -4)}AAAA`;
    const wrongKey = await idp.request(`/api/internal/org/${env.orgId}/env/${env.envId}`, { apiKey: nearKey });
    expect(wrongKey.status).toBe(401);

    const { jwt } = await deviceAssertion(device, env);
    const issued = await postToken(env.tokenEndpoint, tokenRequestBody(jwt));
    expect(issued.status).toBe(200);
    const replayed = await postToken(env.tokenEndpoint, tokenRequestBody(jwt));
    expect(replayed.status).toBe(400);

    const secrets = [idp.adminApiKey, orgKey.apiKey, nearKey, jwt, String(issued.body.access_token)];
    const lines = output.lines();
    // Logging happened (refusals and issuance are logged by code), so the check below is not vacuous.
    const logged = output.json();
    expect(logged).toContainEqual(expect.objectContaining({ message: 'token issued', clientPoolId: env.clientPoolId }));
    expect(logged).toContainEqual(expect.objectContaining({ message: 'request refused', code: 'assertion_replayed', clientPoolId: env.clientPoolId }));
    expect(logged).toContainEqual(expect.objectContaining({ message: 'request refused', code: 'invalid_api_key' }));
    for (const secret of secrets) {
      // Any sizeable fragment would be a leak, not only the whole value.
      const fragment = secret.slice(secret.length - 24);
      expect(lines.filter((line) => line.includes(fragment))).toEqual([]);
    }
  });
});
