import { DeviceClientError, TokenEndpointError } from './errors';
import { type RetryPolicy, retryDelayMs } from './retry-after';

export interface RetryDependencies {
  sleep(milliseconds: number): Promise<void>;
  /** [0, 1); default Math.random. */
  random(): number;
  /** Told before each wait, e.g. to print "retrying in 5.3 s". */
  onRetry?(event: { retry: number; delayMs: number; reason: string }): void;
}

export const realSleep = (milliseconds: number): Promise<void> => new Promise((done) => setTimeout(done, milliseconds));

/** 503 (docs/contract.md §4.4: nothing was written) and 429 (API Gateway throttling) ask to come back later; so does a network failure. */
function retryReason(error: unknown): { reason: string; retryAfterSeconds?: number } | undefined {
  if (error instanceof TokenEndpointError && (error.status === 503 || error.status === 429)) {
    return { reason: `HTTP ${error.status} ${error.error}`, retryAfterSeconds: error.retryAfterSeconds };
  }
  if (error instanceof DeviceClientError && error.code === 'token_endpoint_unreachable') return { reason: error.message };
  return undefined;
}

/**
 * Runs `attempt(1)`, and again with the next number while it fails in a way
 * worth retrying, waiting as `retryDelayMs` says (Retry-After plus jitter,
 * bounded). `attempt` must build a fresh assertion each time: a request lost
 * on the network may have spent its `jti`. The last error is rethrown.
 */
export async function withTokenRetries<T>(attempt: (number: number) => Promise<T>, policy: RetryPolicy, deps: RetryDependencies): Promise<T> {
  for (let number = 1; ; number++) {
    try {
      return await attempt(number);
    } catch (error) {
      const retriable = retryReason(error);
      const delayMs = retriable === undefined ? undefined : retryDelayMs(number, retriable.retryAfterSeconds, policy, deps.random);
      if (retriable === undefined || delayMs === undefined) throw error;
      deps.onRetry?.({ retry: number, delayMs, reason: retriable.reason });
      await deps.sleep(delayMs);
    }
  }
}
