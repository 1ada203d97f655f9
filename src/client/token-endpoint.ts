import { JWT_BEARER_CLIENT_ASSERTION, JWT_BEARER_GRANT } from '../domain/token-request';
import { DeviceClientError, TokenEndpointError } from './errors';
import { parseRetryAfter } from './retry-after';

/**
 * docs/contract.md §4.1: `jwt-bearer` is the RFC 7523 §2.1 authorization grant;
 * `client-credentials` is RFC 7523 §2.2 client authentication with the
 * client_credentials grant (what private_key_jwt libraries send).
 */
export type TokenRequestForm = 'jwt-bearer' | 'client-credentials';

export const TOKEN_REQUEST_FORMS: readonly TokenRequestForm[] = ['jwt-bearer', 'client-credentials'];

export interface TokenRequestParameters {
  form: TokenRequestForm;
  assertion: string;
  /** Sent as `client_id` in the client-credentials form (RFC 6749 §2.3, equal to the assertion's `iss`). */
  clientId?: string;
  /** Space-delimited RFC 6749 §3.3 scope. */
  scope?: string;
  /** RFC 8707 resource: one of the pool's audiences. */
  resource?: string;
}

/** RFC 6749 §5.1 */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  /** Seconds. */
  expires_in: number;
  scope?: string;
}

function tokenRequestBody(parameters: TokenRequestParameters): URLSearchParams {
  const body =
    parameters.form === 'client-credentials'
      ? new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_CLIENT_ASSERTION, client_assertion: parameters.assertion })
      : new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion: parameters.assertion });
  if (parameters.form === 'client-credentials' && parameters.clientId !== undefined) body.set('client_id', parameters.clientId);
  if (parameters.scope !== undefined) body.set('scope', parameters.scope);
  if (parameters.resource !== undefined) body.set('resource', parameters.resource);
  return body;
}

export interface TransportOptions {
  /** Default: global fetch. */
  fetch?: typeof fetch;
  /** Per request; default 30 s. */
  timeoutMs?: number;
  now?: () => Date;
}

/** The stable code this IDP puts first in error_description: `binding_not_found: no binding ...`. */
const STABLE_CODE = /^([a-z][a-z0-9_]*): /;

/**
 * One POST to the token endpoint (RFC 6749 §4.1.3 form encoding). Resolves
 * the RFC 6749 §5.1 response; throws TokenEndpointError for an RFC 6749 §5.2
 * error (and for 429/503 without one, as `temporarily_unavailable`),
 * DeviceClientError `token_endpoint_unreachable` (network, timeout) or
 * `token_response_invalid`.
 */
export async function postTokenRequest(endpoint: string, parameters: TokenRequestParameters, options: TransportOptions = {}): Promise<TokenResponse> {
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: tokenRequestBody(parameters).toString(),
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new DeviceClientError('token_endpoint_unreachable', `${new URL(endpoint).origin} (${cause})`);
  }
  const body = await readJson(response);
  if (response.ok) return tokenResponse(body, response.status);

  const retryAfter = parseRetryAfter(response.headers.get('retry-after'), options.now?.() ?? new Date());
  const error = typeof body?.error === 'string' ? body.error : undefined;
  if (error === undefined) {
    if (response.status === 503 || response.status === 429) {
      throw new TokenEndpointError(response.status, 'temporarily_unavailable', undefined, undefined, retryAfter);
    }
    throw new DeviceClientError('token_response_invalid', `HTTP ${response.status} without an OAuth error`);
  }
  const description = typeof body?.error_description === 'string' ? body.error_description : undefined;
  throw new TokenEndpointError(response.status, error, description, description === undefined ? undefined : STABLE_CODE.exec(description)?.[1], retryAfter);
}

async function readJson(response: Response): Promise<Record<string, unknown> | undefined> {
  const text = await response.text().catch(() => '');
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function tokenResponse(body: Record<string, unknown> | undefined, status: number): TokenResponse {
  const { access_token: accessToken, token_type: tokenType, expires_in: expiresIn, scope } = body ?? {};
  if (typeof accessToken !== 'string' || accessToken === '' || typeof tokenType !== 'string') {
    throw new DeviceClientError('token_response_invalid', `HTTP ${status} without access_token and token_type`);
  }
  if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
    throw new DeviceClientError('token_response_invalid', 'expires_in must be a positive number of seconds');
  }
  return { access_token: accessToken, token_type: tokenType, expires_in: expiresIn, ...(typeof scope === 'string' ? { scope } : {}) };
}
