import { DomainError } from '../../../src/errors';
import { adminErrorResponse, oauthErrorResponse } from '../../../src/http/error-responses';
import { REFUSAL_CODES, type RefusalCode, type RefusalCodeEntry } from '../../../src/refusal-codes';

/*
 * The HTTP mapping answers what the registry says, for every code on both
 * APIs: the code's status on the admin API, its OAuth error and status at
 * the token endpoint (401 invalid_client for an invalid_grant that refused
 * client authentication), and a bare 500 where the registry gives the code
 * no side. No code falls into a default.
 */
const CODES = Object.keys(REFUSAL_CODES) as RefusalCode[];
const body = (response: { body: string }) => JSON.parse(response.body) as Record<string, unknown>;
const entry = (code: RefusalCode): RefusalCodeEntry => REFUSAL_CODES[code];

describe('adminErrorResponse answers the registry', () => {
  it.each(CODES)('%s', (code) => {
    const response = adminErrorResponse(new DomainError(code, `because ${code}`));
    const { admin } = entry(code);
    if (admin === undefined) {
      expect([response.statusCode, body(response)]).toEqual([500, { error: 'internal_error', message: 'internal error' }]);
    } else {
      expect([response.statusCode, body(response)]).toEqual([admin, { error: code, message: `because ${code}` }]);
    }
  });
});

describe('oauthErrorResponse answers the registry', () => {
  it.each(CODES)('%s', (code) => {
    const { token } = entry(code);
    const plain = oauthErrorResponse(new DomainError(code, 'detail'));
    const client = oauthErrorResponse(new DomainError(code, 'detail', { clientAuthentication: true }));
    for (const response of [plain, client]) expect(response.headers).toMatchObject({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    if (token === undefined) {
      for (const response of [plain, client])
        expect([response.statusCode, body(response)]).toEqual([500, { error: 'server_error', error_description: 'internal error' }]);
      return;
    }
    const description = `${code}: detail`;
    expect([plain.statusCode, body(plain)]).toEqual([token.status, { error: token.error, error_description: description }]);
    if (token.error === 'invalid_grant') {
      expect([client.statusCode, body(client), client.headers?.['WWW-Authenticate']]).toEqual([
        401,
        { error: 'invalid_client', error_description: description },
        'private_key_jwt error="invalid_client"',
      ]);
    } else {
      expect([client.statusCode, body(client), client.headers?.['WWW-Authenticate']]).toEqual([
        token.status,
        { error: token.error, error_description: description },
        undefined,
      ]);
    }
  });
});

describe('a value that is not a registered code', () => {
  it.each(['no_such_code', 'constructor', '__proto__', 'toString'])('%p forced past the type is a bare 500 on both APIs', (code) => {
    const error = new DomainError(code as RefusalCode, 'x');
    expect([adminErrorResponse(error).statusCode, body(adminErrorResponse(error))]).toEqual([500, { error: 'internal_error', message: 'internal error' }]);
    expect([oauthErrorResponse(error).statusCode, body(oauthErrorResponse(error))]).toEqual([
      500,
      { error: 'server_error', error_description: 'internal error' },
    ]);
  });
});

describe('the sides the registry gives', () => {
  it('answers both APIs for the codes both reach, and each code the side it is thrown on', () => {
    const both = CODES.filter((code) => entry(code).admin !== undefined && entry(code).token !== undefined);
    expect(both).toEqual(
      expect.arrayContaining([
        'route_not_found',
        'method_not_allowed',
        'payload_too_large',
        'unsupported_media_type',
        'pool_not_found',
        'binding_not_found',
        'crl_expired',
      ]),
    );
    expect([entry('binding_not_found').admin, entry('binding_not_found').token]).toEqual([404, { status: 400, error: 'invalid_grant' }]);
    expect([entry('payload_too_large').admin, entry('payload_too_large').token]).toEqual([413, { status: 400, error: 'invalid_request' }]);
    // A root upload runs the chain's profile and validity rules; their codes answer the operator too.
    expect(entry('certificate_expired').admin).toBe(400);
    expect(entry('path_length_exceeded').admin).toBeUndefined();
    expect(entry('invalid_json').token).toBeUndefined();
  });
});
