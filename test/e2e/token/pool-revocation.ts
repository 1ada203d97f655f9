import { expectTokenError, type HttpAnswer, type TokenAnswer } from '../../support/device-fleet';
import type { TokenPool } from '../../support/token-pool';
import { crlsPath, uploadCrl } from '../admin/revocation-support';

/**
 * What the token suites on revocation (revocation-effects, crl-scopes) check
 * and do on their pool: a token answer, a refusal (docs/contract.md §3.4,
 * §4.4), and the pool's CRL upload and delete, each asserting its status.
 */

/** 200 with an access token and no error. */
export function expectToken(answer: HttpAnswer<TokenAnswer>): void {
  expect({ status: answer.status, error: answer.body?.error, description: answer.body?.error_description }).toEqual({
    status: 200,
    error: undefined,
    description: undefined,
  });
  expect(typeof answer.body.access_token).toBe('string');
}

/** 400 invalid_grant whose error_description starts with `code`. */
export function expectRefused(answer: HttpAnswer<TokenAnswer>, code: string): void {
  expectTokenError(answer, 400, 'invalid_grant', code);
}

export interface PoolCrls {
  /** POST .../crls with `crl` (PEM or DER) and, when given, the issuer's certificates (PEM); expects 201, returns the CRL id. */
  upload(crl: Buffer, issuer?: string): Promise<string>;
  /** DELETE .../crls/{id}; expects 204. */
  deleteCrl(id: string): Promise<void>;
}

export function poolCrls(pool: TokenPool): PoolCrls {
  return {
    async upload(crl, issuer) {
      const response = await uploadCrl(pool.idp, pool.env.clientPoolId, crl, issuer);
      const body = (await response.json()) as { id: string };
      expect({ status: response.status, body }).toMatchObject({ status: 201 });
      return body.id;
    },
    async deleteCrl(id) {
      expect((await pool.idp.request(`${crlsPath(pool.env.clientPoolId)}/${id}`, { method: 'DELETE' })).status).toBe(204);
    },
  };
}
