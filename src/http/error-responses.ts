import { DependencyError, DomainError } from '../errors';
import { refusalCodeEntry } from '../refusal-codes';
import { type HttpResponse, json } from './responses';

/*
 * Domain error codes become HTTP statuses (admin API) and RFC 6749 §5.2
 * errors (token endpoint) by their entry in src/refusal-codes.ts, and only
 * so: there is no default. A code whose entry has no side for the API that
 * caught it is a defect (a rule wired to the wrong API), answered like any
 * unexpected failure, a generic 500 without internals.
 */

const RETRY_AFTER_SECONDS = '5';

function serviceUnavailable(body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return json(503, body, { 'Retry-After': RETRY_AFTER_SECONDS, ...headers });
}

/** `{"error": <code>, "message"}` with the code's admin status; 503 + Retry-After for an outage; else a bare 500. */
export function adminErrorResponse(error: unknown): HttpResponse {
  const status = error instanceof DomainError ? refusalCodeEntry(error.code)?.admin : undefined;
  if (error instanceof DomainError && status !== undefined) return json(status, { error: error.code, message: error.message });
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

/**
 * RFC 6749 §5.2 asks a 401 to carry WWW-Authenticate. private_key_jwt has no
 * HTTP authentication scheme, so the challenge names the method the client
 * must use, as its registered name (RFC 7591 §2).
 */
const CLIENT_CHALLENGE = { 'WWW-Authenticate': 'private_key_jwt error="invalid_client"' };

/**
 * `{"error", "error_description": "<code>: <message>"}` with the code's token
 * side, never cached. When the JWT was client authentication
 * (docs/contract.md §4.1 form 2, `context.clientAuthentication`), an
 * invalid_grant is 401 invalid_client ([RFC 7523 §3.2](https://www.rfc-editor.org/rfc/rfc7523#section-3.2)).
 * 503 temporarily_unavailable + Retry-After for an outage; else a bare 500 server_error.
 */
export function oauthErrorResponse(error: unknown): HttpResponse {
  const mapped = error instanceof DomainError ? refusalCodeEntry(error.code)?.token : undefined;
  if (error instanceof DomainError && mapped !== undefined) {
    const description = oauthDescription(`${error.code}: ${error.message}`);
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
