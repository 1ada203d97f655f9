import { decodeJwt } from 'jose';
import { tokenRequestBody } from '../../support/device-client';
import { deviceAssertion, postToken } from '../../support/device-fleet';
import { useTokenPool } from '../../support/token-pool';

/*
 * docs/contract.md §3.5: `PATCH .../env/{envId}` sets the pool's `tokenLifetimeSeconds`
 * (60..86400); its tokens then carry that lifetime (`expires_in`, `exp - iat`)
 * from the very next request, and only that pool's.
 */
describe('token lifetime per pool', () => {
  const pool = useTokenPool();
  const { patchEnv } = pool;
  const lifetimeOfToken = async () => {
    const device = await pool.boundDevice();
    const answer = await postToken(pool.env.tokenEndpoint, tokenRequestBody((await deviceAssertion(device, pool.env)).jwt));
    expect(answer.status).toBe(200);
    const claims = decodeJwt(answer.body.access_token!);
    return { expiresIn: answer.body.expires_in, lifetime: Number(claims.exp) - Number(claims.iat) };
  };

  it('defaults to the deployment lifetime, not shown in the environment view', async () => {
    expect(await lifetimeOfToken()).toEqual({ expiresIn: 3600, lifetime: 3600 });
    expect(await pool.readEnv()).not.toHaveProperty('tokenLifetimeSeconds');
  });

  it.each([59, 86_401, 600.5, '600', null, true])('refuses %p with 400 invalid_field and changes nothing', async (value) => {
    expect(await patchEnv({ tokenLifetimeSeconds: value })).toMatchObject({ status: 400, body: { error: 'invalid_field' } });
    expect(await pool.readEnv()).not.toHaveProperty('tokenLifetimeSeconds');
  });

  it('a PATCH sets it: shown in the view, and the very next token lives that long; the bounds are accepted', async () => {
    expect(await patchEnv({ tokenLifetimeSeconds: 600 })).toMatchObject({ status: 200, body: { tokenLifetimeSeconds: 600 } });
    expect(await pool.readEnv()).toMatchObject({ tokenLifetimeSeconds: 600 });
    expect(await lifetimeOfToken()).toEqual({ expiresIn: 600, lifetime: 600 });
    for (const bound of [60, 86_400]) {
      expect((await patchEnv({ tokenLifetimeSeconds: bound })).status).toBe(200);
      expect(await lifetimeOfToken()).toEqual({ expiresIn: bound, lifetime: bound });
    }
  });

  it("another environment's pool keeps the deployment lifetime", async () => {
    const other = await pool.idp.createEnvironment(pool.env.orgId, 'other-lifetime');
    expect((await pool.idp.request(`/api/internal/org/${other.orgId}/env/${other.envId}`)).status).toBe(200);
    expect(await (await pool.idp.request(`/api/internal/org/${other.orgId}/env/${other.envId}`)).json()).not.toHaveProperty('tokenLifetimeSeconds');
  });
});
