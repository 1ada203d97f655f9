/**
 * Waiting between token requests the server asked to be retried (503
 * `temporarily_unavailable`, 429 from API Gateway throttling).
 */

export interface RetryPolicy {
  /** Attempts in all, the first included; default 4. */
  maxAttempts: number;
  /** The longest Retry-After honoured, in seconds; a longer one ends the retries at once. Default 60. */
  maxRetryAfterSeconds: number;
  /** Without Retry-After: base × 2^(retry − 1) seconds; default 1. */
  baseDelaySeconds: number;
  /** Jitter: up to this fraction of the delay is added at random (never subtracted); default 0.25. */
  jitterRatio: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, maxRetryAfterSeconds: 60, baseDelaySeconds: 1, jitterRatio: 0.25 };

/**
 * RFC 9110 §10.2.3: `Retry-After: delay-seconds / HTTP-date`. Returns whole
 * seconds from `now` (0 for a date in the past), or undefined when the header
 * is absent or is neither form.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // HTTP-date (IMF-fixdate and the obsolete forms Date.parse reads) always names a weekday and GMT.
  if (!/GMT$/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/**
 * Milliseconds to wait before retry number `retry` (1 for the first retry),
 * or undefined to stop: attempts exhausted, or a Retry-After longer than the
 * policy honours. Never shorter than Retry-After (the server's floor); jitter
 * spreads a fleet of devices told the same Retry-After over a window instead
 * of a synchronised burst. `random` returns [0, 1).
 */
export function retryDelayMs(retry: number, retryAfterSeconds: number | undefined, policy: RetryPolicy, random: () => number): number | undefined {
  if (retry >= policy.maxAttempts) return undefined;
  if (retryAfterSeconds !== undefined && retryAfterSeconds > policy.maxRetryAfterSeconds) return undefined;
  const baseSeconds = retryAfterSeconds ?? policy.baseDelaySeconds * 2 ** (retry - 1);
  // A Retry-After of 0 still gets a jitter window of up to one second's fraction.
  const jitterSeconds = random() * policy.jitterRatio * Math.max(baseSeconds, 1);
  return Math.round((baseSeconds + jitterSeconds) * 1000);
}
