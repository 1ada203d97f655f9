import { DomainError } from '../errors';

/**
 * Identifiers become DynamoDB key segments and URL path segments, so they are
 * restricted to a conservative alphabet without '#' or '/'. Device ids must be
 * able to hold certificate CNs such as asset tags or MAC addresses.
 */
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
/** The same rule as a JSON Schema `pattern` (the API description, src/http/openapi). */
export const IDENTIFIER_PATTERN = IDENTIFIER.source;

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ) */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;

export const MAX_SCOPES = 50;

export function isIdentifier(value: unknown): value is string {
  return typeof value === 'string' && IDENTIFIER.test(value);
}

export function requireIdentifier(field: string, value: unknown): string {
  if (!isIdentifier(value)) {
    throw new DomainError('invalid_identifier', `${field} must be 1-128 characters of A-Z a-z 0-9 . _ : @ - starting with a letter or digit`, { field });
  }
  return value;
}

export function isScopeToken(value: unknown): value is string {
  return typeof value === 'string' && SCOPE_TOKEN.test(value);
}

export function requireScopes(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new DomainError('invalid_scopes', 'scopes must be a non-empty array of scope tokens', { field: 'scopes' });
  }
  if (value.length > MAX_SCOPES) {
    throw new DomainError('invalid_scopes', `scopes may hold at most ${MAX_SCOPES} entries`, { field: 'scopes' });
  }
  const invalid = value.find((scope) => !isScopeToken(scope));
  if (invalid !== undefined) {
    throw new DomainError('invalid_scopes', 'each scope must be an RFC 6749 §3.3 scope token (printable ASCII, no space, quote or backslash)', {
      field: 'scopes',
    });
  }
  return [...new Set(value as string[])];
}

/** Parses an RFC 6749 `scope` request parameter (space-delimited). */
export function parseScopeParameter(value: string): string[] {
  const scopes = value.split(' ');
  if (scopes.some((scope) => !isScopeToken(scope))) {
    throw new DomainError('malformed_scope', 'scope must be space-delimited RFC 6749 §3.3 scope tokens');
  }
  return [...new Set(scopes)];
}
