import type { APIGatewayProxyEvent } from 'aws-lambda';
import { DomainError } from '../errors';
import type { HttpResponse } from './responses';

export type RouteHandler<C> = (event: APIGatewayProxyEvent, context: C) => Promise<HttpResponse>;

/**
 * Dispatches on API Gateway's resource template (`/api/internal/org/{orgId}`),
 * which both API Gateway and the local server set, plus the HTTP method.
 */
export function createRouter<C>(routes: Record<string, RouteHandler<C>>) {
  return async (event: APIGatewayProxyEvent, context: C): Promise<HttpResponse> => {
    const key = `${event.httpMethod} ${event.resource}`;
    // Own entries only: an inherited name (`constructor`, `__proto__`) is not a route.
    const route = Object.hasOwn(routes, key) ? routes[key] : undefined;
    if (route) return route(event, context);
    const known = Object.keys(routes).some((key) => key.endsWith(` ${event.resource}`));
    throw known ? new DomainError('method_not_allowed', `${event.httpMethod} is not allowed here`) : new DomainError('route_not_found', 'no such route');
  };
}
