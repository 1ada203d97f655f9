import { PoolTokenSigner } from '../../../src/crypto/pool-token-signer';
import { JWKS_MAX_AGE_SECONDS, MAX_POOL_SIGNING_KEYS } from '../../../src/domain/signing-keys';
import { DomainError } from '../../../src/errors';
import { SigningKeyService } from '../../../src/usecases/signing-keys';
import { FakePools, FakeVault, LEGACY } from './signing-key-fakes';

/*
 * docs/contract.md §4.6 "no verifier ever meets an unknown kid", checked by stepping an
 * injected clock through days of rotations (some refused while a key is
 * pending), sweeps and token issuance, with the real selection code
 * (PoolTokenSigner) and rotation use case. A verifier may hold any JWKS it
 * fetched up to max-age ago, so for every token and every JWKS snapshot a
 * verifier could still hold while the token is valid, the token's kid must
 * be in that snapshot. Also: every key signs only once it has been published
 * for max-age (the pool's first key excepted: its JWKS did not exist before),
 * the shared legacy key is never scheduled for deletion, and every key
 * scheduled for deletion was retired.
 */
const T0 = Date.parse('2031-03-01T00:00:00.000Z');
const STEP_SECONDS = 30;
const MAX_AGE_MS = JWKS_MAX_AGE_SECONDS * 1000;

interface Token {
  kid: string;
  iat: number;
  exp: number;
}

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function simulate(options: { legacy: boolean; lifetimeSeconds: number; days: number; seed: number }) {
  const vault = new FakeVault();
  const pools = new FakePools();
  let now = T0;
  const clock = () => new Date(now);
  const service = new SigningKeyService({ directory: pools, keyList: pools, vault, tokenLifetimeSeconds: options.lifetimeSeconds, clock });
  const signer = new PoolTokenSigner({ signers: vault.signers(), legacyKeyArn: LEGACY.keyArn, tokenLifetimeSeconds: options.lifetimeSeconds, clock });
  const random = prng(options.seed);

  const poolId = 'pool-sim';
  if (options.legacy) pools.add(poolId);
  else pools.add(poolId, [await service.provision(poolId)]);
  const firstKid = options.legacy ? LEGACY.kid : 'kid-1';
  const publishedAt = new Map<string, number>([[firstKid, T0]]);
  const snapshots: { at: number; kids: Set<string> }[] = [];
  const tokens: Token[] = [];
  const refusals = { rotation_in_progress: 0, too_many_signing_keys: 0 };
  const end = T0 + options.days * 24 * 3600 * 1000;

  for (; now < end; now += STEP_SECONDS * 1000) {
    const draw = random();
    if (draw < 0.02) {
      try {
        const rotation = await service.rotate({ kind: 'admin' }, poolId);
        publishedAt.set(rotation.nextKid, now);
      } catch (error) {
        if (!(error instanceof DomainError) || !(error.code in refusals)) throw error;
        refusals[error.code as keyof typeof refusals]++;
      }
    } else if (draw < 0.03) {
      await service.sweep(poolId);
    }
    const pool = (await pools.getPool(poolId))!;
    const jwks = await signer.jwks(pool);
    snapshots.push({ at: now, kids: new Set(jwks.keys.map((key) => key.kid)) });
    expect(jwks.keys.length).toBeLessThanOrEqual(MAX_POOL_SIGNING_KEYS);
    const iat = Math.floor(now / 1000);
    const signed = await signer.sign(pool, { typ: 'at+jwt' }, { iat, exp: iat + options.lifetimeSeconds });
    tokens.push({ kid: signed.split('|')[0], iat: iat * 1000, exp: (iat + options.lifetimeSeconds) * 1000 });
  }
  return { vault, pools, snapshots, tokens, publishedAt, firstKid, refusals };
}

describe.each([
  { legacy: false, lifetimeSeconds: 3600, days: 3, seed: 1 },
  { legacy: false, lifetimeSeconds: 600, days: 2, seed: 7 },
  { legacy: true, lifetimeSeconds: 3600, days: 3, seed: 42 },
])('rotation timeline (legacy start: $legacy, token lifetime $lifetimeSeconds s)', (options) => {
  let run: Awaited<ReturnType<typeof simulate>>;
  beforeAll(async () => {
    process.env.IDP_LOG_LEVEL = 'silent';
    run = await simulate(options);
  });

  it('rotated several times, and refused rotations while a key was pending', () => {
    expect(run.publishedAt.size).toBeGreaterThan(10);
    expect(run.refusals.rotation_in_progress).toBeGreaterThan(0);
  });

  it('every token verifies against every JWKS a verifier could hold while the token is valid', () => {
    let checked = 0;
    for (const token of run.tokens) {
      // A snapshot taken at f is held during [f, f + max-age): it overlaps the token's life [iat, exp).
      for (const snapshot of run.snapshots) {
        if (snapshot.at + MAX_AGE_MS <= token.iat || snapshot.at >= token.exp) continue;
        if (!snapshot.kids.has(token.kid))
          throw new Error(`token of ${token.kid} issued at ${new Date(token.iat).toISOString()} unknown to the JWKS of ${new Date(snapshot.at).toISOString()}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(run.tokens.length);
  });

  it("no token is signed by a key published less than max-age earlier (the pool's first key excepted)", () => {
    const signers = new Set(run.tokens.map((token) => token.kid));
    expect(signers.size).toBeGreaterThan(5);
    for (const token of run.tokens) {
      if (token.kid === run.firstKid) continue;
      expect(token.iat - run.publishedAt.get(token.kid)!).toBeGreaterThanOrEqual(MAX_AGE_MS);
    }
  });

  it('retired keys leave the JWKS and KMS; the shared key is never scheduled for deletion', () => {
    expect(run.vault.scheduled.length).toBeGreaterThan(3);
    expect(run.vault.scheduled).not.toContain(LEGACY.keyArn);
    const last = run.snapshots[run.snapshots.length - 1];
    for (const keyArn of run.vault.scheduled) {
      const kid = run.vault.kidOf(keyArn);
      expect(last.kids.has(kid)).toBe(false);
      // Scheduled only after the last token it signed had expired.
      const lastExp = Math.max(...run.tokens.filter((token) => token.kid === kid).map((token) => token.exp));
      const removedAt = run.snapshots.find((snapshot) => snapshot.at > lastExp && !snapshot.kids.has(kid))?.at;
      expect(removedAt).toBeDefined();
    }
  });
});
