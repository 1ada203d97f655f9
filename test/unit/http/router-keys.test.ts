import type { APIGatewayProxyEvent } from 'aws-lambda';
import { json } from '../../../src/http/responses';
import { createRouter, type RouteHandlers } from '../../../src/http/router';
import { ROUTES, type RouteKeyServedBy, routeKey } from '../../../src/http/routes';

/*
 * A function's router is keyed by the routes the route table gives that
 * function (src/http/routes.ts): a route of the table left without its
 * handler, or a handler for a route the table lacks, does not compile. The
 * `@ts-expect-error` lines below are that check under `npm run typecheck`:
 * they stop compiling the day the keys are no longer checked.
 */
const ok = async () => json(200, {});
const TOKEN_HANDLERS: RouteHandlers<RouteKeyServedBy<'token'>, unknown> = {
  'POST /pools/{clientPoolId}/oauth2/token': ok,
  'GET /pools/{clientPoolId}/.well-known/jwks.json': ok,
  'GET /pools/{clientPoolId}/.well-known/openid-configuration': ok,
  'GET /.well-known/oauth-authorization-server/pools/{clientPoolId}': ok,
  'GET /health': ok,
};

// @ts-expect-error the table's `GET /health` has no handler
const WITHOUT_HEALTH: RouteHandlers<RouteKeyServedBy<'token'>, unknown> = {
  'POST /pools/{clientPoolId}/oauth2/token': ok,
  'GET /pools/{clientPoolId}/.well-known/jwks.json': ok,
  'GET /pools/{clientPoolId}/.well-known/openid-configuration': ok,
  'GET /.well-known/oauth-authorization-server/pools/{clientPoolId}': ok,
};

const WITH_UNKNOWN: RouteHandlers<'GET /health', unknown> = {
  'GET /health': ok,
  // @ts-expect-error `GET /ready` is not a route of the table
  'GET /ready': ok,
};

// @ts-expect-error a router cannot even be asked for a route the table lacks
const NOT_A_ROUTE: RouteHandlers<'GET /ready', unknown> = { 'GET /ready': ok };

function event(method: string, resource: string): APIGatewayProxyEvent {
  return { httpMethod: method, resource, headers: {}, pathParameters: null, body: null } as unknown as APIGatewayProxyEvent;
}

describe('router keys', () => {
  it('the token router answers every route the table gives the token function, and only those', async () => {
    const route = createRouter<RouteKeyServedBy<'token'>, unknown>(TOKEN_HANDLERS);
    const served = ROUTES.filter((entry) => entry.function === 'token');
    expect(Object.keys(TOKEN_HANDLERS).sort()).toEqual(served.map(routeKey).sort());
    for (const entry of served) expect((await route(event(entry.method, entry.resource), {})).statusCode).toBe(200);
  });

  it('each object refused by the type check above is the drift its comment names', () => {
    expect(Object.keys(WITHOUT_HEALTH)).not.toContain('GET /health');
    expect(Object.keys(WITH_UNKNOWN)).toContain('GET /ready');
    expect(ROUTES.map(routeKey)).not.toContain(Object.keys(NOT_A_ROUTE)[0]);
  });
});
