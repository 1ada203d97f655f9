/**
 * Stable codes of CRL handling. Part of the public contract (the admin API
 * answers 400 with an import code, the token endpoint refuses with a
 * revocation code): never rename one, only add.
 */
export const CRL_IMPORT_ERROR_CODES = [
  // Input shape, before any decoding.
  'crl_too_large',
  'crl_malformed',
  'crl_is_certificate',
  'crl_private_key_not_allowed',
  'crl_multiple_not_allowed',
  // Signature algorithm ([RFC 5280 §5.1.1.2](https://www.rfc-editor.org/rfc/rfc5280#section-5.1.1.2), §5.1.2.2).
  'crl_signature_algorithm_mismatch',
  'crl_weak_signature_algorithm',
  'crl_unsupported_signature_algorithm',
  // Extensions ([RFC 5280 §5.2](https://www.rfc-editor.org/rfc/rfc5280#section-5.2), §5.3): only complete, unpartitioned, direct CRLs.
  'crl_delta_unsupported',
  'crl_freshest_crl_unsupported',
  'crl_scope_unsupported',
  'crl_unknown_critical_extension',
  'crl_indirect_unsupported',
  'crl_unknown_critical_entry_extension',
  // Times ([RFC 5280 §5.1.2.4](https://www.rfc-editor.org/rfc/rfc5280#section-5.1.2.4), §5.1.2.5).
  'crl_next_update_missing',
  'crl_not_yet_valid',
  'crl_expired',
  // Issuer ([RFC 5280 §6.3.3](https://www.rfc-editor.org/rfc/rfc5280#section-6.3.3) (b)(1), (f), (g)).
  'crl_issuer_unknown',
  'crl_issuer_name_mismatch',
  'crl_bad_signature',
  'crl_issuer_missing_crl_sign',
  'crl_issuer_untrusted',
] as const;

export type CrlImportErrorCode = (typeof CRL_IMPORT_ERROR_CODES)[number];

/**
 * Refusals at the token endpoint (and in the validate-chain CLI).
 * `crl_issuer_revoked`: a CRL that covers a certificate of the path is
 * signed under a certificate that is itself revoked, so it vouches for nothing.
 */
export const REVOCATION_ERROR_CODES = ['certificate_revoked', 'crl_expired', 'crl_missing', 'crl_issuer_revoked'] as const;

export type RevocationErrorCode = (typeof REVOCATION_ERROR_CODES)[number];

/** Why an uploaded CRL was refused; `message` names the rule and is safe to return to the operator. */
export class CrlImportError extends Error {
  constructor(
    readonly code: CrlImportErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CrlImportError';
  }
}
