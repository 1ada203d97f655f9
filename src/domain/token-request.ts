import { DomainError } from '../errors';
import { parseScopeParameter } from './identifiers';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const JWT_BEARER_CLIENT_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const SUPPORTED_GRANT_TYPES = [JWT_BEARER_GRANT, 'client_credentials'];

export interface TokenRequest {
  assertion: string;
  requestedScopes?: string[];
}

/**
 * SPEC §4.1: either RFC 7523 §2.1 (assertion grant) or RFC 7523 §2.2 client
 * authentication with client_credentials. RFC 6749 §3.2: parameters must not
 * repeat.
 */
export function parseTokenRequest(form: string): TokenRequest {
  const params = new URLSearchParams(form);
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (seen.has(key)) throw new DomainError('duplicate_parameter', `parameter ${key.slice(0, 64)} appears more than once`);
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
  const requestedScopes = scope === undefined ? undefined : parseScopeParameter(scope);

  if (grantType === JWT_BEARER_GRANT) {
    return { assertion: required('assertion'), requestedScopes };
  }
  if (grantType === 'client_credentials') {
    if (required('client_assertion_type') !== JWT_BEARER_CLIENT_ASSERTION) {
      throw new DomainError('malformed_request', `client_assertion_type must be ${JWT_BEARER_CLIENT_ASSERTION}`);
    }
    return { assertion: required('client_assertion'), requestedScopes };
  }
  throw new DomainError('unsupported_grant_type', `grant_type must be ${JWT_BEARER_GRANT} or client_credentials`);
}
