/**
 * Errors of the device client and the CA tooling. Each carries a stable
 * `code` from one registry (as jose's `JOSEErrorCode`), so callers and the CLI
 * branch on codes, never on message text. Refusals by the token endpoint are
 * `TokenEndpointError`s (RFC 6749 §5.2 fields kept as sent).
 */
export const CLIENT_ERROR_CODES = {
  key_unreadable: 'the device private key could not be read or parsed',
  chain_unreadable: 'the certificate chain could not be read or holds no PEM certificate',
  key_certificate_mismatch: 'the private key does not belong to the first certificate of the chain',
  device_id_missing: 'the device certificate has no single subject CN (the device id)',
  unsupported_key_type: 'the key type has no algorithm the token endpoint accepts',
  passphrase_unreadable: 'the passphrase file could not be read',
  p12_unreadable: 'the PKCS#12 file could not be read (wrong passphrase, or not PKCS#12)',
  p12_incomplete: 'the PKCS#12 file lacks the private key or the matching certificate',
  assertion_lifetime_invalid: 'the assertion lifetime must be 1 to 600 seconds',
  token_endpoint_invalid: 'the token endpoint must be an absolute http(s) URL',
  token_endpoint_unreachable: 'the token endpoint could not be reached',
  token_response_invalid: 'the token endpoint answered something that is not an RFC 6749 token response',
  ca_input_invalid: 'a CA tooling argument is invalid',
  ca_files_unreadable: 'the CA directory lacks a readable file',
  output_exists: 'an output file exists already',
} as const;

export type ClientErrorCode = keyof typeof CLIENT_ERROR_CODES;

export class DeviceClientError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    detail?: string,
  ) {
    super(detail === undefined ? CLIENT_ERROR_CODES[code] : `${CLIENT_ERROR_CODES[code]}: ${detail}`);
    this.name = 'DeviceClientError';
  }
}

/**
 * An RFC 6749 §5.2 error response. `code` is the stable code this IDP puts
 * first in `error_description` (`binding_not_found: ...`), when there is one.
 */
export class TokenEndpointError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly errorDescription: string | undefined,
    readonly code: string | undefined,
    /** Seconds, from the RFC 9110 §10.2.3 Retry-After header of a 503 or 429. */
    readonly retryAfterSeconds?: number,
  ) {
    super(`${error}${code === undefined ? '' : ` (${code})`}`);
    this.name = 'TokenEndpointError';
  }
}
