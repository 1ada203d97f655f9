import { unescape as unescapeFormComponent } from 'node:querystring';
import { DomainError } from '../errors';
import { parseScopeParameter } from './identifiers';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const JWT_BEARER_CLIENT_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const SUPPORTED_GRANT_TYPES = [JWT_BEARER_GRANT, 'client_credentials'];

/**
 * `assertion_grant`: RFC 7523 §2.1, the JWT is an authorization grant (refusals: invalid_grant).
 * `client_authentication`: RFC 7523 §2.2, the JWT authenticates the client (refusals: 401 invalid_client, §3.2).
 */
type TokenRequestForm = 'assertion_grant' | 'client_authentication';

export interface TokenRequest {
  /** Default `assertion_grant`. */
  form?: TokenRequestForm;
  assertion: string;
  requestedScopes?: string[];
  /** RFC 6749 §2.3 / RFC 7523 §3: when sent, it must equal the assertion's `iss`. */
  clientId?: string;
  /** RFC 8707 §2: the one resource the token is for; it becomes the token's `aud`. */
  resource?: string;
}

const MAX_CLIENT_ID_LENGTH = 256;
const MAX_RESOURCE_LENGTH = 2048;

/**
 * docs/contract.md §4.1: either RFC 7523 §2.1 (assertion grant) or RFC 7523 §2.2 client
 * authentication with client_credentials. RFC 6749 §3.2: parameters must not
 * repeat, except `resource`, which RFC 8707 §2 lets repeat and which is then
 * refused as a target this server cannot serve (one `aud` per token).
 */
export function parseTokenRequest(form: string): TokenRequest {
  const pairs = formPairs(form);
  // Each parameter's first value; `resource` with all of its values.
  const params = new Map<string, string>();
  const resources: string[] = [];
  for (let i = 0; i < pairs.length; i += 2) {
    const key = pairs[i];
    if (key === 'resource') resources.push(pairs[i + 1]);
    if (!params.has(key)) params.set(key, pairs[i + 1]);
    else if (key !== 'resource') throw new DomainError('duplicate_parameter', `parameter ${key.slice(0, 64)} appears more than once`);
  }

  const grantType = required(params, 'grant_type');
  const scope = parameterValue(params, 'scope');
  const common = {
    requestedScopes: scope === undefined ? undefined : parseScopeParameter(scope),
    clientId: parseClientId(parameterValue(params, 'client_id')),
    resource: parseResource(resources),
  };

  if (grantType === JWT_BEARER_GRANT) {
    return { form: 'assertion_grant', assertion: required(params, 'assertion'), ...common };
  }
  if (grantType === 'client_credentials') {
    if (required(params, 'client_assertion_type') !== JWT_BEARER_CLIENT_ASSERTION) {
      throw new DomainError('malformed_request', `client_assertion_type must be ${JWT_BEARER_CLIENT_ASSERTION}`);
    }
    return { form: 'client_authentication', assertion: required(params, 'client_assertion'), ...common };
  }
  throw new DomainError('unsupported_grant_type', `grant_type must be ${JWT_BEARER_GRANT} or client_credentials`);
}

/** A parameter's value; an empty one counts as absent. */
function parameterValue(params: ReadonlyMap<string, string>, name: string): string | undefined {
  const value = params.get(name);
  return value === '' ? undefined : value;
}

function required(params: ReadonlyMap<string, string>, name: string): string {
  const value = parameterValue(params, name);
  if (value === undefined) throw new DomainError('missing_parameter', `${name} is required`);
  return value;
}

/**
 * The name-value pairs of an application/x-www-form-urlencoded body
 * ([URL §5.1](https://url.spec.whatwg.org/#urlencoded-parsing)), flattened
 * (name, value, name, value, …), exactly as Node's `new URLSearchParams(form)`
 * lists them: lone surrogates become U+FFFD, one leading `?` is dropped, empty
 * pieces between `&` are skipped, a piece splits at its first `=`, `+` is a
 * space, and a name or value holding a valid `%XX` (Node's test: `+` between
 * its characters does not count) is decoded with querystring.unescape, as
 * URLSearchParams decodes it. Without the per-character loop of Node's
 * parser: a token body is mostly one long assertion that needs no decoding.
 */
export function formPairs(form: string): string[] {
  const text = form as string & WellFormedString;
  const input = text.isWellFormed() ? form : text.toWellFormed();
  const pairs: string[] = [];
  for (let start = input.charCodeAt(0) === 0x3f ? 1 : 0; start < input.length; ) {
    let end = input.indexOf('&', start);
    if (end < 0) end = input.length;
    if (end > start) {
      const piece = input.slice(start, end);
      const separator = piece.indexOf('=');
      if (separator < 0) pairs.push(decodeFormComponent(piece), '');
      else pairs.push(decodeFormComponent(piece.slice(0, separator)), decodeFormComponent(piece.slice(separator + 1)));
    }
    start = end + 1;
  }
  return pairs;
}

/** ES2024 String.prototype.isWellFormed and toWellFormed (Node ≥ 20), not in the TypeScript lib the project targets. */
interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

function decodeFormComponent(raw: string): string {
  const spaced = raw.includes('+') ? raw.replaceAll('+', ' ') : raw;
  return holdsPercentEscape(raw) ? unescapeFormComponent(spaced) : spaced;
}

/** A `%` followed by two hexadecimal digits, `+` between them ignored (Node's parser tracks it that way). */
function holdsPercentEscape(raw: string): boolean {
  let digits = -1;
  for (let i = raw.indexOf('%'); i >= 0 && i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code === 0x25) digits = 0;
    else if (code === 0x2b || digits < 0) continue;
    else if (!isHexDigit(code)) digits = -1;
    else if (++digits === 2) return true;
  }
  return false;
}

function isHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

function parseClientId(clientId: string | undefined): string | undefined {
  if (clientId !== undefined && clientId.length > MAX_CLIENT_ID_LENGTH) {
    throw new DomainError('malformed_request', `client_id may be at most ${MAX_CLIENT_ID_LENGTH} characters`);
  }
  return clientId;
}

/** RFC 8707 §2: an absolute URI without a fragment; compared with the pool's audiences exactly as sent. */
function parseResource(values: string[]): string | undefined {
  if (values.length === 0) return undefined;
  if (values.length > 1) throw new DomainError('multiple_resources', 'give at most one resource: a token has a single audience');
  const [resource] = values;
  if (resource.length > MAX_RESOURCE_LENGTH || !URL.canParse(resource) || resource.includes('#')) {
    throw new DomainError('resource_invalid', 'resource must be an absolute URI without a fragment (RFC 8707 section 2)');
  }
  return resource;
}

/** RFC 6749 §2.3.1 / RFC 7523 §3: a client_id sent next to the JWT names the same client as its `iss`. */
export function checkClientId(request: Pick<TokenRequest, 'clientId'>, iss: unknown): void {
  if (request.clientId !== undefined && request.clientId !== iss) {
    throw new DomainError('client_id_mismatch', 'client_id must equal the assertion iss');
  }
}
