import type { HttpAnswer, TokenAnswer } from '../../support/device-fleet';

/**
 * The answers a fault test accepts, as plain objects so a failure prints the
 * whole answer rather than one mismatching field.
 */

/** docs/contract.md §4.4 dependency failure: 503, temporarily_unavailable, Retry-After, no token. */
export function unavailableShape(answer: HttpAnswer<TokenAnswer>) {
  return {
    status: answer.status,
    error: answer.body?.error,
    hasToken: answer.body?.access_token !== undefined,
    retryAfterSeconds: Number(answer.headers.get('retry-after')) > 0,
    cacheControl: answer.headers.get('cache-control'),
  };
}

export const UNAVAILABLE = { status: 503, error: 'temporarily_unavailable', hasToken: false, retryAfterSeconds: true, cacheControl: 'no-store' };

/** The code the token endpoint puts before ':' in error_description. */
function refusalCode(answer: HttpAnswer<TokenAnswer>): string | undefined {
  return answer.body?.error_description?.split(':')[0];
}

export function refusalShape(answer: HttpAnswer<TokenAnswer>) {
  return { status: answer.status, error: answer.body?.error, code: refusalCode(answer) };
}

export const REPLAYED = { status: 400, error: 'invalid_grant', code: 'assertion_replayed' };

/** Either a token or a clean 503: what a request racing an outage may get, never anything else. */
export function outageAnswerShape(answer: HttpAnswer<TokenAnswer>) {
  if (answer.status === 200) {
    return { status: 200, hasToken: typeof answer.body?.access_token === 'string', cacheControl: answer.headers.get('cache-control') };
  }
  return unavailableShape(answer);
}

export const TOKEN = { status: 200, hasToken: true, cacheControl: 'no-store' };
