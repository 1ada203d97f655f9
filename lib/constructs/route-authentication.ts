import { OPENAPI_RESOURCE, type RouteDefinition, type RouteKey, routeKey } from '../../src/http/routes';

/** How a route's caller is authenticated; API Gateway itself checks nothing (every method is `AuthorizationType.NONE`). */
export type RouteAuthentication = 'api-key' | 'client-assertion' | 'public';

const REASONS: Record<RouteAuthentication, string> = {
  'api-key':
    'Admin API: the function authenticates every request by its X-API-Key (the global admin key held in Secrets Manager, or an ' +
    'org key stored only as a SHA-256 hash) in its apiKeyAuth middleware before any route runs (src/http/middlewares.ts, ' +
    'src/usecases/authenticate.ts) and confines org keys to their org. Devices and platform teams hold API keys, not Cognito ' +
    'users; a Lambda authorizer would repeat the same lookup, and with its cache a revoked key would keep working for the TTL, ' +
    'where revocation must hold from the next request (SECURITY.md rows 6 and 9).',
  'client-assertion':
    'OAuth token endpoint: the device authenticates with the RFC 7523 JWT-bearer assertion in the request body, signed by its ' +
    'key and carrying its certificate chain, which the function validates against the pool trust list (RFC 5280 §6.1) before ' +
    'issuing anything. A token endpoint is where clients get tokens, so no prior token or user pool can guard it.',
  public:
    'Public by design: JWKS (RFC 7517 §5) and authorization-server metadata (RFC 8414 §3) must be readable by every token ' +
    'verifier without credentials; /api/openapi.json is the OpenAPI description of these routes (no data of any pool or org); ' +
    '/health answers only ok/unavailable per dependency, nothing else (README "Running locally").',
};

/** Routes of the table (a key it lacks does not compile) readable without credentials, by design. */
const PUBLIC: ReadonlySet<string> = new Set<RouteKey>([
  'GET /pools/{clientPoolId}/.well-known/jwks.json',
  'GET /pools/{clientPoolId}/.well-known/openid-configuration',
  'GET /.well-known/oauth-authorization-server/pools/{clientPoolId}',
  `GET ${OPENAPI_RESOURCE}`,
  'GET /health',
]);
const TOKEN_ENDPOINT: RouteKey = 'POST /pools/{clientPoolId}/oauth2/token';

/**
 * Classifies a route of src/http/routes.ts. A route that fits none of the
 * known kinds fails the synth: whoever adds one decides how it is
 * authenticated, and the reason recorded for the AwsSolutions-APIG4/COG4
 * acknowledgement stays true.
 */
export function authenticationOf(route: RouteDefinition): RouteAuthentication {
  const key = routeKey(route);
  if (route.resource.startsWith('/api/internal/')) return 'api-key';
  if (key === TOKEN_ENDPOINT) return 'client-assertion';
  if (PUBLIC.has(key)) return 'public';
  throw new Error(`route ${key} is neither admin (/api/internal/), the token endpoint nor a known public document: decide how it is authenticated`);
}

export function authenticationReason(kind: RouteAuthentication): string {
  return REASONS[kind];
}
