import { DependencyError, DomainError } from '../errors';
import { type HttpResponse, json } from './responses';

/**
 * The one place where domain error codes become HTTP statuses (admin API) and
 * RFC 6749 §5.2 errors (token endpoint). Codes not listed are validation
 * refusals: 400 on the admin API, invalid_grant on the token endpoint — or,
 * when the JWT was client authentication (docs/contract.md §4.1 form 2), 401
 * invalid_client (RFC 7523 §3.2).
 */
const ADMIN_STATUS: Record<string, number> = {
  missing_api_key: 401,
  invalid_api_key: 401,
  forbidden: 403,
  route_not_found: 404,
  org_not_found: 404,
  env_not_found: 404,
  pool_not_found: 404,
  device_not_found: 404,
  binding_not_found: 404,
  certificate_not_found: 404,
  revocation_not_found: 404,
  crl_not_found: 404,
  api_key_not_found: 404,
  method_not_allowed: 405,
  org_exists: 409,
  env_exists: 409,
  device_exists: 409,
  rotation_in_progress: 409,
  too_many_signing_keys: 409,
  payload_too_large: 413,
  file_too_large: 413,
  crl_too_large: 413,
  unsupported_media_type: 415,
};

type OAuthError = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'invalid_scope' | 'invalid_target' | 'unsupported_grant_type';

const OAUTH_ERRORS: Record<string, { status: number; error: OAuthError }> = {
  malformed_request: { status: 400, error: 'invalid_request' },
  unsupported_media_type: { status: 400, error: 'invalid_request' },
  payload_too_large: { status: 400, error: 'invalid_request' },
  missing_parameter: { status: 400, error: 'invalid_request' },
  duplicate_parameter: { status: 400, error: 'invalid_request' },
  client_id_mismatch: { status: 400, error: 'invalid_request' },
  unsupported_grant_type: { status: 400, error: 'unsupported_grant_type' },
  malformed_scope: { status: 400, error: 'invalid_scope' },
  scope_not_granted: { status: 400, error: 'invalid_scope' },
  device_scope_missing: { status: 400, error: 'invalid_scope' },
  resource_invalid: { status: 400, error: 'invalid_target' },
  multiple_resources: { status: 400, error: 'invalid_target' },
  resource_not_allowed: { status: 400, error: 'invalid_target' },
  pool_not_found: { status: 404, error: 'invalid_request' },
  route_not_found: { status: 404, error: 'invalid_request' },
  method_not_allowed: { status: 405, error: 'invalid_request' },
};

const RETRY_AFTER_SECONDS = '5';

function serviceUnavailable(body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return json(503, body, { 'Retry-After': RETRY_AFTER_SECONDS, ...headers });
}

export function adminErrorResponse(error: unknown): HttpResponse {
  if (error instanceof DomainError) {
    return json(ADMIN_STATUS[error.code] ?? 400, { error: error.code, message: error.message });
  }
  if (error instanceof DependencyError) {
    return serviceUnavailable({ error: 'service_unavailable', message: 'a backing service is unavailable; retry later' });
  }
  return json(500, { error: 'internal_error', message: 'internal error' });
}

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/**
 * RFC 6749 §5.2: error_description = 1*( %x20-21 / %x23-5B / %x5D-7E ). Details
 * may quote names from the caller's own certificate, so anything else is
 * replaced rather than echoed.
 */
function oauthDescription(text: string): string {
  return text
    .replace(/"/g, "'")
    .replace(/\\/g, '/')
    .replace(/[^\x20-\x7e]/g, '?');
}

const INVALID_GRANT = { status: 400, error: 'invalid_grant' } as const;
/**
 * RFC 6749 §5.2 asks a 401 to carry WWW-Authenticate. private_key_jwt has no
 * HTTP authentication scheme, so the challenge names the method the client
 * must use, as its registered name (RFC 7591 §2).
 */
const CLIENT_CHALLENGE = { 'WWW-Authenticate': 'private_key_jwt error="invalid_client"' };

export function oauthErrorResponse(error: unknown): HttpResponse {
  if (error instanceof DomainError) {
    const description = oauthDescription(`${error.code}: ${error.message}`);
    const mapped = OAUTH_ERRORS[error.code] ?? INVALID_GRANT;
    if (mapped.error === 'invalid_grant' && error.context.clientAuthentication === true) {
      return json(401, { error: 'invalid_client', error_description: description }, { ...NO_STORE, ...CLIENT_CHALLENGE });
    }
    return json(mapped.status, { error: mapped.error, error_description: description }, NO_STORE);
  }
  if (error instanceof DependencyError) {
    return serviceUnavailable({ error: 'temporarily_unavailable', error_description: 'a backing service is unavailable; retry later' }, NO_STORE);
  }
  return json(500, { error: 'server_error', error_description: 'internal error' }, NO_STORE);
}

export { NO_STORE };
