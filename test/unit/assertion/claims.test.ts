import { CLOCK_SKEW_SECONDS, checkAssertionClaims, MAX_ASSERTION_LIFETIME_SECONDS } from '../../../src/domain/assertion/claims';
import { DomainError } from '../../../src/errors';

/* RFC 7523 §3 as tightened by docs/contract.md §4.2, at a frozen clock. */

const NOW = new Date('2030-06-15T12:00:00Z');
const T = NOW.getTime() / 1000;
const ISSUER = 'https://idp.example.com/pools/pool-abc';
const TOKEN_ENDPOINT = `${ISSUER}/oauth2/token`;
const EXPECT = { now: NOW, audiences: [TOKEN_ENDPOINT, ISSUER] };

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = { iss: 'client', sub: 'device-1', aud: TOKEN_ENDPOINT, iat: T, exp: T + 300, jti: 'jti-1' };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete base[name];
    else base[name] = value;
  }
  return base;
}

function codeOf(overrides: Record<string, unknown>): string {
  try {
    checkAssertionClaims(claims(overrides), EXPECT);
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('checkAssertionClaims', () => {
  it('returns the client, device, jti and the replay horizon (exp + skew)', () => {
    expect(checkAssertionClaims(claims(), EXPECT)).toEqual({
      clientAppId: 'client',
      subject: 'device-1',
      jti: 'jti-1',
      expiresAt: T + 300,
      acceptedUntil: T + 300 + CLOCK_SKEW_SECONDS,
    });
  });

  it('rounds a fractional exp up for the replay horizon', () => {
    expect(checkAssertionClaims(claims({ exp: T + 10.2 }), EXPECT)).toMatchObject({ expiresAt: T + 11, acceptedUntil: T + 11 + 60 });
  });

  it('uses a 60 s skew and a 600 s maximum lifetime', () => {
    expect([CLOCK_SKEW_SECONDS, MAX_ASSERTION_LIFETIME_SECONDS]).toEqual([60, 600]);
  });

  describe('iss (clientAppId)', () => {
    it('is required (iss_missing)', () => expect(codeOf({ iss: undefined })).toBe('iss_missing'));
    it.each([[''], [42], [null], [['client']], ['has space'], ['a/b'], ['a#b'], ['-leading-dash'], ['x'.repeat(129)]])('refuses iss %p (iss_invalid)', (iss) =>
      expect(codeOf({ iss })).toBe('iss_invalid'),
    );
    it.each([['client'], ['app.v2'], ['svc:reader@acme'], ['x'.repeat(128)]])('accepts iss %p', (iss) => expect(codeOf({ iss })).toBe('accepted'));
  });

  describe('sub (deviceId)', () => {
    it('is required (sub_missing)', () => expect(codeOf({ sub: undefined })).toBe('sub_missing'));
    it.each([[''], [7], [null], [{}], ['x'.repeat(257)]])('refuses sub %p (sub_invalid)', (sub) => expect(codeOf({ sub })).toBe('sub_invalid'));
  });

  describe('aud (RFC 7523 §3 (3))', () => {
    it('is required (aud_missing)', () => expect(codeOf({ aud: undefined })).toBe('aud_missing'));
    it('must be a string or an array (aud_invalid)', () => {
      expect(codeOf({ aud: 1 })).toBe('aud_invalid');
      expect(codeOf({ aud: { uri: TOKEN_ENDPOINT } })).toBe('aud_invalid');
    });

    it.each([[TOKEN_ENDPOINT], [ISSUER], [[TOKEN_ENDPOINT]], [['https://other.example', ISSUER]]])('accepts aud %p', (aud) => {
      expect(codeOf({ aud })).toBe('accepted');
    });

    it.each([
      ['another pool', 'https://idp.example.com/pools/pool-xyz'],
      ['a trailing slash', `${ISSUER}/`],
      ['a different case', ISSUER.toUpperCase()],
      ['the JWKS URI', `${ISSUER}/.well-known/jwks.json`],
      ['a prefix of the issuer', 'https://idp.example.com'],
      ['an empty array', []],
      ['an array of strangers', ['https://a.example', 'https://b.example']],
      ['an array holding the issuer as a non-string', [{ aud: ISSUER }]],
    ])('refuses %s (aud_mismatch)', (_name, aud) => {
      expect(codeOf({ aud })).toBe('aud_mismatch');
    });
  });

  describe('exp, iat, nbf', () => {
    it('requires exp (exp_missing) and iat (iat_missing)', () => {
      expect(codeOf({ exp: undefined })).toBe('exp_missing');
      expect(codeOf({ iat: undefined })).toBe('iat_missing');
    });

    it.each([
      ['exp', '1900000000'],
      ['exp', null],
      ['iat', 'now'],
      ['iat', Number.NaN],
      ['nbf', 'tomorrow'],
    ])('refuses a non-numeric %s (claim_malformed)', (name, value) => {
      expect(codeOf({ [name]: value })).toBe('claim_malformed');
    });

    it('accepts exp up to 60 s in the past (skew) and refuses it from 60 s (assertion_expired)', () => {
      expect(codeOf({ iat: T - 300, exp: T - 59 })).toBe('accepted');
      expect(codeOf({ iat: T - 300, exp: T - 60 })).toBe('assertion_expired');
      expect(codeOf({ iat: T - 3600, exp: T - 3300 })).toBe('assertion_expired');
    });

    it('refuses an exp that is not after iat (claim_malformed)', () => {
      expect(codeOf({ iat: T, exp: T })).toBe('claim_malformed');
      expect(codeOf({ iat: T + 30, exp: T + 10 })).toBe('claim_malformed');
      expect(codeOf({ iat: T, exp: T + 1 })).toBe('accepted');
    });

    it('accepts exp - iat = 600 s and refuses 601 s (exp_too_far)', () => {
      expect(codeOf({ iat: T, exp: T + 600 })).toBe('accepted');
      expect(codeOf({ iat: T, exp: T + 601 })).toBe('exp_too_far');
      expect(codeOf({ iat: T - 30, exp: T + 3600 })).toBe('exp_too_far');
    });

    it('refuses exp more than 660 s after now, whatever iat claims', () => {
      expect(codeOf({ iat: T + 60, exp: T + 660 })).toBe('accepted');
      expect(codeOf({ iat: T + 61, exp: T + 661 })).not.toBe('accepted');
      expect(codeOf({ iat: T + 120, exp: T + 700 })).not.toBe('accepted');
    });

    it('accepts iat up to 60 s in the future (skew) and refuses beyond (iat_in_future)', () => {
      expect(codeOf({ iat: T + 60, exp: T + 300 })).toBe('accepted');
      expect(codeOf({ iat: T + 61, exp: T + 300 })).toBe('iat_in_future');
      expect(codeOf({ iat: T + 3600, exp: T + 3700 })).toBe('iat_in_future');
    });

    it('honours nbf: up to 60 s in the future is fine, beyond is refused (nbf_in_future)', () => {
      expect(codeOf({ nbf: T - 1000 })).toBe('accepted');
      expect(codeOf({ nbf: T + 60 })).toBe('accepted');
      expect(codeOf({ nbf: T + 61 })).toBe('nbf_in_future');
    });
  });

  describe('jti', () => {
    it('is required (jti_missing)', () => expect(codeOf({ jti: undefined })).toBe('jti_missing'));
    it.each([[''], [12345], [null], [['a']], ['x'.repeat(257)]])('refuses jti %p (jti_invalid)', (jti) => expect(codeOf({ jti })).toBe('jti_invalid'));
    it('accepts a 256-character jti', () => expect(codeOf({ jti: 'x'.repeat(256) })).toBe('accepted'));
  });

  it('does not read the clock: the same claims at another `now` give another answer', () => {
    const later = { now: new Date(NOW.getTime() + 3_600_000), audiences: EXPECT.audiences };
    expect(() => checkAssertionClaims(claims(), later)).toThrow(expect.objectContaining({ code: 'assertion_expired' }));
  });
});
