import { checkClientId, formPairs, JWT_BEARER_CLIENT_ASSERTION, JWT_BEARER_GRANT, parseTokenRequest } from '../../../src/domain/token-request';
import { DependencyError, DomainError } from '../../../src/errors';
import { oauthErrorResponse } from '../../../src/http/error-responses';
import type { RefusalCode } from '../../../src/refusal-codes';

/* docs/contract.md §4.1 request forms; RFC 6749 §3.2 (no repeated parameters) and §5.2 (error codes). */

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
  it('uses the docs/contract.md §4.1 constants', () => {
    expect(JWT_BEARER_GRANT).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(JWT_BEARER_CLIENT_ASSERTION).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  });

  describe('form 1: RFC 7523 §2.1 assertion grant', () => {
    it('reads the assertion, with no scope', () => {
      expect(
        parseTokenRequest(
          form([
            ['grant_type', JWT_BEARER_GRANT],
            ['assertion', JWT],
          ]),
        ),
      ).toEqual({
        form: 'assertion_grant',
        assertion: JWT,
        requestedScopes: undefined,
        clientId: undefined,
        resource: undefined,
      });
    });

    it('reads a space-delimited scope', () => {
      expect(
        parseTokenRequest(
          form([
            ['grant_type', JWT_BEARER_GRANT],
            ['assertion', JWT],
            ['scope', 'device read'],
          ]),
        ),
      ).toMatchObject({
        assertion: JWT,
        requestedScopes: ['device', 'read'],
      });
    });

    it('decodes "+" as a space, as form encoding does', () => {
      expect(parseTokenRequest(`grant_type=${encodeURIComponent(JWT_BEARER_GRANT)}&assertion=${JWT}&scope=device+read`).requestedScopes).toEqual([
        'device',
        'read',
      ]);
    });

    it('requires the assertion (missing_parameter), also when empty', () => {
      expect(codeOf(form([['grant_type', JWT_BEARER_GRANT]]))).toBe('missing_parameter');
      expect(
        codeOf(
          form([
            ['grant_type', JWT_BEARER_GRANT],
            ['assertion', ''],
          ]),
        ),
      ).toBe('missing_parameter');
      expect(
        codeOf(
          form([
            ['grant_type', JWT_BEARER_GRANT],
            ['client_assertion', JWT],
          ]),
        ),
      ).toBe('missing_parameter');
    });
  });

  describe('form 2: client_credentials with RFC 7523 §2.2 client authentication', () => {
    it('reads the client assertion', () => {
      const body = form([
        ['grant_type', 'client_credentials'],
        ['client_assertion_type', JWT_BEARER_CLIENT_ASSERTION],
        ['client_assertion', JWT],
        ['scope', 'device'],
      ]);
      expect(parseTokenRequest(body)).toEqual({
        form: 'client_authentication',
        assertion: JWT,
        requestedScopes: ['device'],
        clientId: undefined,
        resource: undefined,
      });
    });

    it.each([
      ['client_assertion_type', [['client_assertion', JWT]]],
      ['client_assertion', [['client_assertion_type', JWT_BEARER_CLIENT_ASSERTION]]],
      [
        'client_assertion (an assertion parameter does not stand in for it)',
        [
          ['client_assertion_type', JWT_BEARER_CLIENT_ASSERTION],
          ['assertion', JWT],
        ],
      ],
    ] as Array<[string, Array<[string, string]>]>)('requires %s (missing_parameter)', (_missing, pairs) => {
      expect(codeOf(form([['grant_type', 'client_credentials'], ...pairs]))).toBe('missing_parameter');
    });

    it.each([['urn:ietf:params:oauth:client-assertion-type:saml2-bearer'], [JWT_BEARER_GRANT], [JWT_BEARER_CLIENT_ASSERTION.toUpperCase()]])(
      'refuses client_assertion_type %s (malformed_request)',
      (type) => {
        expect(
          codeOf(
            form([
              ['grant_type', 'client_credentials'],
              ['client_assertion_type', type],
              ['client_assertion', JWT],
            ]),
          ),
        ).toBe('malformed_request');
      },
    );
  });

  describe('grant_type', () => {
    it('is required (missing_parameter)', () => {
      expect(codeOf('')).toBe('missing_parameter');
      expect(codeOf(form([['assertion', JWT]]))).toBe('missing_parameter');
      expect(
        codeOf(
          form([
            ['grant_type', ''],
            ['assertion', JWT],
          ]),
        ),
      ).toBe('missing_parameter');
    });

    it.each([
      ['password'],
      ['authorization_code'],
      ['refresh_token'],
      ['urn:ietf:params:oauth:grant-type:saml2-bearer'],
      ['CLIENT_CREDENTIALS'],
      [`${JWT_BEARER_GRANT} `],
    ])('refuses %p (unsupported_grant_type)', (grant) => {
      expect(
        codeOf(
          form([
            ['grant_type', grant],
            ['assertion', JWT],
          ]),
        ),
      ).toBe('unsupported_grant_type');
    });
  });

  describe('repeated parameters (RFC 6749 §3.2)', () => {
    it.each([
      [
        'assertion',
        [
          ['grant_type', JWT_BEARER_GRANT],
          ['assertion', JWT],
          ['assertion', JWT],
        ],
      ],
      [
        'grant_type',
        [
          ['grant_type', JWT_BEARER_GRANT],
          ['grant_type', JWT_BEARER_GRANT],
          ['assertion', JWT],
        ],
      ],
      [
        'grant_type (conflicting)',
        [
          ['grant_type', 'client_credentials'],
          ['grant_type', JWT_BEARER_GRANT],
          ['assertion', JWT],
        ],
      ],
      [
        'scope',
        [
          ['grant_type', JWT_BEARER_GRANT],
          ['assertion', JWT],
          ['scope', 'device'],
          ['scope', 'admin'],
        ],
      ],
      [
        'an empty repeat',
        [
          ['grant_type', JWT_BEARER_GRANT],
          ['assertion', JWT],
          ['assertion', ''],
        ],
      ],
      [
        'client_assertion',
        [
          ['grant_type', 'client_credentials'],
          ['client_assertion_type', JWT_BEARER_CLIENT_ASSERTION],
          ['client_assertion', JWT],
          ['client_assertion', 'x.y.z'],
        ],
      ],
    ] as [string, [string, string][]][])('refuses a repeated %s (duplicate_parameter)', (_name, params) => {
      expect(codeOf(form(params))).toBe('duplicate_parameter');
    });

    it('checks repeats before anything else (even with an unknown grant)', () => {
      expect(
        codeOf(
          form([
            ['grant_type', 'password'],
            ['grant_type', 'password'],
          ]),
        ),
      ).toBe('duplicate_parameter');
    });
  });

  describe('client_id (RFC 6749 §2.3.1, RFC 7523 §3)', () => {
    const clientCredentials = (extra: [string, string][]) =>
      form([['grant_type', 'client_credentials'], ['client_assertion_type', JWT_BEARER_CLIENT_ASSERTION], ['client_assertion', JWT], ...extra]);

    it('is read in both forms, as off-the-shelf private_key_jwt clients send it', () => {
      expect(parseTokenRequest(clientCredentials([['client_id', 'device-7']])).clientId).toBe('device-7');
      expect(
        parseTokenRequest(
          form([
            ['grant_type', JWT_BEARER_GRANT],
            ['assertion', JWT],
            ['client_id', 'pos-app'],
          ]),
        ).clientId,
      ).toBe('pos-app');
    });

    it('treats an empty client_id as absent, refuses a repeated one and an over-long one', () => {
      expect(parseTokenRequest(clientCredentials([['client_id', '']])).clientId).toBeUndefined();
      expect(
        codeOf(
          clientCredentials([
            ['client_id', 'a'],
            ['client_id', 'a'],
          ]),
        ),
      ).toBe('duplicate_parameter');
      expect(codeOf(clientCredentials([['client_id', 'x'.repeat(257)]]))).toBe('malformed_request');
    });

    it('must equal the assertion iss when sent (client_id_mismatch); absent, any iss goes', () => {
      expect(() => checkClientId({ clientId: 'device-7' }, 'device-7')).not.toThrow();
      expect(() => checkClientId({}, 'pos-app')).not.toThrow();
      for (const iss of ['pos-app', undefined, 7, 'DEVICE-7']) {
        expect(() => checkClientId({ clientId: 'device-7' }, iss)).toThrow(expect.objectContaining({ code: 'client_id_mismatch' }));
      }
    });
  });

  describe('resource (RFC 8707 §2)', () => {
    const withResource = (...values: string[]) =>
      form([['grant_type', JWT_BEARER_GRANT], ['assertion', JWT], ...values.map((v): [string, string] => ['resource', v])]);

    it('reads one absolute URI, exactly as sent', () => {
      expect(parseTokenRequest(withResource('https://api.example.com')).resource).toBe('https://api.example.com');
      expect(parseTokenRequest(withResource('https://api.example.com/v1?x=1')).resource).toBe('https://api.example.com/v1?x=1');
      expect(
        parseTokenRequest(
          form([
            ['grant_type', JWT_BEARER_GRANT],
            ['assertion', JWT],
          ]),
        ).resource,
      ).toBeUndefined();
    });

    it.each([[''], ['api.example.com'], ['/relative'], ['https://api.example.com/#frag'], [`https://a.example/${'x'.repeat(2048)}`]])(
      'refuses %p (resource_invalid)',
      (value) => {
        expect(codeOf(withResource(value))).toBe('resource_invalid');
      },
    );

    it('refuses several resources (multiple_resources): a token has one audience', () => {
      expect(codeOf(withResource('https://a.example.com', 'https://b.example.com'))).toBe('multiple_resources');
    });
  });

  describe('scope (RFC 6749 §3.3)', () => {
    const withScope = (scope: string) =>
      form([
        ['grant_type', JWT_BEARER_GRANT],
        ['assertion', JWT],
        ['scope', scope],
      ]);

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
  it.each<[RefusalCode, number, string]>([
    ['missing_parameter', 400, 'invalid_request'],
    ['duplicate_parameter', 400, 'invalid_request'],
    ['malformed_request', 400, 'invalid_request'],
    ['unsupported_media_type', 400, 'invalid_request'],
    ['payload_too_large', 400, 'invalid_request'],
    ['unsupported_grant_type', 400, 'unsupported_grant_type'],
    ['malformed_scope', 400, 'invalid_scope'],
    ['scope_not_granted', 400, 'invalid_scope'],
    ['device_scope_missing', 400, 'invalid_scope'],
    ['client_id_mismatch', 400, 'invalid_request'],
    ['resource_invalid', 400, 'invalid_target'],
    ['multiple_resources', 400, 'invalid_target'],
    ['resource_not_allowed', 400, 'invalid_target'],
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

  describe('form 2: the JWT is client authentication (RFC 7523 §3.2)', () => {
    const asClient = (code: RefusalCode) => oauthErrorResponse(new DomainError(code, 'why', { clientAuthentication: true }));

    it.each<[RefusalCode]>([
      ['untrusted_root'],
      ['assertion_signature_invalid'],
      ['aud_mismatch'],
      ['sub_mismatch'],
      ['binding_not_found'],
      ['device_disabled'],
      ['assertion_replayed'],
      ['certificate_revoked'],
    ])('%s → 401 invalid_client with WWW-Authenticate, the code kept as prefix', (code) => {
      const response = asClient(code);
      expect(response.statusCode).toBe(401);
      expect(JSON.parse(response.body)).toEqual({ error: 'invalid_client', error_description: `${code}: why` });
      expect(response.headers).toMatchObject({ 'Cache-Control': 'no-store', 'WWW-Authenticate': 'private_key_jwt error="invalid_client"' });
    });

    it.each<[RefusalCode, number, string]>([
      ['scope_not_granted', 400, 'invalid_scope'],
      ['resource_not_allowed', 400, 'invalid_target'],
      ['client_id_mismatch', 400, 'invalid_request'],
      ['pool_not_found', 404, 'invalid_request'],
    ])('%s is no authentication failure: %i %s, no challenge', (code, status, error) => {
      const response = asClient(code);
      expect({ status: response.statusCode, error: JSON.parse(response.body).error }).toEqual({ status, error });
      expect(response.headers).not.toHaveProperty('WWW-Authenticate');
    });
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

/* formPairs parses the body itself (without Node's per-character loop): it must list exactly what URLSearchParams lists. */
describe('formPairs', () => {
  const viaUrlSearchParams = (body: string) => [...new URLSearchParams(body)].flat();

  it.each([
    '',
    '?',
    '?a=1&?b=2',
    'a=1&&b=2&',
    '&=&=x&y=',
    'a=b=c',
    'plus=a+b&space=a%20b&percent=100%&half=%2&bad=%zz&upper=%C3%A9&lower=%c3%a9',
    'split=%2+B&sign=%2B&amp=%26&eq=%3D',
    'invalid=%FF%FE&truncated=%E2%82&lone=\uD800x&pair=😀',
    'nul=%00&raw=\u0000',
  ])('lists %j as URLSearchParams does', (body) => {
    expect(formPairs(body)).toEqual(viaUrlSearchParams(body));
  });

  it('agrees with URLSearchParams on 20,000 generated bodies of separators, escapes, surrogates and invalid UTF-8', () => {
    const pieces = [
      'a',
      'b',
      '=',
      '&',
      '+',
      '%',
      '2',
      'B',
      'f',
      'G',
      '?',
      ' ',
      'é',
      '\uD800',
      '\uDC00',
      '😀',
      '%C3',
      '%A9',
      '%FF',
      '%2B',
      '%26',
      '%3D',
      '%E2%82',
      '%%',
      '%+2',
      '%2+B',
      '0',
      'F',
    ];
    let seed = 0x2545f491;
    const next = (bound: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % bound;
    };
    const mismatches: string[] = [];
    for (let round = 0; round < 20_000; round++) {
      let body = '';
      for (let length = next(14); length > 0; length--) body += pieces[next(pieces.length)];
      if (JSON.stringify(formPairs(body)) !== JSON.stringify(viaUrlSearchParams(body))) mismatches.push(body);
    }
    expect(mismatches).toEqual([]);
  });
});
