/**
 * Stable error codes of chain validation. They are part of the public contract
 * (logs, metrics, conformance runs): never rename one, only add.
 */
export const CHAIN_ERROR_CODES = [
  // Input shape, checked before any parsing or cryptography.
  'chain_empty',
  'chain_too_long',
  'certificate_too_large',
  'malformed_certificate',
  'duplicate_certificate',
  // Certificate profile (RFC 5280 §4.1, §4.2).
  'signature_algorithm_mismatch',
  'invalid_serial_number',
  'invalid_name',
  'unknown_critical_extension',
  'invalid_extension_criticality',
  // A CA's nameConstraints hold a subtree that cannot be evaluated (RFC 5280 §4.2.1.10).
  'name_constraints_unsupported',
  // No longer produced: requireExplicitPolicy is processed (no_valid_policy). Kept: codes are never removed.
  'policy_constraints_unsupported',
  'key_usage_inconsistent',
  'missing_key_identifier',
  // Algorithm policy.
  'unsupported_signature_algorithm',
  'unsupported_public_key',
  // Validity period (RFC 5280 §6.1.3 (a)(2)).
  'certificate_expired',
  'certificate_not_yet_valid',
  // Path (RFC 5280 §6.1.3, §6.1.4).
  'issuer_name_mismatch',
  'untrusted_root',
  'bad_signature',
  'issuer_not_ca',
  'issuer_missing_key_cert_sign',
  'path_length_exceeded',
  'path_too_deep',
  'path_building_limit',
  // Name constraints (RFC 5280 §6.1.3 (b), (c)).
  'name_not_permitted',
  'name_excluded',
  // Certificate policies (RFC 5280 §6.1.3 (d)–(f), §6.1.4 (a), §6.1.5 (g)).
  'invalid_policy_mapping',
  'no_valid_policy',
  // End entity (RFC 5280 §4.2.1.3, §4.2.1.9, §4.2.1.12; relying-party profile).
  'leaf_is_ca',
  'leaf_version',
  'leaf_key_usage',
  'leaf_extended_key_usage',
] as const;

export type ChainErrorCode = (typeof CHAIN_ERROR_CODES)[number];
