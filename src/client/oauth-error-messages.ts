import type { RefusalCode } from '../refusal-codes';
import type { TokenEndpointError } from './errors';

/**
 * One sentence per RFC 6749 §5.2 error code (and RFC 8707 §2's
 * invalid_target, RFC 6749 §4.1.2.1's temporarily_unavailable and
 * server_error, which this IDP answers on 503 and 500), saying what was
 * refused and where to look. The server's own stable code and description
 * follow it on the same line.
 */
export const OAUTH_ERROR_MESSAGES: Readonly<Record<string, string>> = {
  invalid_request: 'the token endpoint refused the request as malformed (check --token-endpoint and --client-id)',
  invalid_client: 'client authentication failed: the assertion, its certificate chain or the device binding was refused',
  invalid_grant: 'the assertion was refused: its certificate chain, its claims or the device registration',
  invalid_scope: 'the scope is not granted: the binding lacks "device" or the scope asked for',
  invalid_target: 'the resource is not one of the pool audiences',
  unsupported_grant_type: 'the token endpoint does not support this grant type',
  unauthorized_client: 'this client may not use this grant type',
  access_denied: 'the IDP denied the request',
  temporarily_unavailable: 'the IDP is temporarily unavailable; try again later',
  server_error: 'the IDP failed while answering; try again, and report it if it persists',
};

/** What to do about the stable codes a device operator meets most (every code: docs/refusal-codes.md). */
export const STABLE_CODE_HINTS: Readonly<Partial<Record<RefusalCode, string>>> = {
  binding_not_found: 'register the device binding for this client id (POST .../device/{deviceId}/app)',
  device_scope_missing: 'add "device" to the scopes of the device binding',
  device_disabled: 'the device is disabled in its pool (PATCH its status to "active")',
  untrusted_root: 'upload the root CA of this chain to the pool (POST /api/internal/{pool}/certificates)',
  aud_mismatch: '--token-endpoint must be the environment tokenEndpoint, exactly',
  certificate_expired: 'issue the device a new certificate',
  certificate_revoked: 'the device or its CA certificate is revoked in this pool',
  client_id_mismatch: 'client_id must equal the assertion iss (--client-id)',
  pool_not_found: 'no such pool: check the token endpoint URL',
  business_unit_mismatch: 'the certificate subject O differs from the device business_unit_id tag',
};

/** RFC 6749 §5.2 restricts error_description to printable ASCII; anything else from a server is replaced, and it is kept short. */
function printable(text: string, max = 300): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}

/**
 * One line for a refusal: `<error> [<stable code>] (HTTP <status>): <meaning>;
 * <hint>. Server: <error_description>`.
 */
export function describeTokenError(error: TokenEndpointError): string {
  const meaning = OAUTH_ERROR_MESSAGES[error.error] ?? `the token endpoint answered an unknown OAuth error "${printable(error.error, 64)}"`;
  const hint = error.code !== undefined && Object.hasOwn(STABLE_CODE_HINTS, error.code) ? STABLE_CODE_HINTS[error.code as RefusalCode] : undefined;
  const code = error.code === undefined ? '' : ` [${error.code}]`;
  const retry = error.retryAfterSeconds === undefined ? '' : ` (Retry-After ${error.retryAfterSeconds} s)`;
  const server = error.errorDescription === undefined ? '' : ` Server: ${printable(error.errorDescription)}`;
  return `${printable(error.error, 64)}${code} (HTTP ${error.status}): ${meaning}${hint === undefined ? '' : `; ${hint}`}.${retry}${server}`;
}
