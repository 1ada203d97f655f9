import fc from 'fast-check';
import { base64Der, base64urlJson, signRaw, tokenRequestBody } from '../support/device-client';
import { type EnrolledDevice, postToken } from '../support/device-fleet';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../support/test-idp';
import type { OrganisationPki } from '../support/trusted-pool';
import { claimsFor, headerFor, signedBy } from './support/attack-kit';
import { startFuzzFleet } from './support/fuzz-fleet';
import { expectTokenRefusal, OutcomeTally, type StoredState, storedState } from './support/fuzz-harness';
import { fuzzParameters, fuzzTimeout } from './support/fuzz-settings';
import { failOnUnhandledRejections } from './support/rejection-watch';

/*
 * Property-based fuzzing of the assertion itself (docs/contract.md §4.2, §6): (1) the
 * compact serialisation — random segments, bytes, text and dots; (2) random
 * JSON in the JOSE header (alg, x5c of any type, crit, b64) and in the claims,
 * correctly signed by the device key so the parser and the claim checks,
 * not the signature, must refuse. Never a 5xx, never a token, never an
 * unhandled rejection, no device record or consumed jti left behind.
 */
describe('fuzz: JWT assertions', () => {
  let idp: TestIdp;
  let env: EnvironmentInfo;
  let devices: EnrolledDevice[];
  let pki: OrganisationPki;
  let baseline: StoredState;

  failOnUnhandledRejections();
  beforeAll(async () => {
    idp = await startTestIdp();
    const fleet = await startFuzzFleet(idp, 'JwtFuzz', 'jwt-fuzz');
    ({ env, pki, baseline } = fleet);
    devices = [fleet.bound, fleet.ghost];
  });
  afterAll(() => idp?.stop());

  async function expectRefusedAndNothingStored(assertion: string, tally: OutcomeTally): Promise<void> {
    const result = await postToken(env.tokenEndpoint, tokenRequestBody(assertion));
    tally.add(expectTokenRefusal(result));
    expect(await storedState(idp, env.clientPoolId)).toEqual(baseline);
  }

  const segmentRuns = 100;
  it(
    'compact serialisation: random segments, bytes, text and dots → refused, nothing stored',
    async () => {
      const device = devices[0];
      const valid = await signedBy(device, headerFor(device), claimsFor(device, env));
      // Spend the valid assertion's jti first: a variant that decodes to the same bytes (non-canonical base64url in the
      // signature segment) is the same assertion, and must then be refused as a replay rather than counted as a finding.
      expect((await postToken(env.tokenEndpoint, tokenRequestBody(valid))).status).toBe(200);
      baseline = await storedState(idp, env.clientPoolId);
      const [h, p, s] = valid.split('.');
      const segment = fc.oneof(
        fc.constantFrom(h, p, s, ''),
        fc.base64String({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
        fc.string({ maxLength: 80 }),
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.jsonValue({ maxDepth: 3 }).map((value) => base64urlJson(value)),
        fc.constantFrom(h.slice(0, -1), p.slice(1), `${s}A`, s.slice(0, 43), h.toUpperCase(), `${h}==`, h.replace(/-/g, '+')),
      );
      const assertion = fc.oneof(
        // Mostly three parts, each either a valid segment, a damaged one or random, so later parsing stages are reached.
        {
          weight: 3,
          arbitrary: fc
            .tuple(fc.oneof(fc.constant(h), segment), fc.oneof(fc.constant(p), segment), fc.oneof(fc.constant(s), segment))
            .map((parts) => parts.join('.')),
        },
        fc.array(segment, { minLength: 0, maxLength: 6 }).map((parts) => parts.join('.')),
        fc
          .tuple(
            fc.string({ unit: fc.constantFrom('.', '..', ' ', '\n'), maxLength: 3 }),
            fc.nat({ max: 2 }),
            fc.string({ unit: fc.constantFrom('.', ' ', '%'), maxLength: 3 }),
          )
          .map(([prefix, drop, suffix]) => prefix + [h, p, s].filter((_, i) => i !== drop).join('.') + suffix),
      );
      const tally = new OutcomeTally();
      await fc.assert(
        fc.asyncProperty(assertion, async (jwt) => {
          fc.pre(jwt !== valid && jwt !== '');
          await expectRefusedAndNothingStored(jwt, tally);
        }),
        fuzzParameters(segmentRuns),
      );
      tally.print('JWT segments');
    },
    fuzzTimeout(segmentRuns),
  );

  const jsonRuns = 80;
  it(
    'random JSON in the header (alg, x5c of any type, crit…) and the claims, correctly signed → refused, nothing stored',
    async () => {
      // Times are generated as offsets and resolved when the run sends its request: a property runs for many seconds.
      const offset = (seconds: number) => ({ [OFFSET]: seconds });
      const anyJson = fc.jsonValue({ maxDepth: 2 });
      const change = <T>(value: fc.Arbitrary<T>) =>
        fc.oneof(
          { weight: 5, arbitrary: fc.constant({ kind: 'keep' as const }) },
          fc.constant({ kind: 'delete' as const }),
          value.map((v) => ({ kind: 'set' as const, value: v })),
        );
      const certificates = () => [devices[0].device.der, devices[1].device.der, pki.intermediate.der].map((der) => base64Der(der));
      const x5cValue = fc.oneof(
        anyJson,
        fc.array(fc.oneof(fc.constantFrom(...certificates()), fc.base64String({ minLength: 4, maxLength: 64 }), anyJson), { maxLength: 7 }),
        fc.shuffledSubarray(certificates(), { minLength: 1 }),
      );
      const algValue = fc.oneof(fc.constantFrom('none', 'None', 'HS256', 'HS512', 'RS256', 'PS256', 'ES384', 'ES512', 'EdDSA', 'es256', 'ES256 ', ''), anyJson);
      const header = fc.record({ alg: change(algValue), x5c: change(x5cValue), crit: change(anyJson), b64: change(anyJson), typ: change(anyJson) });
      const claim = (dangerous: fc.Arbitrary<unknown>) => change(fc.oneof(dangerous, anyJson));
      const claims = fc.record({
        iss: claim(fc.constantFrom('client#', '', 'Client', 'other-app')),
        sub: claim(fc.constantFrom('', 'JWT-FUZZ-DEVICE', 'jwt-fuzz-device ', 'jwt-fuzz-ghost', 'victim')),
        aud: claim(fc.constantFrom(`${env.issuer}/`, [], [null], env.tokenEndpoint.toUpperCase())),
        exp: claim(fc.constantFrom(offset(601), offset(86_400), offset(-120), '1', 1e308, -1, Number.MAX_SAFE_INTEGER)),
        iat: claim(fc.constantFrom(offset(120), offset(-601), offset(86_400), '0', -1e308)),
        nbf: claim(fc.constantFrom(offset(120), offset(86_400), 'now', true)),
        jti: claim(fc.constantFrom('', 'j'.repeat(257), 0, ['a'])),
      });

      const noChanges = fc.constant({});
      // One focus per run, so claim checks (which run after the chain and the signature) are reached as often as header checks.
      const input = fc.oneof(
        fc.record({ focus: fc.constant('header' as const), header, claims: noChanges, whole: fc.constant(null) }),
        fc.record({ focus: fc.constant('claims' as const), header: noChanges, claims, whole: fc.constant(null) }),
        fc.record({ focus: fc.constantFrom('whole header' as const, 'whole payload' as const), header: noChanges, claims: noChanges, whole: anyJson }),
      );

      const tally = new OutcomeTally();
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: 1 }), input, async (who, { focus, header: headerChanges, claims: claimChanges, whole }) => {
          const device = devices[who];
          const now = Math.floor(Date.now() / 1000);
          const standardHeader = headerFor(device);
          const standardClaims = claimsFor(device, env, { iat: now, exp: now + 300 });
          const h = apply(standardHeader, headerChanges, now);
          const c = apply(standardClaims, claimChanges, now);
          const [headerValue, claimsValue] = focus === 'whole header' ? [whole, c] : focus === 'whole payload' ? [h, whole] : [h, c];
          fc.pre(focus.startsWith('whole') || refusable(h, standardHeader, c, standardClaims, now));
          const jwt = await signRaw('ES256', device.device.keys.privateKey, base64urlJson(headerValue), base64urlJson(claimsValue));
          await expectRefusedAndNothingStored(jwt, tally);
        }),
        fuzzParameters(jsonRuns),
      );
      tally.print('JWT JSON');
    },
    fuzzTimeout(jsonRuns),
  );
});

type Change = { kind: 'keep' | 'delete' | 'set'; value?: unknown };

/** Marks a generated time as "now + n seconds", resolved when the request is built. */
const OFFSET = '__offsetSeconds';

function apply(base: Record<string, unknown>, changes: Record<string, Change>, now: number): Record<string, unknown> {
  const out = { ...base };
  for (const [name, change] of Object.entries(changes)) {
    if (change.kind === 'delete') delete out[name];
    if (change.kind !== 'set') continue;
    const value = change.value as Record<string, unknown> | null;
    out[name] = typeof value === 'object' && value !== null && typeof value[OFFSET] === 'number' ? now + (value[OFFSET] as number) : value;
  }
  return out;
}

/**
 * Whether docs/contract.md §4.2 requires refusing this header/claims pair: some random
 * changes are harmless (any `typ`; a fresh string `jti`; a past `nbf`; the
 * device's own x5c), so at least one change must break a rule.
 */
function refusable(
  header: Record<string, unknown>,
  standardHeader: Record<string, unknown>,
  claims: Record<string, unknown>,
  standardClaims: Record<string, unknown>,
  now: number,
): boolean {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const validJti = typeof claims.jti === 'string' && claims.jti.length > 0 && claims.jti.length <= 256;
  const harmlessNbf = claims.nbf === undefined || (typeof claims.nbf === 'number' && claims.nbf <= now + 60);
  const breaks = [
    !same(header.alg, standardHeader.alg),
    !same(header.x5c, standardHeader.x5c),
    header.crit !== undefined,
    header.b64 !== undefined,
    ...(['iss', 'sub', 'aud', 'exp', 'iat'] as const).map((name) => !same(claims[name], standardClaims[name])),
    !harmlessNbf,
    !validJti,
  ];
  return breaks.some(Boolean);
}
