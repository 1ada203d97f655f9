import { type RefusalCode, type RefusalCodeIn, refusalCodesIn } from '../../refusal-codes';

/**
 * Stable codes of CRL import: the `crl_import` area of the refusal registry
 * (src/refusal-codes.ts, grouped there by RFC 5280 section). Part of the
 * public contract (the admin API answers them, crl_too_large 413, the rest
 * 400): never renamed.
 */
export const CRL_IMPORT_ERROR_CODES: readonly CrlImportErrorCode[] = refusalCodesIn('crl_import');

export type CrlImportErrorCode = RefusalCodeIn<'crl_import'>;

/**
 * Refusals at the token endpoint (and in the validate-chain CLI).
 * `crl_issuer_revoked`: a CRL that covers a certificate of the path is
 * signed under a certificate that is itself revoked, so it vouches for nothing.
 */
export const REVOCATION_ERROR_CODES = ['certificate_revoked', 'crl_expired', 'crl_missing', 'crl_issuer_revoked'] as const satisfies readonly RefusalCode[];

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
