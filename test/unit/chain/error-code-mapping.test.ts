import { CHAIN_ERROR_CODES } from '../../../src/domain/chain';
import { DomainError } from '../../../src/errors';
import { oauthErrorResponse } from '../../../src/http/error-responses';

/*
 * Every chain refusal reaches the device as RFC 6749 §5.2 invalid_grant (or
 * invalid_client when the JWT was client authentication, RFC 7523 §3.2),
 * with the code in error_description: no chain code may fall into another
 * OAuth error or status by a row added elsewhere.
 */
describe('chain error codes on the token endpoint', () => {
  it.each(CHAIN_ERROR_CODES.map((code) => [code]))('%s → 400 invalid_grant, or 401 invalid_client for client authentication', (code) => {
    const grant = oauthErrorResponse(new DomainError(code, 'detail'));
    expect([grant.statusCode, JSON.parse(grant.body)]).toEqual([400, { error: 'invalid_grant', error_description: `${code}: detail` }]);
    const client = oauthErrorResponse(new DomainError(code, 'detail', { clientAuthentication: true }));
    expect([client.statusCode, JSON.parse(client.body).error]).toEqual([401, 'invalid_client']);
  });

  it('includes the name-constraint and policy codes', () => {
    expect(CHAIN_ERROR_CODES).toEqual(
      expect.arrayContaining(['name_not_permitted', 'name_excluded', 'name_constraints_unsupported', 'no_valid_policy', 'invalid_policy_mapping']),
    );
  });
});
