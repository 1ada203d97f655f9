/**
 * Every public route and the function that serves it. The CDK stack builds API
 * Gateway from this table and the local server routes with it, so the two
 * cannot drift apart.
 */
export type FunctionName = 'admin' | 'certificates' | 'token';

export interface RouteDefinition {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  resource: string;
  function: FunctionName;
}

const ORG = '/api/internal/org';
const DEVICE = `${ORG}/{orgId}/env/{envId}/device`;
const POOL = '/pools/{clientPoolId}';

/** Where the OpenAPI 3.1 description of every route below is served (src/http/openapi/document.ts), without an API key. */
export const OPENAPI_RESOURCE = '/api/openapi.json';

export const ROUTES = [
  { method: 'GET', resource: OPENAPI_RESOURCE, function: 'admin' },
  { method: 'POST', resource: ORG, function: 'admin' },
  { method: 'POST', resource: `${ORG}/{orgId}/env`, function: 'admin' },
  { method: 'GET', resource: `${ORG}/{orgId}/env/{envId}`, function: 'admin' },
  { method: 'PATCH', resource: `${ORG}/{orgId}/env/{envId}`, function: 'admin' },
  { method: 'POST', resource: `${ORG}/{orgId}/api-keys`, function: 'admin' },
  { method: 'GET', resource: `${ORG}/{orgId}/api-keys`, function: 'admin' },
  { method: 'DELETE', resource: `${ORG}/{orgId}/api-keys/{keyId}`, function: 'admin' },
  { method: 'POST', resource: DEVICE, function: 'admin' },
  // docs/contract.md §3.3 fleet inventory: ?limit=&cursor=&status=
  { method: 'GET', resource: DEVICE, function: 'admin' },
  { method: 'GET', resource: `${DEVICE}/{deviceId}`, function: 'admin' },
  { method: 'PATCH', resource: `${DEVICE}/{deviceId}`, function: 'admin' },
  { method: 'DELETE', resource: `${DEVICE}/{deviceId}`, function: 'admin' },
  { method: 'GET', resource: `${DEVICE}/{deviceId}/app`, function: 'admin' },
  { method: 'POST', resource: `${DEVICE}/{deviceId}/app`, function: 'admin' },
  { method: 'DELETE', resource: `${DEVICE}/{deviceId}/app/{clientAppId}`, function: 'admin' },
  { method: 'GET', resource: '/api/internal/{clientPoolId}/certificates', function: 'certificates' },
  { method: 'POST', resource: '/api/internal/{clientPoolId}/certificates', function: 'certificates' },
  { method: 'DELETE', resource: '/api/internal/{clientPoolId}/certificates/{fingerprint}', function: 'certificates' },
  { method: 'POST', resource: '/api/internal/{clientPoolId}/revocations', function: 'certificates' },
  { method: 'GET', resource: '/api/internal/{clientPoolId}/revocations', function: 'certificates' },
  { method: 'DELETE', resource: '/api/internal/{clientPoolId}/revocations/{id}', function: 'certificates' },
  { method: 'POST', resource: '/api/internal/{clientPoolId}/crls', function: 'certificates' },
  { method: 'GET', resource: '/api/internal/{clientPoolId}/crls', function: 'certificates' },
  { method: 'DELETE', resource: '/api/internal/{clientPoolId}/crls/{id}', function: 'certificates' },
  { method: 'GET', resource: '/api/internal/{clientPoolId}/signing-keys', function: 'admin' },
  { method: 'POST', resource: '/api/internal/{clientPoolId}/signing-keys/rotate', function: 'admin' },
  { method: 'POST', resource: `${POOL}/oauth2/token`, function: 'token' },
  { method: 'GET', resource: `${POOL}/.well-known/jwks.json`, function: 'token' },
  { method: 'GET', resource: `${POOL}/.well-known/openid-configuration`, function: 'token' },
  // RFC 8414 §3 location of the same metadata; it is that location only when the base URL has no path (docs/contract.md §4.6).
  { method: 'GET', resource: `/.well-known/oauth-authorization-server${POOL}`, function: 'token' },
  // Unauthenticated liveness of the token function and what it depends on (DynamoDB, KMS).
  { method: 'GET', resource: '/health', function: 'token' },
] as const satisfies readonly RouteDefinition[];

/** `METHOD /resource` of one route, e.g. `GET /health`: the key the functions' routers and the OpenAPI document use. */
export type RouteKey = RouteKeyOf<(typeof ROUTES)[number]>;
type RouteKeyOf<R> = R extends { method: infer M extends string; resource: infer P extends string } ? `${M} ${P}` : never;

/** The keys of the routes one function serves, e.g. `GET /health` for `token`: what its router must handle (src/http/router.ts). */
export type RouteKeyServedBy<F extends FunctionName> = RouteKeyOf<Extract<(typeof ROUTES)[number], { function: F }>>;

export function routeKey(route: Pick<RouteDefinition, 'method' | 'resource'>): string {
  return `${route.method} ${route.resource}`;
}

/** Media types API Gateway hands to Lambda base64-encoded. */
export const BINARY_MEDIA_TYPES = ['multipart/form-data'];
