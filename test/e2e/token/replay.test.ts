import { tokenRequestBody } from '../../support/device-client';
import { bindDevice, deviceAssertion, expectTokenError, getDevice, postToken, requestToken, uploadRoot } from '../../support/device-fleet';
import { useTokenPool } from '../../support/token-pool';

/*
 * docs/contract.md §6: a jti is accepted once per pool until its exp, enforced by a
 * DynamoDB conditional write; of N concurrent requests exactly one wins.
 */
describe('token endpoint: assertion replay', () => {
  const pool = useTokenPool();
  const boundDevice = (scopes = ['device']) => pool.boundDevice({ scopes });

  it('refuses the second use of an assertion with invalid_grant assertion_replayed', async () => {
    const device = await boundDevice();
    const { jwt } = await deviceAssertion(device, pool.env);
    expect((await postToken(pool.env.tokenEndpoint, tokenRequestBody(jwt))).status).toBe(200);
    expectTokenError(await postToken(pool.env.tokenEndpoint, tokenRequestBody(jwt)), 400, 'invalid_grant', 'assertion_replayed');
    // The other request form carries the same assertion: still a replay, answered as failed client authentication (RFC 7523 §3.2).
    expectTokenError(
      await postToken(pool.env.tokenEndpoint, tokenRequestBody(jwt, { form: 'client-credentials' })),
      401,
      'invalid_client',
      'assertion_replayed',
    );
  });

  it('keys replay on the jti: a freshly signed assertion reusing a jti is refused', async () => {
    const device = await boundDevice();
    expect((await requestToken(device, pool.env, { claims: { jti: 'fixed-jti' } })).status).toBe(200);
    expectTokenError(await requestToken(device, pool.env, { claims: { jti: 'fixed-jti' } }), 400, 'invalid_grant', 'assertion_replayed');
    expect((await requestToken(device, pool.env, { claims: { jti: 'fixed-jti-2' } })).status).toBe(200);
  });

  it('scopes the jti to the pool: the same jti is fresh in another pool', async () => {
    const otherEnv = await pool.idp.createEnvironment();
    await uploadRoot(pool.idp, otherEnv.clientPoolId, pool.pki.root.pem);
    const device = await boundDevice();
    await bindDevice(pool.idp, otherEnv, device.deviceId, 'client', ['device']);
    expect((await requestToken(device, pool.env, { claims: { jti: 'shared-jti' } })).status).toBe(200);
    expect((await requestToken(device, otherEnv, { claims: { jti: 'shared-jti' } })).status).toBe(200);
  });

  it('of 16 concurrent requests carrying one assertion, exactly one gets a token', async () => {
    const device = await boundDevice();
    const { jwt } = await deviceAssertion(device, pool.env);
    const results = await Promise.all(Array.from({ length: 16 }, () => postToken(pool.env.tokenEndpoint, tokenRequestBody(jwt))));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(15).fill(400)]);
    for (const refused of results.filter((r) => r.status !== 200)) expectTokenError(refused, 400, 'invalid_grant', 'assertion_replayed');
    expect(results.filter((r) => typeof r.body.access_token === 'string')).toHaveLength(1);
    expect((await getDevice(pool.idp, pool.env, device.deviceId))?.provisioning).toBeDefined();
  });

  it('still refuses the replay while an already-expired assertion is accepted within the 60 s clock skew', async () => {
    const device = await boundDevice();
    const now = Math.floor(Date.now() / 1000);
    // exp passed 30 s ago: accepted (skew 60 s), so its jti must stay spent at least until exp + skew.
    const { jwt } = await deviceAssertion(device, pool.env, { claims: { iat: now - 150, exp: now - 30 } });
    expect((await postToken(pool.env.tokenEndpoint, tokenRequestBody(jwt))).status).toBe(200);
    expectTokenError(await postToken(pool.env.tokenEndpoint, tokenRequestBody(jwt)), 400, 'invalid_grant', 'assertion_replayed');
  });

  it('a refused request does not spend the jti: once the binding is fixed, the same assertion succeeds', async () => {
    const device = await boundDevice(['read']);
    const { jwt } = await deviceAssertion(device, pool.env);
    expectTokenError(await postToken(pool.env.tokenEndpoint, tokenRequestBody(jwt)), 400, 'invalid_scope', 'device_scope_missing');
    await bindDevice(pool.idp, pool.env, device.deviceId, 'client', ['device', 'read']);
    const result = await postToken(pool.env.tokenEndpoint, tokenRequestBody(jwt));
    expect(result.status).toBe(200);
    expect(result.body.scope).toBe('device read');
  });

  it('stores only a hash of the jti in the replay cache', async () => {
    const device = await boundDevice();
    const jti = `visible-jti-${Date.now()}`;
    expect((await requestToken(device, pool.env, { claims: { jti } })).status).toBe(200);
    const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
    const { testDocumentClient } = await import('../../support/emulators');
    const { Items = [] } = await testDocumentClient().send(new ScanCommand({ TableName: pool.idp.runtimeTableName }));
    expect(JSON.stringify(Items)).not.toContain(jti);
    const entries = Items.filter((item) => item.type === 'jti');
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(entry.expiresAt).toEqual(expect.any(Number));
  });
});
