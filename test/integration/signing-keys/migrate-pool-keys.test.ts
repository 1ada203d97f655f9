import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { ENV } from '../../../src/config-names';
import type { Pool } from '../../../src/domain/model';
import { ROTATION_MARGIN_SECONDS } from '../../../src/domain/signing-keys';
import { type SigningKeyWorld, STACK_TAG, startSigningKeyWorld } from './support';

/*
 * README "Migrating existing pools": `npm run -s migrate-pool-keys` (run here
 * as the same tsx script, in its own process, with the admin function's
 * environment) against DynamoDB Local and the local KMS endpoint. Pools
 * created before per-pool keys keep signing with the shared key until their
 * own key activates; tokens signed before stay verifiable; the shared key
 * leaves their JWKS one token lifetime later and is never deleted.
 */
const ROOT = resolve(__dirname, '..', '..', '..');
const LIFETIME = 600;

describe('migrate-pool-keys', () => {
  let world: SigningKeyWorld;
  const pool = async (id: string) => (await world.directory.getPool(id)) as Pool;

  /** Asynchronously: the local KMS endpoint runs in this process and must keep answering. */
  async function migrate(...args: string[]): Promise<{ status: number | null; lines: Array<Record<string, unknown>>; stderr: string }> {
    const script = [resolve(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), resolve(ROOT, 'scripts', 'migrate-pool-keys.ts'), ...args];
    const env = {
      PATH: process.env.PATH,
      NODE_NO_WARNINGS: '1',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: process.env.TEST_DYNAMODB_ENDPOINT,
      AWS_ENDPOINT_URL_KMS: world.kms.server.url,
      IDP_LOG_LEVEL: 'silent',
      [ENV.tableName]: world.tableName,
      [ENV.kmsKeyId]: world.legacyKeyArn,
      [ENV.signingKeyStackTag]: STACK_TAG,
      [ENV.signingKeySpec]: 'ECC_NIST_P256',
      [ENV.signingKeyAliasPrefix]: `alias/device-idp/${STACK_TAG}`,
      [ENV.tokenTtlSeconds]: String(LIFETIME),
    };
    const { status, stdout, stderr } = await new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      const child = execFile(process.execPath, script, { cwd: ROOT, env, timeout: 60_000 }, (_error, stdout, stderr) =>
        done({ status: child.exitCode, stdout, stderr }),
      );
    });
    const lines = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { status, lines, stderr };
  }

  beforeAll(async () => {
    // The script runs on the real clock; the in-process signer and sweep follow it, then step ahead.
    world = await startSigningKeyWorld({ lifetimeSeconds: LIFETIME, start: Date.now() });
    const createdAt = new Date().toISOString();
    await world.directory.createOrg({ orgId: 'acme', name: 'Acme', createdAt });
    for (const envId of ['old-1', 'old-2']) {
      await world.directory.createEnvironment({ orgId: 'acme', envId, name: envId, clientPoolId: `pool-${envId}`, createdAt });
    }
    await world.directory.createEnvironment({ orgId: 'acme', envId: 'new', name: 'new', clientPoolId: 'pool-new', createdAt }, [
      await world.service.provision('pool-new'),
    ]);
  });
  afterAll(() => world?.stop());

  it('--dry-run lists the pools without keys and writes nothing', async () => {
    const run = await migrate('--dry-run');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.lines.at(-1)).toEqual({ pools: 2, failed: 0, dryRun: true });
    expect(run.lines.slice(0, -1).sort((a, b) => String(a.clientPoolId).localeCompare(String(b.clientPoolId)))).toEqual(
      ['pool-old-1', 'pool-old-2'].map((clientPoolId) => ({ clientPoolId, outcome: 'would-rotate' })),
    );
    expect((await pool('pool-old-1')).signingKeys).toBeUndefined();
  });

  it('reports a pool it could not migrate and exits 1; nothing is written for it', async () => {
    world.kms.server.injectFault('CreateKey', { type: 'KMSInternalException', status: 500 }, 20);
    const run = await migrate();
    world.kms.server.clearFaults();
    expect(run.status).toBe(1);
    expect(run.lines.filter((line) => line.outcome === 'failed').map((line) => line.error)).toEqual(['kms_unavailable', 'kms_unavailable']);
    expect((await pool('pool-old-1')).signingKeys).toBeUndefined();
  });

  it("rotates every legacy pool once: the shared key recorded as active (shared), the pool's own key next", async () => {
    const legacyToken = await sign('pool-old-1');
    const legacyJwks = await world.signer.jwks(await pool('pool-old-1'));
    const newPoolBefore = (await pool('pool-new')).signingKeys;

    const run = await migrate();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.lines.at(-1)).toEqual({ pools: 2, failed: 0, dryRun: false });
    for (const id of ['pool-old-1', 'pool-old-2']) {
      const keys = (await pool(id)).signingKeys!;
      expect(keys).toEqual([
        expect.objectContaining({ keyArn: world.legacyKeyArn, kid: legacyJwks.keys[0].kid, shared: true }),
        expect.objectContaining({ alias: `alias/device-idp/${STACK_TAG}/${id}/1` }),
      ]);
    }
    expect((await pool('pool-new')).signingKeys).toEqual(newPoolBefore);

    // Until activatesAt: still the shared key signs, and the JWKS publishes both.
    const migrated = await pool('pool-old-1');
    const [shared, own] = migrated.signingKeys!;
    expect(decodeProtectedHeader(await sign('pool-old-1')).kid).toBe(shared.kid);
    const jwks = await world.signer.jwks(migrated);
    expect(jwks.keys.map((key) => key.kid)).toEqual([shared.kid, own.kid]);
    await jwtVerify(legacyToken, createLocalJWKSet(jwks), { currentDate: new Date(world.now()) });

    // From activatesAt (a token's iat is in whole seconds): the pool's own key signs.
    world.setNow(Math.ceil(Date.parse(own.activatesAt) / 1000) * 1000);
    expect(decodeProtectedHeader(await sign('pool-old-1')).kid).toBe(own.kid);

    // One token lifetime (+ the margin, + the seconds the script took between the two pools) later
    // the shared key leaves both pools, and stays enabled in KMS.
    world.setNow(Date.parse(own.activatesAt) + (LIFETIME + ROTATION_MARGIN_SECONDS + 30) * 1000);
    expect((await world.signer.jwks(await pool('pool-old-1'))).keys.map((key) => key.kid)).toEqual([own.kid]);
    expect(await world.service.sweepAll()).toEqual({ pools: 3, removed: 2, failed: 0 });
    expect((await pool('pool-old-1')).signingKeys!.map((key) => key.kid)).toEqual([own.kid]);
    expect(await world.keyState(world.legacyKeyArn)).toBe('Enabled');
  });

  it('running it again finds nothing to migrate', async () => {
    const run = await migrate();
    expect(run.status).toBe(0);
    expect(run.lines).toEqual([{ pools: 0, failed: 0, dryRun: false }]);
  });

  async function sign(poolId: string): Promise<string> {
    const iat = Math.floor(world.now() / 1000);
    return world.signer.sign(await pool(poolId), { typ: 'at+jwt' }, { sub: 'till', iat, exp: iat + LIFETIME });
  }
});
