import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { observabilityMiddlewares } from '../observability';
import { errorResponses, requestLogKeys } from './middlewares';
import type { HttpResponse } from './responses';

/**
 * The one middy chain of the API functions, outermost first: observability
 * (src/observability.ts: tracing, Lambda context and metrics), the request's
 * log keys, the error mapping `toResponse` (admin or OAuth2 shape), then
 * `inner` (e.g. API-key authentication), then the route.
 */
export function apiHandler<C extends Context = Context>(
  route: (event: APIGatewayProxyEvent, context: C) => Promise<HttpResponse>,
  toResponse: (error: unknown) => HttpResponse,
  ...inner: MiddlewareObj<APIGatewayProxyEvent, HttpResponse, Error, C>[]
) {
  return middy<APIGatewayProxyEvent, HttpResponse, Error, C>({
    // 0 turns off middy's early timeout. By default middy races the handler
    // against a timer set 5 ms before Lambda's deadline (one timer per
    // request) and, when it fires, answers a TimeoutError (mapped to a generic
    // 500) while the handler's promise is left running: a token decision could
    // still commit after its caller was told it failed. The AWS clients' own
    // timeouts (src/aws-client-defaults.ts) turn a slow or unreachable service
    // into a 503 with Retry-After instead; Lambda's timeout is the last resort.
    timeoutEarlyInMillis: 0,
  })
    .use(observabilityMiddlewares() as MiddlewareObj<APIGatewayProxyEvent, HttpResponse, Error, C>[])
    .use(requestLogKeys() as MiddlewareObj<APIGatewayProxyEvent, HttpResponse, Error, C>)
    .use(errorResponses(toResponse) as MiddlewareObj<APIGatewayProxyEvent, HttpResponse, Error, C>)
    .use(inner)
    .handler(route);
}
