import { ListAliasesCommand } from '@aws-sdk/client-kms';
import { createLocalJWKSet, decodeProtectedHeader, type JWK, jwtVerify } from 'jose';
import { JWKS_MAX_AGE_SECONDS } from '../../../src/domain/signing-keys';
import { DomainError } from '../../../src/errors';
import { type SigningKeyWorld, startSigningKeyWorld } from './support';

/*
 * docs/contract.md §4.6 against DynamoDB Local and the local KMS endpoint, with the clock
 * injected: hours of rotations (a new pool, and a pool created before
 * per-pool keys that is migrated on the way), sweeps, and a real KMS-signed
 * token per pool per step. Checked with jose, the way a resource server
 * verifies: every token verifies against every JWKS a verifier could still
 * hold (fetched up to max-age earlier) at any instant of the token's life;
 * no token is signed by a key published less than max-age earlier; no token
 * of one pool verifies against the other pool's JWKS; retired keys end up
 * scheduled for deletion in KMS, never the shared key.
 */
const T0 = Date.parse('2031-06-01T08:00:00.000Z');
const LIFETIME = 600;
const STEP_MS = 60_000;
const HOURS = 4;
const MAX_AGE_MS = JWKS_MAX_AGE_SECONDS * 1000;
const AUDIENCE = 'https://api.example.com';

interface Issued {
  pool: string;
  token: string;
  kid: string;
  iat: number;
  exp: number;
}

describe('rotation timeline against DynamoDB Local and the local KMS', () => {
  let world: SigningKeyWorld;
  const snapshots = new Map<string, { at: number; jwks: { keys: JWK[] } }[]>();
  const issued: Issued[] = [];
  const publishedAt = new Map<string, number>();
  const refusals: string[] = [];

  beforeAll(async () => {
    world = await startSigningKeyWorld({ lifetimeSeconds: LIFETIME, start: T0 });
    await world.directory.createOrg({ orgId: 'acme', name: 'Acme', createdAt: new Date(T0).toISOString() });
    const first = await world.service.provision('pool-new');
    publishedAt.set(first.kid, T0);
    await world.directory.createEnvironment({ orgId: 'acme', envId: 'new', name: 'new', clientPoolId: 'pool-new', createdAt: new Date(T0).toISOString() }, [
      first,
    ]);
    // A pool created before per-pool keys: no list, the shared key.
    await world.directory.createEnvironment({ orgId: 'acme', envId: 'old', name: 'old', clientPoolId: 'pool-old', createdAt: new Date(T0).toISOString() });

    for (let step = 0; step < (HOURS * 3600_000) / STEP_MS; step++) {
      const now = T0 + step * STEP_MS;
      world.setNow(now);
      // pool-new: a rotation attempt every 20 minutes (some land while a key is pending);
      // pool-old: migrated after 40 minutes, rotated every 50 after that.
      const attempts = [
        step % 20 === 5 ? 'pool-new' : undefined,
        step >= 40 && step % 50 === 40 ? 'pool-old' : undefined,
        step % 20 === 6 ? 'pool-new' : undefined,
      ];
      for (const pool of attempts.filter((p): p is string => p !== undefined)) {
        try {
          const rotation = await world.service.rotate({ kind: 'admin' }, pool);
          publishedAt.set(rotation.nextKid, now);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          refusals.push(error.code);
        }
      }
      if (step % 30 === 0) await world.service.sweepAll();
      for (const poolId of ['pool-new', 'pool-old']) {
        const pool = (await world.directory.getPool(poolId))!;
        const jwks = await world.signer.jwks(pool);
        snapshots.set(poolId, [...(snapshots.get(poolId) ?? []), { at: now, jwks: structuredClone(jwks) as { keys: JWK[] } }]);
        const iat = Math.floor(now / 1000);
        const token = await world.signer.sign(
          pool,
          { typ: 'at+jwt' },
          { iss: `https://idp.example.com/pools/${poolId}`, aud: AUDIENCE, sub: 'till-1', iat, exp: iat + LIFETIME },
        );
        issued.push({ pool: poolId, token, kid: decodeProtectedHeader(token).kid!, iat: iat * 1000, exp: (iat + LIFETIME) * 1000 });
      }
    }
  });
  afterAll(() => world?.stop());

  it('rotated both pools several times and refused the rotations that came while a key was pending', () => {
    expect(new Set(issued.filter((t) => t.pool === 'pool-new').map((t) => t.kid)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(issued.filter((t) => t.pool === 'pool-old').map((t) => t.kid)).size).toBeGreaterThanOrEqual(3);
    expect(refusals.length).toBeGreaterThan(0);
    expect(new Set(refusals)).toEqual(new Set(['rotation_in_progress']));
  });

  it('every unexpired token verifies against every JWKS a verifier could hold at that instant', async () => {
    let verified = 0;
    for (const token of issued) {
      for (const snapshot of snapshots.get(token.pool)!) {
        if (snapshot.at + MAX_AGE_MS <= token.iat || snapshot.at >= token.exp) continue;
        const currentDate = new Date(Math.max(snapshot.at, token.iat));
        await jwtVerify(token.token, createLocalJWKSet(snapshot.jwks), { audience: AUDIENCE, typ: 'at+jwt', currentDate }).catch((error: Error) => {
          throw new Error(
            `${token.pool} token of ${token.kid} (iat ${new Date(token.iat).toISOString()}) vs JWKS of ${new Date(snapshot.at).toISOString()}: ${error.message}`,
          );
        });
        verified++;
      }
    }
    expect(verified).toBeGreaterThan(issued.length * 10);
  });

  it("no token is signed by a key published less than max-age earlier (each pool's first key excepted)", () => {
    const firstKids = new Set([issued.find((t) => t.pool === 'pool-new')!.kid, issued.find((t) => t.pool === 'pool-old')!.kid]);
    for (const token of issued) {
      if (firstKids.has(token.kid)) continue;
      expect(token.iat - publishedAt.get(token.kid)!).toBeGreaterThanOrEqual(MAX_AGE_MS);
    }
  });

  it('no token of one pool verifies against any JWKS the other pool ever served, though they share aud (after the migration)', async () => {
    const legacyKid = issued.find((t) => t.pool === 'pool-old')!.kid;
    const allKids = (pool: string) => new Set(snapshots.get(pool)!.flatMap((s) => s.jwks.keys.map((k) => k.kid!)));
    const newKids = allKids('pool-new');
    for (const kid of allKids('pool-old')) if (kid !== legacyKid) expect(newKids.has(kid)).toBe(false);
    const sample = issued.filter((t) => t.pool === 'pool-new').filter((_, i) => i % 20 === 0);
    const otherJwks = snapshots.get('pool-old')!.at(-1)!.jwks;
    for (const token of sample) {
      await expect(jwtVerify(token.token, createLocalJWKSet(otherJwks), { audience: AUDIENCE, currentDate: new Date(token.iat) })).rejects.toThrow();
    }
  });

  it('retired keys left the pool items and are pending deletion in KMS; the shared key is untouched', async () => {
    const listed = new Set(
      [...(await world.directory.getPool('pool-new'))!.signingKeys!, ...(await world.directory.getPool('pool-old'))!.signingKeys!].map((k) => k.keyArn),
    );
    expect(listed.has(world.legacyKeyArn)).toBe(false);
    expect(await world.keyState(world.legacyKeyArn)).toBe('Enabled');
    let pending = 0;
    for (const arn of await allPoolKeyArns(world)) {
      const state = await world.keyState(arn);
      if (listed.has(arn)) expect(state).toBe('Enabled');
      else {
        expect(state).toBe('PendingDeletion');
        pending++;
      }
    }
    expect(pending).toBeGreaterThanOrEqual(4);
  });
});

/** Every pool key the test's KMS holds, found by the aliases the vault gave them. */
async function allPoolKeyArns(world: SigningKeyWorld): Promise<string[]> {
  const arns: string[] = [];
  let marker: string | undefined;
  do {
    const page = await world.kms.kms.send(new ListAliasesCommand({ Marker: marker }));
    for (const alias of page.Aliases ?? []) {
      if (alias.AliasName?.startsWith('alias/device-idp/it-stack/') && alias.TargetKeyId) {
        arns.push(`arn:aws:kms:us-east-1:000000000000:key/${alias.TargetKeyId}`);
      }
    }
    marker = page.NextMarker;
  } while (marker);
  return arns;
}
