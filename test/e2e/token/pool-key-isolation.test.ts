import { DescribeKeyCommand, KMSClient, ListResourceTagsCommand } from '@aws-sdk/client-kms';
import { calculateJwkThumbprint, createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, type JWK, jwtVerify } from 'jose';
import { bindDevice, type EnrolledDevice, issueDevice, makeOrganisationPki, requestToken, uploadRoot } from '../../support/device-fleet';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../../support/test-idp';
import { errorOf } from '../admin/support';

/*
 * docs/contract.md §4.6 (issue "tenant isolation"): every pool signs with its own KMS key,
 * so a service of organisation B that trusts its own pool's JWKS and a shared
 * `aud` refuses organisation A's tokens. Over HTTP, verified the way a
 * resource server does (jose's remote and local JWKS sets).
 */
const SHARED_AUDIENCE = 'https://pos-api.example.com';

describe('per-pool signing keys over HTTP', () => {
  let idp: TestIdp;
  let kms: KMSClient;
  const tenants: Record<'a' | 'b', { env: EnvironmentInfo; device: EnrolledDevice }> = {} as never;
  const jwksOf = async (env: EnvironmentInfo) => (await (await fetch(env.jwksUri)).json()) as { keys: JWK[] };
  const tokenOf = async (tenant: 'a' | 'b') => {
    const answer = await requestToken(tenants[tenant].device, tenants[tenant].env);
    expect(answer.status).toBe(200);
    return answer.body.access_token!;
  };

  beforeAll(async () => {
    // Both organisations' APIs accept one audience: the case where pool-wide keys were a hole.
    process.env.TOKEN_AUDIENCE = SHARED_AUDIENCE;
    idp = await startTestIdp();
    kms = new KMSClient({ endpoint: idp.endpoints.kms, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    for (const tenant of ['a', 'b'] as const) {
      const env = await idp.createEnvironment(`tenant-${tenant}`, 'prod');
      const pki = await makeOrganisationPki(`Tenant ${tenant}`);
      await uploadRoot(idp, env.clientPoolId, pki.root.pem);
      const device = await issueDevice(pki.root, pki.intermediate, { deviceId: `till-${tenant}` });
      await bindDevice(idp, env, device.deviceId, 'client', ['device']);
      tenants[tenant] = { env, device };
    }
  });
  afterAll(async () => {
    kms?.destroy();
    await idp?.stop();
    delete process.env.TOKEN_AUDIENCE;
  });

  it('publishes one key per pool, and the two JWKS share no key', async () => {
    const [a, b] = [await jwksOf(tenants.a.env), await jwksOf(tenants.b.env)];
    expect(a.keys).toHaveLength(1);
    expect(b.keys).toHaveLength(1);
    expect(a.keys[0].kid).not.toBe(b.keys[0].kid);
    expect(a.keys[0].x).not.toBe(b.keys[0].x);
    // kid = RFC 7638 thumbprint of the published key.
    expect(a.keys[0].kid).toBe(await calculateJwkThumbprint(a.keys[0], 'sha256'));
    // The cache lifetime a rotation waits out before the new key signs.
    expect((await fetch(tenants.a.env.jwksUri)).headers.get('cache-control')).toBe('public, max-age=300');
  });

  it("a token of pool A verifies against A's JWKS and fails against B's, with the same aud", async () => {
    const token = await tokenOf('a');
    const options = { audience: SHARED_AUDIENCE, typ: 'at+jwt' };
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(tenants.a.env.jwksUri)), { ...options, issuer: tenants.a.env.issuer });
    expect(payload).toMatchObject({ aud: SHARED_AUDIENCE, org_id: 'tenant-a', sub: 'till-a' });
    await expect(jwtVerify(token, createRemoteJWKSet(new URL(tenants.b.env.jwksUri)), options)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    // Even a verifier that ignores kid and tries every key of B's JWKS refuses it.
    const [bKey] = (await jwksOf(tenants.b.env)).keys;
    await expect(jwtVerify(token, createLocalJWKSet({ keys: [{ ...bKey, kid: decodeProtectedHeader(token).kid }] }), options)).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
    const tokenB = await tokenOf('b');
    await expect(jwtVerify(tokenB, createRemoteJWKSet(new URL(tenants.a.env.jwksUri)), options)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  it("each pool's key is a KMS key tagged for the stack and its pool, with the pool's alias", async () => {
    const { env } = tenants.a;
    const described = await kms.send(new DescribeKeyCommand({ KeyId: `alias/device-idp/local/${env.clientPoolId}/1` }));
    expect(described.KeyMetadata).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', KeyState: 'Enabled' });
    const { Tags } = await kms.send(new ListResourceTagsCommand({ KeyId: described.KeyMetadata!.KeyId }));
    expect(Tags).toEqual(
      expect.arrayContaining([
        { TagKey: 'device-idp:stack', TagValue: 'local' },
        { TagKey: 'device-idp:pool', TagValue: env.clientPoolId },
      ]),
    );
  });

  describe('rotation (admin key)', () => {
    const rotate = (env: EnvironmentInfo, apiKey?: string) => idp.request(`/api/internal/${env.clientPoolId}/signing-keys/rotate`, { method: 'POST', apiKey });
    const list = (env: EnvironmentInfo) => idp.request(`/api/internal/${env.clientPoolId}/signing-keys`);

    it('202: the next key is published at once, signs only from activatesAt, and the other pool is untouched', async () => {
      const [before] = (await jwksOf(tenants.a.env)).keys;
      const bBefore = await jwksOf(tenants.b.env);
      const started = Date.now();
      const response = await rotate(tenants.a.env);
      expect(response.status).toBe(202);
      const body = (await response.json()) as { activeKid: string; nextKid: string; activatesAt: string };
      expect(body).toEqual({ activeKid: before.kid, nextKid: expect.any(String), activatesAt: expect.any(String) });
      // JWKS Cache-Control max-age (300 s) + the 60 s margin.
      const delay = Date.parse(body.activatesAt) - started;
      expect(delay).toBeGreaterThanOrEqual(360_000 - 1000);
      expect(delay).toBeLessThanOrEqual(360_000 + 5000);

      expect((await jwksOf(tenants.a.env)).keys.map((k) => k.kid)).toEqual([before.kid, body.nextKid]);
      expect(await jwksOf(tenants.b.env)).toEqual(bBefore);
      expect(decodeProtectedHeader(await tokenOf('a')).kid).toBe(before.kid);

      expect(await list(tenants.a.env).then((r) => r.json())).toEqual({
        keys: [
          { kid: before.kid, status: 'active', createdAt: expect.any(String), activatesAt: expect.any(String), retiresAt: expect.any(String) },
          { kid: body.nextKid, status: 'next', createdAt: expect.any(String), activatesAt: body.activatesAt },
        ],
      });
    });

    it('409 rotation_in_progress while the next key is pending', async () => {
      expect(await errorOf(await rotate(tenants.a.env))).toEqual({ status: 409, error: 'rotation_in_progress' });
      expect((await jwksOf(tenants.a.env)).keys).toHaveLength(2);
    });

    it('is refused to an org key (403) and answers 404 for an unknown pool', async () => {
      const created = await idp.request('/api/internal/org/tenant-b/api-keys', { method: 'POST' });
      const { apiKey } = (await created.json()) as { apiKey: string };
      expect(await errorOf(await rotate(tenants.b.env, apiKey))).toEqual({ status: 403, error: 'forbidden' });
      expect(await errorOf(await idp.request(`/api/internal/${tenants.b.env.clientPoolId}/signing-keys`, { apiKey }))).toEqual({
        status: 403,
        error: 'forbidden',
      });
      expect(await errorOf(await idp.request('/api/internal/pool-nope/signing-keys/rotate', { method: 'POST' }))).toEqual({
        status: 404,
        error: 'pool_not_found',
      });
      expect((await jwksOf(tenants.b.env)).keys).toHaveLength(1);
    });
  });

  it('creating an environment while KMS is down: 503 and no environment', async () => {
    await idp.request('/api/internal/org', { method: 'POST', json: { id: 'tenant-c', name: 'C' } });
    await idp.kmsServer.stop();
    try {
      const response = await idp.request('/api/internal/org/tenant-c/env', { method: 'POST', json: { id: 'prod', name: 'prod' } });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).not.toBeNull();
    } finally {
      await idp.kmsServer.restart();
    }
    expect(await errorOf(await idp.request('/api/internal/org/tenant-c/env/prod'))).toEqual({ status: 404, error: 'env_not_found' });
    expect((await idp.request('/api/internal/org/tenant-c/env', { method: 'POST', json: { id: 'prod', name: 'prod' } })).status).toBe(201);
  });
});
