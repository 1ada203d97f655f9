import { TokenEndpointError } from '../../../src/client/errors';
import { describeTokenError, OAUTH_ERROR_MESSAGES } from '../../../src/client/oauth-error-messages';
import { postTokenRequest } from '../../../src/client/token-endpoint';
import { DependencyError, DomainError } from '../../../src/errors';
import { oauthErrorResponse } from '../../../src/http/error-responses';
import { startScriptedTokenServer } from './helpers';

/*
 * Every OAuth error the token endpoint emits, produced by the server's own
 * error table (src/http/error-responses.ts), sent over real HTTP and worded
 * by the client: one line, the OAuth error, the server's stable code, and
 * the table's meaning (never the unknown-error fallback).
 */

const CASES: [string, unknown, string, string | undefined][] = [
  ['a malformed request', new DomainError('missing_parameter', 'assertion is required'), 'invalid_request', 'missing_parameter'],
  ['client_id ≠ iss', new DomainError('client_id_mismatch', 'client_id must equal the assertion iss'), 'invalid_request', 'client_id_mismatch'],
  ['an unknown pool', new DomainError('pool_not_found', 'no such pool'), 'invalid_request', 'pool_not_found'],
  ['another grant type', new DomainError('unsupported_grant_type', 'grant_type must be ...'), 'unsupported_grant_type', 'unsupported_grant_type'],
  ['no binding (form 1)', new DomainError('binding_not_found', 'no binding for this device and client'), 'invalid_grant', 'binding_not_found'],
  [
    'no binding (form 2)',
    new DomainError('binding_not_found', 'no binding for this device and client', { clientAuthentication: true }),
    'invalid_client',
    'binding_not_found',
  ],
  ['an untrusted root', new DomainError('untrusted_root', 'the path does not end at a root of this pool'), 'invalid_grant', 'untrusted_root'],
  ['no device scope', new DomainError('device_scope_missing', 'the binding lacks the device scope'), 'invalid_scope', 'device_scope_missing'],
  ['a resource outside the audiences', new DomainError('resource_not_allowed', 'not one of the pool audiences'), 'invalid_target', 'resource_not_allowed'],
  ['DynamoDB or KMS down', new DependencyError('kms', new Error('down')), 'temporarily_unavailable', undefined],
  ['a defect', new Error('boom'), 'server_error', undefined],
];

describe('one-line messages for the token endpoint refusals', () => {
  it.each(CASES)('%s: %p → %s [%s]', async (_name, thrown, error, code) => {
    const response = oauthErrorResponse(thrown);
    const server = await startScriptedTokenServer([{ status: response.statusCode, headers: response.headers as Record<string, string>, body: response.body }]);
    try {
      const refusal = await postTokenRequest(server.url, { form: 'jwt-bearer', assertion: 'x.y.z' }).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(TokenEndpointError);
      const endpointError = refusal as TokenEndpointError;
      expect({ status: endpointError.status, error: endpointError.error, code: endpointError.code }).toEqual({ status: response.statusCode, error, code });

      const line = describeTokenError(endpointError);
      expect(line).not.toMatch(/\n/);
      expect(line.startsWith(`${error}${code === undefined ? '' : ` [${code}]`} (HTTP ${response.statusCode}): ${OAUTH_ERROR_MESSAGES[error]}`)).toBe(true);
      expect(line).toContain(`Server: ${JSON.parse(response.body).error_description}`);
      if (response.statusCode === 503) expect(line).toContain('(Retry-After 5 s)');
    } finally {
      await server.close();
    }
  });

  it('covers every OAuth error the server emits', () => {
    const emitted = new Set(CASES.map(([, thrown]) => JSON.parse(oauthErrorResponse(thrown).body).error as string));
    expect([...emitted].sort()).toEqual([
      'invalid_client',
      'invalid_grant',
      'invalid_request',
      'invalid_scope',
      'invalid_target',
      'server_error',
      'temporarily_unavailable',
      'unsupported_grant_type',
    ]);
    for (const error of emitted) expect(OAUTH_ERROR_MESSAGES[error]).toEqual(expect.any(String));
  });

  it('words an unknown error and a hostile description without breaking the line', () => {
    const line = describeTokenError(new TokenEndpointError(400, 'weird_error', 'line one\nline two \u001b[31mred', undefined));
    expect(line).toBe('weird_error (HTTP 400): the token endpoint answered an unknown OAuth error "weird_error". Server: line one?line two ?[31mred');
  });

  it('adds what to do for the codes operators meet most', () => {
    const line = describeTokenError(new TokenEndpointError(400, 'invalid_grant', 'binding_not_found: no binding', 'binding_not_found'));
    expect(line).toBe(
      'invalid_grant [binding_not_found] (HTTP 400): the assertion was refused: its certificate chain, its claims or the device registration; ' +
        'register the device binding for this client id (POST .../device/{deviceId}/app). Server: binding_not_found: no binding',
    );
  });
});
