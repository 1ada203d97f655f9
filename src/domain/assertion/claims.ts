import { DomainError } from '../../errors';
import { isIdentifier } from '../identifiers';

/** docs/contract.md §4.2 */
export const CLOCK_SKEW_SECONDS = 60;
export const MAX_ASSERTION_LIFETIME_SECONDS = 600;
const MAX_JTI_LENGTH = 256;

export interface AssertionClaims {
  clientAppId: string;
  subject: string;
  jti: string;
  expiresAt: number;
  /**
   * The last second at which this assertion can still be accepted: exp plus
   * the clock skew. The replay cache must keep the jti at least this long, or
   * an assertion whose exp just passed could be replayed inside the skew.
   */
  acceptedUntil: number;
}

export interface ClaimExpectations {
  now: Date;
  /** RFC 7523 §3 (3): the token endpoint URL or the issuer identify this IDP as audience. */
  audiences: string[];
}

function requiredNumericDate(claims: Record<string, unknown>, name: 'exp' | 'iat', missingCode: 'exp_missing' | 'iat_missing'): number {
  const value = claims[name];
  if (value === undefined) throw new DomainError(missingCode, `the ${name} claim is required`);
  return numericDate(name, value);
}

function numericDate(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new DomainError('claim_malformed', `${name} must be a NumericDate`);
  return value;
}

/** RFC 7523 §3 claim rules as tightened by docs/contract.md §4.2; every refusal has its own code. */
export function checkAssertionClaims(claims: Record<string, unknown>, expect: ClaimExpectations): AssertionClaims {
  const now = expect.now.getTime() / 1000;

  const iss = claims.iss;
  if (iss === undefined) throw new DomainError('iss_missing', 'the iss claim (clientAppId) is required');
  if (!isIdentifier(iss)) throw new DomainError('iss_invalid', 'iss must be a clientAppId');

  const sub = claims.sub;
  if (sub === undefined) throw new DomainError('sub_missing', 'the sub claim (deviceId) is required');
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 256) throw new DomainError('sub_invalid', 'sub must be the deviceId');

  const aud = claims.aud;
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : undefined;
  if (aud === undefined) throw new DomainError('aud_missing', 'the aud claim is required');
  if (audiences === undefined) throw new DomainError('aud_invalid', 'aud must be a string or an array of strings');
  if (!audiences.some((value) => typeof value === 'string' && expect.audiences.includes(value))) {
    throw new DomainError('aud_mismatch', "aud must be this pool's token endpoint or issuer");
  }

  const exp = requiredNumericDate(claims, 'exp', 'exp_missing');
  const iat = requiredNumericDate(claims, 'iat', 'iat_missing');
  if (exp <= now - CLOCK_SKEW_SECONDS) throw new DomainError('assertion_expired', 'the assertion has expired');
  if (iat > now + CLOCK_SKEW_SECONDS) throw new DomainError('iat_in_future', 'iat is in the future');
  if (exp <= iat) throw new DomainError('claim_malformed', 'exp must be after iat');
  // With iat at most `skew` ahead (checked above), this also bounds exp to now + 10 min + skew.
  if (exp - iat > MAX_ASSERTION_LIFETIME_SECONDS) {
    throw new DomainError('exp_too_far', `exp may be at most ${MAX_ASSERTION_LIFETIME_SECONDS} seconds after iat`);
  }
  if (claims.nbf !== undefined) {
    const nbf = numericDate('nbf', claims.nbf);
    if (nbf > now + CLOCK_SKEW_SECONDS) throw new DomainError('nbf_in_future', 'the assertion is not valid yet (nbf)');
  }

  const jti = claims.jti;
  if (jti === undefined) throw new DomainError('jti_missing', 'the jti claim is required');
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) {
    throw new DomainError('jti_invalid', `jti must be a string of 1-${MAX_JTI_LENGTH} characters`);
  }

  return { clientAppId: iss, subject: sub, jti, expiresAt: Math.ceil(exp), acceptedUntil: Math.ceil(exp) + CLOCK_SKEW_SECONDS };
}
