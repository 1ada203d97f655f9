import type { APIGatewayProxyEvent } from 'aws-lambda';
import { DomainError } from '../errors';
import type { HttpResponse } from './responses';
import type { RouteKey } from './routes';

type RouteHandler<C> = (event: APIGatewayProxyEvent, context: C) => Promise<HttpResponse>;

/**
 * One handler for each route of `K` and for nothing else. With `K` taken from
 * the route table (`RouteKeyServedBy<'admin'>`, src/http/routes.ts), a route
 * added to the table without its handler, or a handler whose route is not in
 * the table, does not compile.
 */
export type RouteHandlers<K extends RouteKey, C> = { readonly [Key in K]: RouteHandler<C> };

/**
 * Dispatches on API Gateway's resource template (`/api/internal/org/{orgId}`),
 * which both API Gateway and the local server set, plus the HTTP method.
 * `K` is given explicitly, as the routes the function serves.
 */
export function createRouter<K extends RouteKey, C>(handlers: RouteHandlers<K, C>) {
  // Looked up by the key of a request, which may be anything.
  const routes: Readonly<Record<string, RouteHandler<C>>> = handlers;
  return async (event: APIGatewayProxyEvent, context: C): Promise<HttpResponse> => {
    const key = `${event.httpMethod} ${event.resource}`;
    // Own entries only: an inherited name (`constructor`, `__proto__`) is not a route.
    const route = Object.hasOwn(routes, key) ? routes[key] : undefined;
    if (route) return route(event, context);
    const known = Object.keys(routes).some((key) => key.endsWith(` ${event.resource}`));
    throw known ? new DomainError('method_not_allowed', `${event.httpMethod} is not allowed here`) : new DomainError('route_not_found', 'no such route');
  };
}
