/**
 * Every refusal code, in one typed registry (as jose's `JOSEErrorCode`): a
 * rule that refuses a request throws its code (`DomainError`,
 * `CrlImportError`, a chain or revocation failure), and this table says what
 * each code answers on the admin API and at the token endpoint. The HTTP
 * mapping (src/http/error-responses.ts) and docs/refusal-codes.md (`npm run
 * docs:codes`) are derived from it, so a code that is not registered does not
 * compile.
 *
 * Codes are stable: logs, metrics, clients and conformance reports key on
 * them, so one is never renamed; a rule that disappears takes its code with
 * it, and no code stays registered that nothing can produce.
 */

/** Admin API statuses of a refusal, answered as `{"error": <code>, "message"}`. */
type AdminRefusalStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415;

/**
 * The [RFC 6749 §5.2](https://www.rfc-editor.org/rfc/rfc6749#section-5.2) errors a
 * refusal is answered with (invalid_target: [RFC 8707 §2](https://www.rfc-editor.org/rfc/rfc8707#section-2)).
 * invalid_client is not listed: it is invalid_grant when the JWT was client
 * authentication ([RFC 7523 §3.2](https://www.rfc-editor.org/rfc/rfc7523#section-3.2)).
 */
type OAuthRefusalError = 'invalid_request' | 'invalid_grant' | 'invalid_scope' | 'invalid_target' | 'unsupported_grant_type';

/** A token endpoint (and discovery) answer: `{"error", "error_description": "<code>: …"}` with this status. */
export interface OAuthRefusal {
  readonly status: 400 | 404 | 405;
  readonly error: OAuthRefusalError;
}

/** The areas the reference page groups codes by, in its order. */
export const REFUSAL_AREAS = {
  request: 'Request shape (admin API and token endpoint)',
  access: 'API keys and permissions',
  directory: 'Organisations, environments, devices and bindings',
  signing_keys: 'Pool signing keys',
  root_upload: 'Root CA upload',
  revocation: 'Revocations (admin API)',
  crl_import: 'CRL upload: the CRL itself',
  crl_upload: 'CRL upload: the form, storage and ids',
  token_request: 'Token request (form, scope, resource)',
  assertion: 'Assertion (the JWT and its claims)',
  chain: 'Certificate chain validation (RFC 5280 §6.1)',
  revocation_check: 'Revocation at the token endpoint',
  issuance: 'Device, binding and replay at issuance',
} as const;

export type RefusalArea = keyof typeof REFUSAL_AREAS;

/** One registered code. A code has the sides it can be answered on: at least one of `admin` and `token`. */
export interface RefusalCodeEntry {
  readonly area: RefusalArea;
  /** Admin API status; absent: no admin route refuses with this code. */
  readonly admin?: AdminRefusalStatus;
  /** Token endpoint and discovery answer; absent: no token-side route refuses with this code. */
  readonly token?: OAuthRefusal;
  /** One line: the rule that refused. */
  readonly meaning: string;
}

const INVALID_REQUEST = { status: 400, error: 'invalid_request' } as const;
const INVALID_GRANT = { status: 400, error: 'invalid_grant' } as const;
const INVALID_SCOPE = { status: 400, error: 'invalid_scope' } as const;
const INVALID_TARGET = { status: 400, error: 'invalid_target' } as const;

export const REFUSAL_CODES = {
  // Request shape: the HTTP layer (src/http), before any rule of an area.
  route_not_found: { area: 'request', admin: 404, token: { status: 404, error: 'invalid_request' }, meaning: 'No route has this path.' },
  method_not_allowed: { area: 'request', admin: 405, token: { status: 405, error: 'invalid_request' }, meaning: 'The path exists, not with this method.' },
  payload_too_large: { area: 'request', admin: 413, token: INVALID_REQUEST, meaning: "The request body exceeds the route's limit." },
  unsupported_media_type: {
    area: 'request',
    admin: 415,
    token: INVALID_REQUEST,
    meaning: 'Content-Type is not the one the route takes (JSON on the admin API, a form at the token endpoint).',
  },
  invalid_json: { area: 'request', admin: 400, meaning: 'The body is not valid JSON.' },
  invalid_body: { area: 'request', admin: 400, meaning: 'The body is not a JSON object.' },
  invalid_field: { area: 'request', admin: 400, meaning: 'A field is unknown or has a bad value (the message and `field` name it).' },
  invalid_identifier: { area: 'request', admin: 400, meaning: 'An org, env, device or client app id is not 1-128 characters of A-Z a-z 0-9 . _ : @ -.' },
  empty_update: { area: 'request', admin: 400, meaning: 'A PATCH body changes nothing.' },
  multipart_required: { area: 'request', admin: 400, meaning: 'An upload route was sent something other than multipart/form-data.' },
  malformed_multipart: { area: 'request', admin: 400, meaning: 'The multipart/form-data body is malformed, or has too many fields or parts.' },
  too_many_files: { area: 'request', admin: 400, meaning: 'The form holds more file parts than the route takes.' },
  file_too_large: { area: 'request', admin: 413, meaning: 'A file part exceeds its limit (root 64 KiB, CRL 2 MiB, issuer 64 KiB).' },

  // API keys and permissions (src/usecases/authenticate.ts, organisations.ts).
  missing_api_key: { area: 'access', admin: 401, meaning: 'No X-API-Key header.' },
  invalid_api_key: { area: 'access', admin: 401, meaning: 'The API key is unknown, revoked or malformed.' },
  forbidden: { area: 'access', admin: 403, meaning: 'The key may not do this: an org key outside its organisation, or an admin-only route.' },
  malformed_key_id: { area: 'access', admin: 400, meaning: 'An API key id is not k followed by 16 hex digits.' },
  api_key_not_found: { area: 'access', admin: 404, meaning: "The organisation has no API key with this id (another org's key ids too)." },

  // Organisations, environments (pools), devices and bindings.
  org_not_found: { area: 'directory', admin: 404, meaning: 'No such organisation.' },
  env_not_found: { area: 'directory', admin: 404, meaning: 'No such environment in the organisation.' },
  pool_not_found: {
    area: 'directory',
    admin: 404,
    token: { status: 404, error: 'invalid_request' },
    meaning: 'No such client pool (environment) in the path.',
  },
  device_not_found: { area: 'directory', admin: 404, meaning: 'No such device in the environment.' },
  binding_not_found: {
    area: 'directory',
    admin: 404,
    token: INVALID_GRANT,
    meaning: "The device has no binding for this client app (iss); also a deleted device's token request.",
  },
  org_exists: { area: 'directory', admin: 409, meaning: 'An organisation with this id exists.' },
  env_exists: { area: 'directory', admin: 409, meaning: 'An environment with this id exists in the organisation.' },
  device_exists: { area: 'directory', admin: 409, meaning: 'A device with this id exists in the environment.' },
  invalid_scopes: { area: 'directory', admin: 400, meaning: "A binding's scopes are not a non-empty, bounded array of RFC 6749 §3.3 scope tokens." },
  invalid_limit: { area: 'directory', admin: 400, meaning: 'The inventory limit is not an integer from 1 to 1000, or is repeated.' },
  invalid_status: { area: 'directory', admin: 400, meaning: 'The inventory status filter is not active or disabled, or is repeated.' },
  invalid_cursor: {
    area: 'directory',
    admin: 400,
    meaning: "The inventory cursor is not a nextCursor of this environment's listing, unchanged, or is repeated.",
  },

  // Pool signing keys (src/usecases/signing-keys.ts).
  rotation_in_progress: { area: 'signing_keys', admin: 409, meaning: 'A rotated key is still waiting to activate.' },
  too_many_signing_keys: { area: 'signing_keys', admin: 409, meaning: 'The pool already publishes the most keys it may.' },

  // Root CA upload (docs/contract.md §3.1, src/domain/root-certificate-policy.ts); chain profile codes may answer too.
  missing_certificate_field: { area: 'root_upload', admin: 400, meaning: 'The form has no file part named certificate.' },
  single_certificate_required: { area: 'root_upload', admin: 400, meaning: 'More than one certificate part, or more than one certificate in the PEM text.' },
  empty_file: { area: 'root_upload', admin: 400, meaning: 'The uploaded certificate file is empty.' },
  pem_required: { area: 'root_upload', admin: 400, meaning: 'Not one complete PEM CERTIFICATE block (DER, another block type, bad base64).' },
  private_key_not_allowed: { area: 'root_upload', admin: 400, meaning: 'The text holds a private key (treat it as exposed).' },
  csr_not_allowed: { area: 'root_upload', admin: 400, meaning: 'The text holds a certificate signing request, not a certificate.' },
  not_a_ca_certificate: { area: 'root_upload', admin: 400, meaning: 'The root is not a CA (basicConstraints cA=TRUE).' },
  not_self_signed: { area: 'root_upload', admin: 400, meaning: 'The root is not self-signed: its signature does not verify with its own key.' },
  weak_key: { area: 'root_upload', admin: 400, meaning: 'The root key is not RSA >= 2048 or EC P-256/P-384 (unsupported_public_key at upload).' },
  weak_signature_algorithm: {
    area: 'root_upload',
    admin: 400,
    meaning: "The root's signature algorithm is refused, e.g. SHA-1 or MD5 (unsupported_signature_algorithm at upload).",
  },
  missing_key_cert_sign: { area: 'root_upload', admin: 400, meaning: "The root's keyUsage lacks keyCertSign (issuer_missing_key_cert_sign at upload)." },
  invalid_fingerprint: { area: 'root_upload', admin: 400, meaning: 'A fingerprint is not the 64 hex digits of a SHA-256.' },
  certificate_not_found: { area: 'root_upload', admin: 404, meaning: 'The pool holds no root with this fingerprint.' },

  // Revocations on the admin API (docs/contract.md §3.4, src/domain/revocation-request.ts).
  fingerprint_or_certificate_required: { area: 'revocation', admin: 400, meaning: 'A revocation gives neither or both of fingerprint and certificate.' },
  invalid_reason: { area: 'revocation', admin: 400, meaning: 'The reason is not an RFC 5280 §5.3.1 CRLReason name.' },
  reason_not_allowed: { area: 'revocation', admin: 400, meaning: 'removeFromCRL does not revoke: lift a revocation with DELETE.' },
  cannot_revoke_root: { area: 'revocation', admin: 400, meaning: 'The certificate is a root of the pool (or has its subject and key): delete the root.' },
  invalid_revocation_id: { area: 'revocation', admin: 400, meaning: 'A revocation id is not 64 hex digits.' },
  revocation_not_found: { area: 'revocation', admin: 404, meaning: 'The pool holds no revocation with this id.' },

  // The CRL itself (CrlImportError, src/domain/revocation): input shape, signature algorithm, extensions, times, issuer.
  crl_too_large: { area: 'crl_import', admin: 413, meaning: 'The CRL exceeds 2 MiB, or its serials cannot be stored.' },
  crl_malformed: { area: 'crl_import', admin: 400, meaning: 'The CRL cannot be decoded (truncated, garbage, empty, non-DER).' },
  crl_is_certificate: { area: 'crl_import', admin: 400, meaning: 'The file is a certificate, not a CRL.' },
  crl_private_key_not_allowed: { area: 'crl_import', admin: 400, meaning: 'The file holds a private key (treat it as exposed).' },
  crl_multiple_not_allowed: { area: 'crl_import', admin: 400, meaning: 'More than one CRL: in the file, or as crl parts of the form.' },
  crl_signature_algorithm_mismatch: { area: 'crl_import', admin: 400, meaning: 'signatureAlgorithm differs from tbsCertList.signature (RFC 5280 §5.1.1.2).' },
  crl_weak_signature_algorithm: { area: 'crl_import', admin: 400, meaning: 'The CRL is signed with MD5 or SHA-1.' },
  crl_unsupported_signature_algorithm: { area: 'crl_import', admin: 400, meaning: "The CRL's signature algorithm is not one the policy accepts." },
  crl_delta_unsupported: { area: 'crl_import', admin: 400, meaning: 'A delta CRL (deltaCRLIndicator): upload the complete CRL.' },
  crl_freshest_crl_unsupported: { area: 'crl_import', admin: 400, meaning: 'The CRL announces delta CRLs (freshestCRL), which are not processed.' },
  crl_scope_unsupported: { area: 'crl_import', admin: 400, meaning: 'A partitioned or indirect CRL (issuingDistributionPoint).' },
  crl_unknown_critical_extension: { area: 'crl_import', admin: 400, meaning: 'The CRL has a critical extension that is not processed (RFC 5280 §5.2).' },
  crl_indirect_unsupported: { area: 'crl_import', admin: 400, meaning: 'An entry names another certificate issuer (an indirect CRL).' },
  crl_unknown_critical_entry_extension: { area: 'crl_import', admin: 400, meaning: 'An entry has a critical extension that is not processed (RFC 5280 §5.3).' },
  crl_next_update_missing: { area: 'crl_import', admin: 400, meaning: 'The CRL has no nextUpdate, so it could never be recognised as stale.' },
  crl_not_yet_valid: { area: 'crl_import', admin: 400, meaning: "The CRL's thisUpdate is in the future." },
  crl_expired: {
    area: 'crl_import',
    admin: 400,
    token: INVALID_GRANT,
    meaning: "The CRL is past its nextUpdate: refused on upload; at the token endpoint, its issuer's certificates are refused until a fresh one is uploaded.",
  },
  crl_issuer_unknown: { area: 'crl_import', admin: 400, meaning: "No root of the pool has the CRL's issuer name, and no issuer part was given." },
  crl_issuer_name_mismatch: { area: 'crl_import', admin: 400, meaning: "The issuer part's subject is not the CRL's issuer name." },
  crl_bad_signature: { area: 'crl_import', admin: 400, meaning: "The CRL is not signed by the issuer's key." },
  crl_issuer_missing_crl_sign: { area: 'crl_import', admin: 400, meaning: "The issuer's keyUsage lacks cRLSign." },
  crl_issuer_untrusted: { area: 'crl_import', admin: 400, meaning: 'The issuer does not chain to a root of this pool.' },

  // The CRL upload around the CRL: form, storage, ids (functions/certificates/revocation-routes.ts, src/usecases/revocations.ts).
  missing_crl_field: { area: 'crl_upload', admin: 400, meaning: 'The form has no file part named crl.' },
  single_issuer_required: { area: 'crl_upload', admin: 400, meaning: 'The form has more than one issuer part.' },
  issuer_pem_required: { area: 'crl_upload', admin: 400, meaning: 'The issuer part is not PEM certificates.' },
  issuer_chain_too_long: { area: 'crl_upload', admin: 400, meaning: 'The issuer part holds more than 5 certificates.' },
  crl_not_newer: { area: 'crl_upload', admin: 400, meaning: 'The pool holds a CRL of this issuer and key at least as new (cRLNumber, else thisUpdate).' },
  crl_signing_keys_exceeded: { area: 'crl_upload', admin: 400, meaning: 'The pool holds CRLs of this issuer from 8 signing keys: delete one first.' },
  invalid_crl_id: { area: 'crl_upload', admin: 400, meaning: 'A CRL id is not 64 hex digits.' },
  crl_not_found: { area: 'crl_upload', admin: 404, meaning: 'The pool holds no CRL with this id.' },

  // Token request: the form (src/domain/token-request.ts), scope and resource (RFC 6749 §3.3, RFC 8707).
  malformed_request: { area: 'token_request', token: INVALID_REQUEST, meaning: 'A bad client_assertion_type, or a client_id over its length limit.' },
  missing_parameter: { area: 'token_request', token: INVALID_REQUEST, meaning: 'A required form parameter is missing.' },
  duplicate_parameter: { area: 'token_request', token: INVALID_REQUEST, meaning: 'A form parameter other than resource is repeated.' },
  client_id_mismatch: { area: 'token_request', token: INVALID_REQUEST, meaning: "client_id is not the assertion's iss." },
  unsupported_grant_type: {
    area: 'token_request',
    token: { status: 400, error: 'unsupported_grant_type' },
    meaning: 'grant_type is neither the JWT bearer grant nor client_credentials.',
  },
  malformed_scope: { area: 'token_request', token: INVALID_SCOPE, meaning: 'scope is not space-delimited RFC 6749 §3.3 scope tokens.' },
  scope_not_granted: { area: 'token_request', token: INVALID_SCOPE, meaning: "A requested scope is not in the device's binding." },
  device_scope_missing: { area: 'token_request', token: INVALID_SCOPE, meaning: 'The binding lacks the device scope.' },
  resource_invalid: { area: 'token_request', token: INVALID_TARGET, meaning: 'resource is not an absolute URI without a fragment (RFC 8707 §2).' },
  multiple_resources: { area: 'token_request', token: INVALID_TARGET, meaning: 'More than one resource: a token has a single audience.' },
  resource_not_allowed: { area: 'token_request', token: INVALID_TARGET, meaning: "resource is not one of the pool's audiences." },

  // Assertion: the compact JWS and its header (src/domain/assertion), then the RFC 7523 §3 claims (docs/contract.md §4.2).
  assertion_too_large: { area: 'assertion', token: INVALID_GRANT, meaning: 'The assertion exceeds 16 KiB.' },
  assertion_malformed: { area: 'assertion', token: INVALID_GRANT, meaning: 'The assertion is not a compact JWS with a JSON header and claims.' },
  x5c_missing: { area: 'assertion', token: INVALID_GRANT, meaning: 'The JOSE header carries no x5c.' },
  x5c_malformed: { area: 'assertion', token: INVALID_GRANT, meaning: 'x5c is not a non-empty array of standard base64 DER (PEM lines included).' },
  x5c_base64url: { area: 'assertion', token: INVALID_GRANT, meaning: 'An x5c entry is base64url; RFC 7515 §4.1.6 asks for standard base64.' },
  alg_not_allowed: { area: 'assertion', token: INVALID_GRANT, meaning: 'alg is not RS/PS/ES 256-512 (none and HS* are never accepted).' },
  crit_not_supported: { area: 'assertion', token: INVALID_GRANT, meaning: 'The header has crit.' },
  assertion_signature_invalid: {
    area: 'assertion',
    token: INVALID_GRANT,
    meaning: "The signature does not verify with the device certificate's key, or the key does not fit alg.",
  },
  sub_mismatch: { area: 'assertion', token: INVALID_GRANT, meaning: "sub is not the device certificate's subject CN." },
  claim_malformed: { area: 'assertion', token: INVALID_GRANT, meaning: 'exp, iat or nbf is not a NumericDate, or exp is not after iat.' },
  iss_missing: { area: 'assertion', token: INVALID_GRANT, meaning: 'No iss claim (the clientAppId).' },
  iss_invalid: { area: 'assertion', token: INVALID_GRANT, meaning: 'iss is not a clientAppId.' },
  sub_missing: { area: 'assertion', token: INVALID_GRANT, meaning: 'No sub claim (the deviceId).' },
  sub_invalid: { area: 'assertion', token: INVALID_GRANT, meaning: 'sub is not a string of 1-256 characters.' },
  aud_missing: { area: 'assertion', token: INVALID_GRANT, meaning: 'No aud claim.' },
  aud_invalid: { area: 'assertion', token: INVALID_GRANT, meaning: 'aud is neither a string nor an array of strings.' },
  aud_mismatch: { area: 'assertion', token: INVALID_GRANT, meaning: "aud is not this pool's token endpoint or issuer." },
  exp_missing: { area: 'assertion', token: INVALID_GRANT, meaning: 'No exp claim.' },
  iat_missing: { area: 'assertion', token: INVALID_GRANT, meaning: 'No iat claim.' },
  assertion_expired: { area: 'assertion', token: INVALID_GRANT, meaning: 'exp has passed (60 s clock skew).' },
  iat_in_future: { area: 'assertion', token: INVALID_GRANT, meaning: 'iat is in the future (60 s clock skew).' },
  exp_too_far: { area: 'assertion', token: INVALID_GRANT, meaning: 'exp is more than 600 s after iat.' },
  nbf_in_future: { area: 'assertion', token: INVALID_GRANT, meaning: 'nbf is in the future (60 s clock skew).' },
  jti_missing: { area: 'assertion', token: INVALID_GRANT, meaning: 'No jti claim.' },
  jti_invalid: { area: 'assertion', token: INVALID_GRANT, meaning: 'jti is not a string of 1-256 characters.' },

  // Chain validation (src/domain/chain): input shape, checked before any parsing or cryptography.
  chain_empty: { area: 'chain', token: INVALID_GRANT, meaning: 'The chain holds no certificate.' },
  chain_too_long: { area: 'chain', token: INVALID_GRANT, meaning: 'x5c holds more than 5 certificates.' },
  certificate_too_large: { area: 'chain', token: INVALID_GRANT, meaning: 'A certificate exceeds 16 KiB.' },
  malformed_certificate: {
    area: 'chain',
    admin: 400,
    token: INVALID_GRANT,
    meaning: 'A certificate is not strict DER X.509, or has fields its version does not allow.',
  },
  duplicate_certificate: { area: 'chain', token: INVALID_GRANT, meaning: 'The same certificate appears twice.' },
  // Certificate profile (RFC 5280 §4.1, §4.2); a root upload runs these rules too.
  signature_algorithm_mismatch: {
    area: 'chain',
    admin: 400,
    token: INVALID_GRANT,
    meaning: 'signatureAlgorithm differs from tbsCertificate.signature (RFC 5280 §4.1.1.2).',
  },
  invalid_serial_number: {
    area: 'chain',
    admin: 400,
    token: INVALID_GRANT,
    meaning: 'A serial number is not positive or exceeds 20 octets (RFC 5280 §4.1.2.2).',
  },
  invalid_name: { area: 'chain', admin: 400, token: INVALID_GRANT, meaning: 'An empty issuer, or an empty subject where RFC 5280 §4.1.2.6 forbids one.' },
  unknown_critical_extension: { area: 'chain', admin: 400, token: INVALID_GRANT, meaning: 'A critical extension that is not processed (RFC 5280 §4.2).' },
  invalid_extension_criticality: {
    area: 'chain',
    admin: 400,
    token: INVALID_GRANT,
    meaning: "An extension's criticality breaks RFC 5280 §4.2 (e.g. a CA's basicConstraints not critical).",
  },
  name_constraints_unsupported: {
    area: 'chain',
    admin: 400,
    token: INVALID_GRANT,
    meaning: "A CA's nameConstraints hold a subtree that cannot be evaluated (RFC 5280 §4.2.1.10).",
  },
  invalid_policy_mapping: { area: 'chain', admin: 400, token: INVALID_GRANT, meaning: 'policyMappings maps to or from anyPolicy (RFC 5280 §4.2.1.5).' },
  key_usage_inconsistent: {
    area: 'chain',
    admin: 400,
    token: INVALID_GRANT,
    meaning: 'keyUsage keyCertSign without basicConstraints cA=TRUE (RFC 5280 §4.2.1.3).',
  },
  missing_key_identifier: {
    area: 'chain',
    admin: 400,
    token: INVALID_GRANT,
    meaning: 'A CA without subjectKeyIdentifier, or an authorityKeyIdentifier without keyIdentifier (RFC 5280 §4.2.1.1, §4.2.1.2).',
  },
  // Algorithm policy (docs/contract.md §4.3); a root upload answers weak_signature_algorithm and weak_key instead.
  unsupported_signature_algorithm: { area: 'chain', token: INVALID_GRANT, meaning: 'A signature algorithm the policy refuses (SHA-1, MD5, unknown).' },
  unsupported_public_key: { area: 'chain', token: INVALID_GRANT, meaning: 'A key type or size the policy refuses (RSA < 2048, an unknown curve).' },
  // Validity period (RFC 5280 §6.1.3 (a)(2)), of every certificate, the root included.
  certificate_expired: { area: 'chain', admin: 400, token: INVALID_GRANT, meaning: 'A certificate is past its notAfter.' },
  certificate_not_yet_valid: { area: 'chain', admin: 400, token: INVALID_GRANT, meaning: 'A certificate is before its notBefore.' },
  // Path (RFC 5280 §6.1.3, §6.1.4).
  issuer_name_mismatch: {
    area: 'chain',
    token: INVALID_GRANT,
    meaning: "A certificate's issuer is not the next certificate's subject (RFC 5280 §6.1.3 (a)(4)).",
  },
  untrusted_root: {
    area: 'chain',
    token: INVALID_GRANT,
    meaning: "The path ends at no root of this pool (matched by name and key), or its last link does not verify with the root's key.",
  },
  bad_signature: { area: 'chain', token: INVALID_GRANT, meaning: "A certificate's signature does not verify with its issuer's key (below the root)." },
  issuer_not_ca: { area: 'chain', token: INVALID_GRANT, meaning: 'An issuer is not a CA: v1, no basicConstraints, or cA=FALSE (RFC 5280 §6.1.4 (k)).' },
  issuer_missing_key_cert_sign: { area: 'chain', token: INVALID_GRANT, meaning: "An issuer's keyUsage lacks keyCertSign (RFC 5280 §6.1.4 (n))." },
  path_length_exceeded: { area: 'chain', token: INVALID_GRANT, meaning: "A CA's pathLenConstraint is exceeded (RFC 5280 §6.1.4 (l), (m))." },
  path_too_deep: { area: 'chain', token: INVALID_GRANT, meaning: 'The path has more intermediates than the policy allows.' },
  path_building_limit: { area: 'chain', token: INVALID_GRANT, meaning: 'Path building gave up after its step or candidate bound.' },
  // Name constraints (RFC 5280 §6.1.3 (b), (c)).
  name_not_permitted: { area: 'chain', token: INVALID_GRANT, meaning: "A name is outside a CA's permitted subtrees." },
  name_excluded: { area: 'chain', token: INVALID_GRANT, meaning: "A name is inside a CA's excluded subtrees." },
  // Certificate policies (RFC 5280 §6.1.3 (d)-(f), §6.1.4 (a), §6.1.5 (g)).
  no_valid_policy: { area: 'chain', token: INVALID_GRANT, meaning: 'requireExplicitPolicy leaves no valid policy for the device.' },
  // End entity (RFC 5280 §4.2.1.3, §4.2.1.9, §4.2.1.12; docs/contract.md §4.3).
  leaf_is_ca: { area: 'chain', token: INVALID_GRANT, meaning: 'The device certificate is a CA (basicConstraints cA=TRUE).' },
  leaf_version: { area: 'chain', token: INVALID_GRANT, meaning: 'The device certificate is X.509 v2 (v1 and v3 are accepted).' },
  leaf_key_usage: { area: 'chain', token: INVALID_GRANT, meaning: "The device certificate's keyUsage lacks digitalSignature." },
  leaf_extended_key_usage: {
    area: 'chain',
    token: INVALID_GRANT,
    meaning: "The device certificate's extendedKeyUsage allows neither clientAuth nor any purpose.",
  },

  // Revocation at the token endpoint (src/domain/revocation/check-revocation.ts); crl_expired is listed with the CRL.
  certificate_revoked: {
    area: 'revocation_check',
    token: INVALID_GRANT,
    meaning: "A certificate of the path is revoked in the pool, or listed on its issuer's CRL.",
  },
  crl_issuer_revoked: {
    area: 'revocation_check',
    token: INVALID_GRANT,
    meaning: 'A CRL covering the path is signed under a revoked certificate, so it vouches for nothing.',
  },
  crl_missing: { area: 'revocation_check', token: INVALID_GRANT, meaning: 'The pool sets requireCrl and an issuer of the path has no CRL.' },

  // Device, binding and replay, decided with the token's write (src/usecases/issue-token.ts); binding_not_found is listed with the directory.
  device_disabled: { area: 'issuance', token: INVALID_GRANT, meaning: 'The device is disabled.' },
  business_unit_mismatch: { area: 'issuance', token: INVALID_GRANT, meaning: "The certificate's subject O is not the device's business_unit_id tag." },
  assertion_replayed: { area: 'issuance', token: INVALID_GRANT, meaning: 'This jti was already spent by the device.' },
} as const satisfies Record<string, RefusalCodeEntry>;

/** A registered refusal code: a code that is not in REFUSAL_CODES does not compile. */
export type RefusalCode = keyof typeof REFUSAL_CODES;

/** The codes of one area, as a type (e.g. ChainErrorCode = RefusalCodeIn<'chain'>). */
export type RefusalCodeIn<A extends RefusalArea> = { [C in RefusalCode]: (typeof REFUSAL_CODES)[C]['area'] extends A ? C : never }[RefusalCode];

/** The codes of one area, in registry order. */
export function refusalCodesIn<A extends RefusalArea>(area: A): RefusalCodeIn<A>[] {
  return (Object.keys(REFUSAL_CODES) as RefusalCode[]).filter((code): code is RefusalCodeIn<A> => REFUSAL_CODES[code].area === area);
}

/** The entry of a code, or undefined for a value that is not one (a code forced past the type, an inherited name). */
export function refusalCodeEntry(code: string): RefusalCodeEntry | undefined {
  return Object.hasOwn(REFUSAL_CODES, code) ? REFUSAL_CODES[code as RefusalCode] : undefined;
}
