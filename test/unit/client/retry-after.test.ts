import { DEFAULT_RETRY_POLICY, parseRetryAfter, retryDelayMs } from '../../../src/client/retry-after';

/* RFC 9110 §10.2.3 Retry-After, and the bounded, jittered wait built on it. */

const NOW = new Date('2030-06-15T12:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP-dates (IMF-fixdate and the obsolete RFC 850 form)', () => {
    expect(parseRetryAfter('5', NOW)).toBe(5);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('Sat, 15 Jun 2030 12:00:30 GMT', NOW)).toBe(30);
    expect(parseRetryAfter('Saturday, 15-Jun-30 12:01:00 GMT', NOW)).toBe(60);
    expect(parseRetryAfter('Sat, 15 Jun 2030 11:00:00 GMT', NOW)).toBe(0);
  });

  it('ignores what is neither form', () => {
    for (const value of [null, undefined, '', '-1', '1.5', 'soon', '2030-06-15T12:00:30Z', 'Sat, 15 Jun 2030 12:00:30']) {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    }
  });
});

describe('retryDelayMs', () => {
  const policy = DEFAULT_RETRY_POLICY;

  it('waits Retry-After at least, plus up to a quarter of it as jitter', () => {
    expect(retryDelayMs(1, 5, policy, () => 0)).toBe(5000);
    expect(retryDelayMs(1, 5, policy, () => 0.5)).toBe(5625);
    expect(retryDelayMs(1, 5, policy, () => 0.999999)).toBe(6250);
  });

  it('gives a Retry-After of 0 a jitter window of up to a quarter second', () => {
    expect(retryDelayMs(1, 0, policy, () => 0.999999)).toBe(250);
  });

  it('backs off exponentially from one second without Retry-After', () => {
    expect([1, 2, 3].map((retry) => retryDelayMs(retry, undefined, policy, () => 0))).toEqual([1000, 2000, 4000]);
  });

  it('stops after maxAttempts attempts in all, and at once for a Retry-After beyond the longest it honours', () => {
    expect(retryDelayMs(3, 1, policy, () => 0)).toBe(1000);
    expect(retryDelayMs(4, 1, policy, () => 0)).toBeUndefined();
    expect(retryDelayMs(1, 60, policy, () => 0)).toBe(60_000);
    expect(retryDelayMs(1, 61, policy, () => 0)).toBeUndefined();
    expect(retryDelayMs(1, 1, { ...policy, maxAttempts: 1 }, () => 0)).toBeUndefined();
  });
});
