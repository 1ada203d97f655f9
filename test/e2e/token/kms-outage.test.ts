import { tokenRequestBody } from '../../support/device-client';
import { deviceAssertion, getDevice, type HttpAnswer, issueDevice, postToken, type TokenAnswer } from '../../support/device-fleet';
import { useTokenPool } from '../../support/token-pool';

/*
 * docs/contract.md §4.4: KMS unreachable → 503 with Retry-After, no token, no
 * provisioning, and the assertion's jti released so the device can retry the
 * very same assertion once KMS is back. The outage is real: the local KMS
 * endpoint is closed (connection refused) and later restarted on its port.
 */
describe('token endpoint: KMS outage', () => {
  const pool = useTokenPool({ afterStop: (idp) => idp.kmsServer.restart() });
  const boundDevice = () => pool.boundDevice();

  function expectUnavailable(result: HttpAnswer<TokenAnswer>): void {
    expect({ status: result.status, body: result.body }).toEqual({
      status: 503,
      body: { error: 'temporarily_unavailable', error_description: expect.any(String) },
    });
    expect(Number(result.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(result.headers.get('cache-control')).toBe('no-store');
  }

  /** Stops KMS, runs `during`, restarts KMS whatever happened. */
  async function withKmsDown(during: () => Promise<void>): Promise<void> {
    await pool.idp.kmsServer.stop();
    try {
      await during();
    } finally {
      await pool.idp.kmsServer.restart();
    }
  }

  it('before the signing key was ever loaded: 503, then the same assertion succeeds once KMS is back', async () => {
    const device = await boundDevice();
    const { jwt } = await deviceAssertion(device, pool.env);
    await withKmsDown(async () => {
      const started = Date.now();
      expectUnavailable(await postToken(pool.env.tokenEndpoint, tokenRequestBody(jwt)));
      expect(Date.now() - started).toBeLessThan(10_000);
      expect((await getDevice(pool.idp, pool.env, device.deviceId))?.provisioning).toBeUndefined();
    });
    const retried = await postToken(pool.env.tokenEndpoint, tokenRequestBody(jwt));
    expect(retried.status).toBe(200);
    expect(retried.body.access_token).toEqual(expect.any(String));
    expect((await getDevice(pool.idp, pool.env, device.deviceId))?.provisioning).toBeDefined();
  });

  it('with the key already loaded (Sign fails): 503, no token, no provisioning, jti released', async () => {
    const warm = await boundDevice();
    expect((await postToken(pool.env.tokenEndpoint, tokenRequestBody((await deviceAssertion(warm, pool.env)).jwt))).status).toBe(200);

    const device = await boundDevice();
    const { jwt } = await deviceAssertion(device, pool.env);
    await withKmsDown(async () => {
      expectUnavailable(await postToken(pool.env.tokenEndpoint, tokenRequestBody(jwt)));
      // Retrying during the outage is not a replay either: every attempt released its jti.
      expectUnavailable(await postToken(pool.env.tokenEndpoint, tokenRequestBody(jwt, { form: 'client-credentials' })));
      expect((await getDevice(pool.idp, pool.env, device.deviceId))?.provisioning).toBeUndefined();
    });

    const retried = await postToken(pool.env.tokenEndpoint, tokenRequestBody(jwt));
    expect(retried.status).toBe(200);
    expect((await getDevice(pool.idp, pool.env, device.deviceId))?.provisioning).toBeDefined();
    // The released jti is spent again by the success.
    expect((await postToken(pool.env.tokenEndpoint, tokenRequestBody(jwt))).body.error).toBe('invalid_grant');
  });

  it('refusals are still decided during a KMS outage (no 503 for a request that would be refused anyway)', async () => {
    const device = await issueDevice(pool.pki.root, pool.pki.intermediate, { deviceId: 'never-bound' });
    await withKmsDown(async () => {
      const result = await postToken(pool.env.tokenEndpoint, tokenRequestBody((await deviceAssertion(device, pool.env)).jwt));
      expect(result.status).toBe(400);
      expect(result.body.error_description).toMatch(/^binding_not_found: /);
    });
  });

  it('KMS throttling (ThrottlingException on every attempt the SDK makes): 503 with Retry-After, no token, jti released', async () => {
    const warm = await boundDevice();
    expect((await postToken(pool.env.tokenEndpoint, tokenRequestBody((await deviceAssertion(warm, pool.env)).jwt))).status).toBe(200);

    const device = await boundDevice();
    const { jwt } = await deviceAssertion(device, pool.env);
    // More than the SDK's attempts (src/aws-client-defaults.ts): every Sign of this request is throttled.
    pool.idp.kmsServer.injectFault('Sign', { type: 'ThrottlingException', message: 'Rate exceeded' }, 10);
    try {
      expectUnavailable(await postToken(pool.env.tokenEndpoint, tokenRequestBody(jwt)));
      expect((await getDevice(pool.idp, pool.env, device.deviceId))?.provisioning).toBeUndefined();
    } finally {
      pool.idp.kmsServer.clearFaults();
    }
    expect((await postToken(pool.env.tokenEndpoint, tokenRequestBody(jwt))).status).toBe(200);
  });

  it('a throttled Sign that the SDK retries through: the token is issued', async () => {
    const device = await boundDevice();
    pool.idp.kmsServer.injectFault('Sign', { type: 'ThrottlingException', message: 'Rate exceeded' }, 1);
    try {
      expect((await postToken(pool.env.tokenEndpoint, tokenRequestBody((await deviceAssertion(device, pool.env)).jwt))).status).toBe(200);
    } finally {
      pool.idp.kmsServer.clearFaults();
    }
  });
});
