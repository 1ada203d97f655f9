import { JWT_BEARER_CLIENT_ASSERTION, JWT_BEARER_GRANT, parseTokenRequest } from '../../../src/domain/token-request';
import { DependencyError, DomainError } from '../../../src/errors';
import { oauthErrorResponse } from '../../../src/http/error-responses';

/* SPEC §4.1 request forms; RFC 6749 §3.2 (no repeated parameters) and §5.2 (error codes). */

const JWT = 'aaa.bbb.ccc';

function form(params: [string, string][]): string {
  return params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

function codeOf(body: string): string {
  try {
    parseTokenRequest(body);
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'parsed';
}

describe('parseTokenRequest', () => {
  it('uses the SPEC §4.1 constants', () => {
    expect(JWT_BEARER_GRANT).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(JWT_BEARER_CLIENT_ASSERTION).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  });

  describe('form 1: RFC 7523 §2.1 assertion grant', () => {
    it('reads the assertion, with no scope', () => {
      expect(parseTokenRequest(form([['grant_type', JWT_BEARER_GRANT], ['assertion', JWT]]))).toEqual({ assertion: JWT, requestedScopes: undefined });
    });

    it('reads a space-delimited scope', () => {
      expect(parseTokenRequest(form([['grant_type', JWT_BEARER_GRANT], ['assertion', JWT], ['scope', 'device read']]))).toEqual({
        assertion: JWT,
        requestedScopes: ['device', 'read'],
      });
    });

    it('decodes "+" as a space, as form encoding does', () => {
      expect(parseTokenRequest(`grant_type=${encodeURIComponent(JWT_BEARER_GRANT)}&assertion=${JWT}&scope=device+read`).requestedScopes).toEqual(['device', 'read']);
    });

    it('requires the assertion (missing_parameter), also when empty', () => {
      expect(codeOf(form([['grant_type', JWT_BEARER_GRANT]]))).toBe('missing_parameter');
      expect(codeOf(form([['grant_type', JWT_BEARER_GRANT], ['assertion', '']]))).toBe('missing_parameter');
      expect(codeOf(form([['grant_type', JWT_BEARER_GRANT], ['client_assertion', JWT]]))).toBe('missing_parameter');
    });
  });

  describe('form 2: client_credentials with RFC 7523 §2.2 client authentication', () => {
    it('reads the client assertion', () => {
      const body = form([['grant_type', 'client_credentials'], ['client_assertion_type', JWT_BEARER_CLIENT_ASSERTION], ['client_assertion', JWT], ['scope', 'device']]);
      expect(parseTokenRequest(body)).toEqual({ assertion: JWT, requestedScopes: ['device'] });
    });

    it('requires client_assertion_type and client_assertion (missing_parameter)', () => {
      expect(codeOf(form([['grant_type', 'client_credentials'], ['client_assertion', JWT]]))).toBe('missing_parameter');
      expect(codeOf(form([['grant_type', 'client_credentials'], ['client_assertion_type', JWT_BEARER_CLIENT_ASSERTION]]))).toBe('missing_parameter');
      expect(codeOf(form([['grant_type', 'client_credentials'], ['client_assertion_type', JWT_BEARER_CLIENT_ASSERTION], ['assertion', JWT]]))).toBe('missing_parameter');
    });

    it.each([['urn:ietf:params:oauth:client-assertion-type:saml2-bearer'], [JWT_BEARER_GRANT], [JWT_BEARER_CLIENT_ASSERTION.toUpperCase()]])(
      'refuses client_assertion_type %s (malformed_request)',
      (type) => {
        expect(codeOf(form([['grant_type', 'client_credentials'], ['client_assertion_type', type], ['client_assertion', JWT]]))).toBe('malformed_request');
      },
    );
  });

  describe('grant_type', () => {
    it('is required (missing_parameter)', () => {
      expect(codeOf('')).toBe('missing_parameter');
      expect(codeOf(form([['assertion', JWT]]))).toBe('missing_parameter');
      expect(codeOf(form([['grant_type', ''], ['assertion', JWT]]))).toBe('missing_parameter');
    });

    it.each([['password'], ['authorization_code'], ['refresh_token'], ['urn:ietf:params:oauth:grant-type:saml2-bearer'], ['CLIENT_CREDENTIALS'], [`${JWT_BEARER_GRANT} `]])(
      'refuses %p (unsupported_grant_type)',
      (grant) => {
        expect(codeOf(form([['grant_type', grant], ['assertion', JWT]]))).toBe('unsupported_grant_type');
      },
    );
  });

  describe('repeated parameters (RFC 6749 §3.2)', () => {
    it.each([
      ['assertion', [['grant_type', JWT_BEARER_GRANT], ['assertion', JWT], ['assertion', JWT]]],
      ['grant_type', [['grant_type', JWT_BEARER_GRANT], ['grant_type', JWT_BEARER_GRANT], ['assertion', JWT]]],
      ['grant_type (conflicting)', [['grant_type', 'client_credentials'], ['grant_type', JWT_BEARER_GRANT], ['assertion', JWT]]],
      ['scope', [['grant_type', JWT_BEARER_GRANT], ['assertion', JWT], ['scope', 'device'], ['scope', 'admin']]],
      ['an empty repeat', [['grant_type', JWT_BEARER_GRANT], ['assertion', JWT], ['assertion', '']]],
      ['client_assertion', [['grant_type', 'client_credentials'], ['client_assertion_type', JWT_BEARER_CLIENT_ASSERTION], ['client_assertion', JWT], ['client_assertion', 'x.y.z']]],
    ] as [string, [string, string][]][])('refuses a repeated %s (duplicate_parameter)', (_name, params) => {
      expect(codeOf(form(params))).toBe('duplicate_parameter');
    });

    it('checks repeats before anything else (even with an unknown grant)', () => {
      expect(codeOf(form([['grant_type', 'password'], ['grant_type', 'password']]))).toBe('duplicate_parameter');
    });
  });

  describe('scope (RFC 6749 §3.3)', () => {
    const withScope = (scope: string) => form([['grant_type', JWT_BEARER_GRANT], ['assertion', JWT], ['scope', scope]]);

    it('collapses repeated scope tokens', () => {
      expect(parseTokenRequest(withScope('device read device')).requestedScopes).toEqual(['device', 'read']);
    });

    it('treats an empty scope parameter as absent', () => {
      expect(parseTokenRequest(withScope('')).requestedScopes).toBeUndefined();
    });

    it.each([['device  read'], [' device'], ['device '], ['device\tread'], ['"device"'], ['dev\\ice'], ['déviče']])('refuses %p (malformed_scope)', (scope) => {
      expect(codeOf(withScope(scope))).toBe('malformed_scope');
    });
  });
});

describe('OAuth error mapping of token endpoint codes (RFC 6749 §5.2)', () => {
  it.each([
    ['missing_parameter', 400, 'invalid_request'],
    ['duplicate_parameter', 400, 'invalid_request'],
    ['malformed_request', 400, 'invalid_request'],
    ['unsupported_media_type', 400, 'invalid_request'],
    ['payload_too_large', 400, 'invalid_request'],
    ['unsupported_grant_type', 400, 'unsupported_grant_type'],
    ['malformed_scope', 400, 'invalid_scope'],
    ['scope_not_granted', 400, 'invalid_scope'],
    ['device_scope_missing', 400, 'invalid_scope'],
    ['pool_not_found', 404, 'invalid_request'],
    ['binding_not_found', 400, 'invalid_grant'],
    ['business_unit_mismatch', 400, 'invalid_grant'],
    ['assertion_replayed', 400, 'invalid_grant'],
    ['sub_mismatch', 400, 'invalid_grant'],
    ['untrusted_root', 400, 'invalid_grant'],
    ['alg_not_allowed', 400, 'invalid_grant'],
    ['assertion_malformed', 400, 'invalid_grant'],
  ])('%s → %i %s with the code as error_description prefix', (code, status, error) => {
    const response = oauthErrorResponse(new DomainError(code, 'why'));
    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body)).toEqual({ error, error_description: `${code}: why` });
    expect(response.headers).toMatchObject({ 'Cache-Control': 'no-store' });
  });

  it('a dependency failure → 503 temporarily_unavailable with Retry-After and no internals', () => {
    const response = oauthErrorResponse(new DependencyError('kms', new Error('connect ECONNREFUSED 127.0.0.1:4566')));
    expect(response.statusCode).toBe(503);
    expect(Number(response.headers?.['Retry-After'])).toBeGreaterThan(0);
    expect(response.headers).toMatchObject({ 'Cache-Control': 'no-store' });
    expect(JSON.parse(response.body)).toEqual({ error: 'temporarily_unavailable', error_description: expect.not.stringMatching(/ECONNREFUSED|kms/i) });
  });

  it('an unexpected error → 500 server_error without internals', () => {
    const response = oauthErrorResponse(new TypeError('secret detail'));
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret detail');
    expect(JSON.parse(response.body)).toMatchObject({ error: 'server_error' });
  });
});
