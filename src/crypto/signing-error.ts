/**
 * Errors raised by the crypto module itself. The KMS client's errors are NOT
 * wrapped: they propagate unchanged so the error middleware can classify them
 * (throttling, network, KMSInternalException → 503) in one place.
 *
 * - `invalid_signature_encoding`: a DER or JOSE ECDSA signature is malformed.
 * - `unsupported_signing_key`: the configured KMS key cannot sign JWTs
 *   (wrong KeyUsage or KeySpec) — a deployment error, surfaced at first use.
 * - `invalid_kms_response`: KMS answered without a public key or signature, or
 *   with a signature that does not verify against the key's public key. Treat
 *   as a dependency failure; no token is ever returned in that case.
 */
export type SigningErrorCode = 'invalid_signature_encoding' | 'unsupported_signing_key' | 'invalid_kms_response';

export class SigningError extends Error {
  override readonly name = 'SigningError';

  constructor(
    readonly code: SigningErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
