/**
 * Settings for every AWS client the functions build. The SDK defaults (3
 * attempts, no connection timeout, a request timeout that only logs a warning)
 * can hold a request until API Gateway's 29 s limit; an outage should rather
 * become a prompt 503 with Retry-After that the caller retries.
 *
 * Worst case ≈ maxAttempts × (connectionTimeout + requestTimeout) plus backoff.
 */
export const AWS_CLIENT_DEFAULTS = {
  maxAttempts: 2,
  requestHandler: {
    connectionTimeout: 1_000,
    requestTimeout: 3_000,
    // A response whose body stalls this long (no byte) fails too; requestTimeout ends when the headers arrive.
    socketTimeout: 3_000,
    // Without this the SDK only warns when requestTimeout elapses.
    throwOnRequestTimeout: true,
  },
} as const;

/** A fresh copy of {@link AWS_CLIENT_DEFAULTS} for one client's constructor. */
export const clientDefaults = () => ({ ...AWS_CLIENT_DEFAULTS, requestHandler: { ...AWS_CLIENT_DEFAULTS.requestHandler } });
