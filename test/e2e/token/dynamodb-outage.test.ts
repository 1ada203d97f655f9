import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../../local/emulators/dynamodb-local';
import { tokenRequestBody } from '../../support/device-client';
import { bindDevice, deviceAssertion, getDevice, issueDevice, makeOrganisationPki, postToken, uploadRoot } from '../../support/device-fleet';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../../support/test-idp';

/*
 * docs/contract.md §4.4: DynamoDB unreachable → 503 with Retry-After and no token. This
 * file runs its own DynamoDB Local (on disk, so a restart on the same port
 * keeps the data) and really stops it mid-test.
 */
describe('token endpoint: DynamoDB outage', () => {
  let dbPath: string;
  let dynamo: DynamoDbLocal | undefined;
  let idp: TestIdp;
  let env: EnvironmentInfo;

  beforeAll(async () => {
    dbPath = mkdtempSync(join(tmpdir(), 'idp-dynamodb-outage-'));
    dynamo = await startDynamoDbLocal({ inMemory: false, dbPath });
    // test/support/emulators reads this on first use: the table of this file lives in the private instance.
    process.env.TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
    idp = await startTestIdp();
    env = await idp.createEnvironment();
  });
  afterAll(async () => {
    await idp?.stop();
    await dynamo?.stop();
    rmSync(dbPath, { recursive: true, force: true });
  });

  it('answers 503 + Retry-After while DynamoDB is down, and issues the same assertion once it is back', async () => {
    const pki = await makeOrganisationPki();
    await uploadRoot(idp, env.clientPoolId, pki.root.pem);
    const device = await issueDevice(pki.root, pki.intermediate, { deviceId: 'device-1' });
    await bindDevice(idp, env, device.deviceId, 'client', ['device']);
    expect((await postToken(env.tokenEndpoint, tokenRequestBody((await deviceAssertion(device, env)).jwt))).status).toBe(200);

    const { jwt } = await deviceAssertion(device, env);
    const port = dynamo!.port;
    await dynamo!.stop();
    dynamo = undefined;

    const started = Date.now();
    const result = await postToken(env.tokenEndpoint, tokenRequestBody(jwt));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect({ status: result.status, body: result.body }).toEqual({
      status: 503,
      body: { error: 'temporarily_unavailable', error_description: expect.any(String) },
    });
    expect(Number(result.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(result.headers.get('cache-control')).toBe('no-store');
    expect(JSON.stringify(result.body)).not.toMatch(/ECONNREFUSED|dynamo|127\.0\.0\.1/i);

    const jwksDuringOutage = await fetch(env.jwksUri);
    expect(jwksDuringOutage.status).toBe(503);
    expect(jwksDuringOutage.headers.get('retry-after')).not.toBeNull();

    dynamo = await startDynamoDbLocal({ inMemory: false, dbPath, port });
    const retried = await postToken(env.tokenEndpoint, tokenRequestBody(jwt));
    expect(retried.status).toBe(200);
    expect((await getDevice(idp, env, device.deviceId))?.provisioning).toBeDefined();
  });
});
