import { JWKS_MAX_AGE_SECONDS } from '../../src/domain/signing-keys';
import { parseTokenRequest } from '../../src/domain/token-request';
import { DomainError } from '../../src/errors';
import { NO_STORE, oauthErrorResponse } from '../../src/http/error-responses';
import { apiHandler } from '../../src/http/handler-chain';
import { bodyBytes, mediaType, pathParameter } from '../../src/http/request';
import { json } from '../../src/http/responses';
import { createRouter } from '../../src/http/router';
import type { RouteKeyServedBy } from '../../src/http/routes';
import { countTokenOutcome } from '../../src/observability';
import type { CheckHealth } from '../../src/usecases/check-health';
import type { IssueToken } from '../../src/usecases/issue-token';
import type { PoolDiscovery } from '../../src/usecases/pool-discovery';

export interface TokenHandlerDeps {
  issueToken: Pick<IssueToken, 'execute'>;
  discovery: Pick<PoolDiscovery, 'jwks' | 'metadata'>;
  health: Pick<CheckHealth, 'execute'>;
}

/** The assertion may be 16 KiB; the form around it a little more. */
const MAX_TOKEN_REQUEST_BYTES = 24 * 1024;
const POOL = '/pools/{clientPoolId}';
// A rotated key activates only after this lifetime has passed since it was published (docs/contract.md §4.6).
const DISCOVERY_CACHE = { 'Cache-Control': `public, max-age=${JWKS_MAX_AGE_SECONDS}` };

export function createTokenHandler({ issueToken, discovery, health }: TokenHandlerDeps) {
  const route = createRouter<RouteKeyServedBy<'token'>, unknown>({
    // Unauthenticated and secret-free: dependency names and states only (src/usecases/check-health.ts).
    'GET /health': async () => {
      const report = await health.execute();
      return report.status === 'ok' ? json(200, report, NO_STORE) : json(503, report, { ...NO_STORE, 'Retry-After': '5' });
    },
    [`POST ${POOL}/oauth2/token`]: (event) =>
      countTokenOutcome(async () => {
        // RFC 6749 §4.1.3 / RFC 7523 §2.1: the request is form-encoded.
        if (mediaType(event) !== 'application/x-www-form-urlencoded') {
          throw new DomainError('unsupported_media_type', 'Content-Type must be application/x-www-form-urlencoded');
        }
        const form = bodyBytes(event, MAX_TOKEN_REQUEST_BYTES).toString('utf8');
        const token = await issueToken.execute(pathParameter(event, 'clientPoolId'), parseTokenRequest(form));
        return json(200, token, NO_STORE);
      }),
    [`GET ${POOL}/.well-known/jwks.json`]: async (event) => json(200, await discovery.jwks(pathParameter(event, 'clientPoolId')), DISCOVERY_CACHE),
    [`GET ${POOL}/.well-known/openid-configuration`]: async (event) =>
      json(200, await discovery.metadata(pathParameter(event, 'clientPoolId')), DISCOVERY_CACHE),
    // RFC 8414 §3: the well-known segment goes between the host and the issuer's path.
    [`GET /.well-known/oauth-authorization-server${POOL}`]: async (event) =>
      json(200, await discovery.metadata(pathParameter(event, 'clientPoolId')), DISCOVERY_CACHE),
  });

  return apiHandler(route, oauthErrorResponse);
}
