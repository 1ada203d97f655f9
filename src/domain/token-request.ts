import { DomainError } from '../errors';
import { parseScopeParameter } from './identifiers';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const JWT_BEARER_CLIENT_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const SUPPORTED_GRANT_TYPES = [JWT_BEARER_GRANT, 'client_credentials'];

/**
 * `assertion_grant`: RFC 7523 §2.1, the JWT is an authorization grant (refusals: invalid_grant).
 * `client_authentication`: RFC 7523 §2.2, the JWT authenticates the client (refusals: 401 invalid_client, §3.2).
 */
export type TokenRequestForm = 'assertion_grant' | 'client_authentication';

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
  const params = new URLSearchParams(form);
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (seen.has(key) && key !== 'resource') throw new DomainError('duplicate_parameter', `parameter ${key.slice(0, 64)} appears more than once`);
    seen.add(key);
  }
  const value = (name: string) => {
    const v = params.get(name);
    return v === null || v === '' ? undefined : v;
  };
  const required = (name: string) => {
    const v = value(name);
    if (v === undefined) throw new DomainError('missing_parameter', `${name} is required`);
    return v;
  };

  const grantType = required('grant_type');
  const scope = value('scope');
  const common = {
    requestedScopes: scope === undefined ? undefined : parseScopeParameter(scope),
    clientId: parseClientId(value('client_id')),
    resource: parseResource(params.getAll('resource')),
  };

  if (grantType === JWT_BEARER_GRANT) {
    return { form: 'assertion_grant', assertion: required('assertion'), ...common };
  }
  if (grantType === 'client_credentials') {
    if (required('client_assertion_type') !== JWT_BEARER_CLIENT_ASSERTION) {
      throw new DomainError('malformed_request', `client_assertion_type must be ${JWT_BEARER_CLIENT_ASSERTION}`);
    }
    return { form: 'client_authentication', assertion: required('client_assertion'), ...common };
  }
  throw new DomainError('unsupported_grant_type', `grant_type must be ${JWT_BEARER_GRANT} or client_credentials`);
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
