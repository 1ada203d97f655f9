import { DependencyError, DomainError } from '../../../src/errors';
import { adminErrorResponse, oauthErrorResponse } from '../../../src/http/error-responses';
import type { RefusalCode } from '../../../src/refusal-codes';

const body = (response: { body: string }) => JSON.parse(response.body) as Record<string, unknown>;

describe('adminErrorResponse (one table: code → HTTP status)', () => {
  it.each<[RefusalCode, number]>([
    ['missing_api_key', 401],
    ['invalid_api_key', 401],
    ['forbidden', 403],
    ['route_not_found', 404],
    ['org_not_found', 404],
    ['env_not_found', 404],
    ['pool_not_found', 404],
    ['device_not_found', 404],
    ['binding_not_found', 404],
    ['certificate_not_found', 404],
    ['api_key_not_found', 404],
    ['method_not_allowed', 405],
    ['org_exists', 409],
    ['env_exists', 409],
    ['device_exists', 409],
    ['payload_too_large', 413],
    ['file_too_large', 413],
    ['unsupported_media_type', 415],
  ])('%s → %i', (code, status) => {
    const response = adminErrorResponse(new DomainError(code, `because ${code}`));
    expect(response.statusCode).toBe(status);
    expect(body(response)).toEqual({ error: code, message: `because ${code}` });
    expect(response.headers).toMatchObject({ 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' });
  });

  it.each<RefusalCode>([
    'invalid_json',
    'invalid_body',
    'invalid_field',
    'invalid_identifier',
    'invalid_scopes',
    'invalid_fingerprint',
    'multipart_required',
    'malformed_multipart',
    'missing_certificate_field',
    'too_many_files',
    'empty_file',
    'private_key_not_allowed',
    'csr_not_allowed',
    'pem_required',
    'single_certificate_required',
    'malformed_certificate',
    'not_a_ca_certificate',
    'not_self_signed',
    'certificate_expired',
    'certificate_not_yet_valid',
    'weak_key',
    'weak_signature_algorithm',
    'unknown_critical_extension',
    'missing_key_cert_sign',
  ])('validation refusal %s → 400 naming the rule', (code) => {
    const response = adminErrorResponse(new DomainError(code, 'why'));
    expect(response.statusCode).toBe(400);
    expect(body(response)).toEqual({ error: code, message: 'why' });
  });

  it('turns a dependency failure into 503 with Retry-After and no internals', () => {
    const cause = Object.assign(new Error('arn:aws:dynamodb:eu-west-1:123456789012:table/secret-table throttled'), {
      name: 'ProvisionedThroughputExceededException',
    });
    const response = adminErrorResponse(new DependencyError('dynamodb', cause));
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'Retry-After': '5', 'Content-Type': 'application/json' });
    expect(body(response)).toEqual({ error: 'service_unavailable', message: 'a backing service is unavailable; retry later' });
    expect(response.body).not.toMatch(/dynamodb|secret-table|Throughput|123456789012/i);
  });

  it.each([
    ['an Error', new TypeError("Cannot read properties of undefined (reading 'secretHash')")],
    ['a string', 'idpk.k0123456789abcdef.leaked'],
    ['undefined', undefined],
    ['an object', { stack: 'at /var/task/index.js:1:1' }],
  ])('turns %s into a generic 500 without internals', (_name, thrown) => {
    const response = adminErrorResponse(thrown);
    expect(response.statusCode).toBe(500);
    expect(body(response)).toEqual({ error: 'internal_error', message: 'internal error' });
    expect(response.headers?.['Retry-After']).toBeUndefined();
  });
});

describe('oauthErrorResponse (RFC 6749 §5.2 on the token endpoint)', () => {
  it.each<[RefusalCode, number, string]>([
    ['malformed_request', 400, 'invalid_request'],
    ['unsupported_media_type', 400, 'invalid_request'],
    ['payload_too_large', 400, 'invalid_request'],
    ['missing_parameter', 400, 'invalid_request'],
    ['duplicate_parameter', 400, 'invalid_request'],
    ['unsupported_grant_type', 400, 'unsupported_grant_type'],
    ['malformed_scope', 400, 'invalid_scope'],
    ['scope_not_granted', 400, 'invalid_scope'],
    ['device_scope_missing', 400, 'invalid_scope'],
    ['pool_not_found', 404, 'invalid_request'],
    ['route_not_found', 404, 'invalid_request'],
    ['method_not_allowed', 405, 'invalid_request'],
    ['untrusted_root', 400, 'invalid_grant'],
    ['assertion_replayed', 400, 'invalid_grant'],
  ])('%s → %i %s, not cacheable', (code, status, error) => {
    const response = oauthErrorResponse(new DomainError(code, 'detail'));
    expect(response.statusCode).toBe(status);
    expect(body(response)).toEqual({ error, error_description: `${code}: detail` });
    expect(response.headers).toMatchObject({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  });

  it('answers 503 temporarily_unavailable with Retry-After for a dependency failure, and no token', () => {
    const response = oauthErrorResponse(new DependencyError('kms', new Error('KMS key arn:aws:kms:... disabled')));
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'Retry-After': '5', 'Cache-Control': 'no-store' });
    expect(body(response)).toEqual({ error: 'temporarily_unavailable', error_description: 'a backing service is unavailable; retry later' });
  });

  it('answers a generic 500 server_error for anything else', () => {
    const response = oauthErrorResponse(new Error('assertion eyJhbGciOi... was logged'));
    expect(response.statusCode).toBe(500);
    expect(body(response)).toEqual({ error: 'server_error', error_description: 'internal error' });
    expect(response.headers).toMatchObject({ 'Cache-Control': 'no-store' });
  });
});
