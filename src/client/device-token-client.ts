import { buildAssertion } from './assertion';
import type { DeviceCredentials } from './device-credentials';
import { DeviceClientError } from './errors';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-after';
import { type CachedToken, type FileTokenCache, isFresh, type TokenCacheKey } from './token-cache';
import { postTokenRequest, type TokenRequestForm, type TransportOptions } from './token-endpoint';
import { type RetryDependencies, realSleep, withTokenRetries } from './token-request-retries';

export interface DeviceTokenRequest {
  /** The environment's `tokenEndpoint`: `{base}/pools/{clientPoolId}/oauth2/token`; also the assertion's `aud`. */
  tokenEndpoint: string;
  /** The assertion's `iss` (and `client_id` in the client-credentials form). */
  clientId: string;
  credentials: DeviceCredentials;
  /** Default `jwt-bearer`. */
  form?: TokenRequestForm;
  scope?: string;
  resource?: string;
  /** JWS algorithm; default from the key. */
  alg?: string;
  /** exp − iat of each assertion, seconds; default 300. */
  assertionLifetimeSeconds?: number;
  /** Without a cache every call asks the token endpoint. */
  cache?: FileTokenCache;
  /** Reuse a cached token only while more than this many seconds are left (default: see refreshMarginSeconds). */
  minTtlSeconds?: number;
  retry?: Partial<RetryPolicy>;
}

export interface DeviceToken {
  accessToken: string;
  tokenType: string;
  scope?: string;
  /** NumericDate seconds. */
  expiresAt: number;
  /** Seconds left, from now. */
  expiresIn: number;
  fromCache: boolean;
}

export interface DeviceTokenDependencies extends Partial<RetryDependencies>, TransportOptions {}

/**
 * A device's access token: from the cache while it is fresh, else by a
 * new RFC 7523 assertion posted to the token endpoint (a fresh one for each
 * attempt), retried on 503/429 as the server's Retry-After asks. Throws
 * TokenEndpointError (a refusal; `describeTokenError` words it) or
 * DeviceClientError.
 */
export async function getDeviceToken(request: DeviceTokenRequest, deps: DeviceTokenDependencies = {}): Promise<DeviceToken> {
  const now = deps.now ?? (() => new Date());
  if (!URL.canParse(request.tokenEndpoint) || !/^https?:$/.test(new URL(request.tokenEndpoint).protocol)) {
    throw new DeviceClientError('token_endpoint_invalid', request.tokenEndpoint);
  }
  const key: TokenCacheKey = {
    tokenEndpoint: request.tokenEndpoint,
    clientId: request.clientId,
    certificateThumbprint: request.credentials.certificateThumbprint,
    scope: request.scope,
    resource: request.resource,
  };
  const nowSeconds = () => Math.floor(now().getTime() / 1000);
  const cached = request.cache?.read(key);
  if (cached !== undefined && isFresh(cached, nowSeconds(), request.minTtlSeconds)) return view(cached, nowSeconds(), true);

  const policy = { ...DEFAULT_RETRY_POLICY, ...request.retry };
  const retryDeps: RetryDependencies = { sleep: deps.sleep ?? realSleep, random: deps.random ?? Math.random, onRetry: deps.onRetry };
  const token = await withTokenRetries(
    async () => {
      const requestedAt = nowSeconds();
      const assertion = await buildAssertion(request.credentials, {
        clientId: request.clientId,
        audience: request.tokenEndpoint,
        now: now(),
        lifetimeSeconds: request.assertionLifetimeSeconds,
        alg: request.alg,
      });
      const form = request.form ?? 'jwt-bearer';
      const response = await postTokenRequest(
        request.tokenEndpoint,
        { form, assertion: assertion.jwt, clientId: request.clientId, scope: request.scope, resource: request.resource },
        deps,
      );
      // Counted from before the request, so the cached expiry is never later than the token's own exp.
      const expiresAt = requestedAt + Math.floor(response.expires_in);
      return {
        accessToken: response.access_token,
        tokenType: response.token_type,
        scope: response.scope,
        expiresAt,
        obtainedAt: requestedAt,
      } satisfies CachedToken;
    },
    policy,
    retryDeps,
  );
  request.cache?.write(key, token);
  return view(token, nowSeconds(), false);
}

function view(token: CachedToken, nowSeconds: number, fromCache: boolean): DeviceToken {
  return {
    accessToken: token.accessToken,
    tokenType: token.tokenType,
    ...(token.scope === undefined ? {} : { scope: token.scope }),
    expiresAt: token.expiresAt,
    expiresIn: Math.max(0, token.expiresAt - nowSeconds),
    fromCache,
  };
}
