import { claimsFor, headerFor, signedBy } from './support/attack-kit';
import { type RefusalRow, refusalTable } from './support/refusal-table';

/*
 * docs/contract.md §4.2 claim rules over real HTTP: every assertion below is correctly
 * signed by a valid device certificate, so only the claim under test can
 * refuse it. The "control" rows sit just inside a limit and must get past
 * every claim check (they stop at the missing binding), so the table proves
 * the limits are where docs/contract.md §4.2 puts them, not merely that something fails.
 */

const GRANT = 'invalid_grant';
const SKEW = 60;
const now = () => Math.floor(Date.now() / 1000);

/** `t` is the current time in seconds, read once per row so iat and exp never straddle a second boundary. */
type Overrides = (device: Parameters<RefusalRow['attack']>[0], ctx: Parameters<RefusalRow['attack']>[1], t: number) => Record<string, unknown>;

/** A correctly signed assertion whose claims are the standard ones with `overrides` applied (`undefined` deletes). */
const claimsRow = (name: string, overrides: Overrides, code: string): RefusalRow => ({
  name,
  attack: (device, ctx) => signedBy(device, headerFor(device), claimsFor(device, ctx.env, overrides(device, ctx, now()))),
  status: 400,
  error: GRANT,
  code,
});

const rows: RefusalRow[] = [
  // identity
  claimsRow('sub ≠ certificate CN (another device id)', () => ({ sub: 'victim-device' }), 'sub_mismatch'),
  claimsRow('sub = CN in upper case', (d) => ({ sub: d.deviceId.toUpperCase() }), 'sub_mismatch'),
  claimsRow('sub missing', () => ({ sub: undefined }), 'sub_missing'),
  claimsRow('sub a number', () => ({ sub: 42 }), 'sub_invalid'),
  claimsRow('sub empty', () => ({ sub: '' }), 'sub_invalid'),
  claimsRow('iss missing', () => ({ iss: undefined }), 'iss_missing'),
  claimsRow('iss not a clientAppId ("client#x")', () => ({ iss: 'client#x' }), 'iss_invalid'),

  // audience
  claimsRow('aud: another pool of the same IDP', (_d, { otherEnv }) => ({ aud: otherEnv.tokenEndpoint }), 'aud_mismatch'),
  claimsRow("aud: another pool's issuer", (_d, { otherEnv }) => ({ aud: otherEnv.issuer }), 'aud_mismatch'),
  claimsRow('aud: the token endpoint with a trailing slash', (_d, { env }) => ({ aud: `${env.tokenEndpoint}/` }), 'aud_mismatch'),
  claimsRow(
    'aud: the token endpoint over https on another host',
    (_d, { env }) => ({ aud: env.tokenEndpoint.replace(/^http:\/\/[^/]+/, 'https://idp.example') }),
    'aud_mismatch',
  ),
  claimsRow('aud: an array of foreign audiences', () => ({ aud: ['https://a.example', 'https://b.example'] }), 'aud_mismatch'),
  claimsRow('aud: the base URL of the IDP only', () => ({ aud: 'http://127.0.0.1' }), 'aud_mismatch'),
  claimsRow('aud missing', () => ({ aud: undefined }), 'aud_missing'),
  claimsRow('aud a number', () => ({ aud: 1 }), 'aud_invalid'),
  claimsRow('control: aud = [foreign, this issuer]', (_d, { env }) => ({ aud: ['https://a.example', env.issuer] }), 'binding_not_found'),

  // exp
  claimsRow('exp missing', () => ({ exp: undefined }), 'exp_missing'),
  claimsRow('exp a string', (_d, _c, t) => ({ exp: String(t + 300) }), 'claim_malformed'),
  claimsRow('exp too far: 601 s after iat', (_d, _c, t) => ({ iat: t, exp: t + 601 }), 'exp_too_far'),
  claimsRow('exp too far: one hour', (_d, _c, t) => ({ iat: t, exp: t + 3600 }), 'exp_too_far'),
  claimsRow('exp too far: backdated iat hides a 20-minute window', (_d, _c, t) => ({ iat: t - 600, exp: t + 1200 }), 'exp_too_far'),
  claimsRow('exp too far: a far-future exp with a matching far-future-ish iat', (_d, _c, t) => ({ iat: t + SKEW, exp: t + SKEW + 601 }), 'exp_too_far'),
  claimsRow('expired: exp 2 minutes ago', (_d, _c, t) => ({ iat: t - 300, exp: t - 120 }), 'assertion_expired'),
  claimsRow('control: lifetime exactly 600 s', (_d, _c, t) => ({ iat: t, exp: t + 600 }), 'binding_not_found'),
  claimsRow('control: exp 30 s ago (inside the skew)', (_d, _c, t) => ({ iat: t - 300, exp: t - 30 }), 'binding_not_found'),

  // iat / nbf
  claimsRow('iat missing', () => ({ iat: undefined }), 'iat_missing'),
  claimsRow('iat null', () => ({ iat: null }), 'claim_malformed'),
  claimsRow('iat in the future beyond the skew (+120 s)', (_d, _c, t) => ({ iat: t + 120, exp: t + 300 }), 'iat_in_future'),
  claimsRow('nbf in the future beyond the skew (+120 s)', (_d, _c, t) => ({ nbf: t + 120 }), 'nbf_in_future'),
  claimsRow('nbf a string', () => ({ nbf: 'now' }), 'claim_malformed'),
  claimsRow('control: iat and nbf 30 s in the future (inside the skew)', (_d, _c, t) => ({ iat: t + 30, nbf: t + 30, exp: t + 330 }), 'binding_not_found'),

  // jti
  claimsRow('jti missing', () => ({ jti: undefined }), 'jti_missing'),
  claimsRow('jti a number', () => ({ jti: 12345 }), 'jti_invalid'),
  claimsRow('jti empty', () => ({ jti: '' }), 'jti_invalid'),
  claimsRow('jti longer than 256 characters', () => ({ jti: 'j'.repeat(257) }), 'jti_invalid'),
];

refusalTable('hostile assertions: claims (docs/contract.md §4.2)', rows);
