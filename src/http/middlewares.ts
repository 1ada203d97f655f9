import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { DependencyError, DomainError } from '../errors';
import { countDependencyFailure, logger } from '../observability';
import type { ApiKeyAuthenticator, Principal } from '../usecases/authenticate';
import { POOL_ID } from '../usecases/require-pool';
import { header } from './request';
import type { HttpResponse } from './responses';

export interface AuthenticatedContext extends Context {
  principal: Principal;
}

/**
 * Maps any error to a safe response with the given mapper (admin or OAuth2
 * shape), logs only its code or dependency (the invocation's keys, see
 * `requestLogKeys`, say which request) and counts dependency failures —
 * never the request, its headers or its body.
 */
export function errorResponses(toResponse: (error: unknown) => HttpResponse): MiddlewareObj<APIGatewayProxyEvent, HttpResponse> {
  return {
    name: 'errorResponses',
    onError: (request) => {
      const error = request.error;
      const response = toResponse(error);
      if (error instanceof DomainError && response.statusCode >= 500) {
        // A registered code with no answer for this API (src/refusal-codes.ts): a rule wired to the wrong function.
        logger.error('refusal code without an answer on this API', { code: error.code });
      } else if (error instanceof DomainError) {
        logger.info('request refused', { code: error.code });
      } else if (error instanceof DependencyError) {
        const cause = error.cause as { name?: string; code?: string } | undefined;
        logger.error('dependency failure', { dependency: error.dependency, cause: cause?.name ?? cause?.code });
        countDependencyFailure(error.dependency);
      } else {
        logger.error('unexpected error', { error: error instanceof Error ? error.name : typeof error });
      }
      request.response = response;
    },
  };
}

/**
 * Keys on every log line of the invocation (Powertools removes them after
 * it): `correlation_id`, API Gateway's request id (the `requestId` of its
 * access logs); `route`, the method and resource template; `clientPoolId`
 * when the path names one in the shape of a pool id, so a caller's path
 * segment of any other shape is not copied into the logs.
 */
export function requestLogKeys(): MiddlewareObj<APIGatewayProxyEvent> {
  return {
    name: 'requestLogKeys',
    before: ({ event }) => {
      const requestId = event.requestContext?.requestId;
      if (requestId) logger.setCorrelationId(requestId);
      const poolId = event.pathParameters?.clientPoolId;
      logger.appendKeys({ route: `${event.httpMethod} ${event.resource}`, ...(poolId && POOL_ID.test(poolId) ? { clientPoolId: poolId } : {}) });
    },
  };
}

/** Resolves X-API-Key to a principal before the route runs; unknown keys never reach a use case. */
export function apiKeyAuth(authenticator: ApiKeyAuthenticator): MiddlewareObj<APIGatewayProxyEvent, HttpResponse, Error, AuthenticatedContext> {
  return {
    name: 'apiKeyAuth',
    before: async (request) => {
      request.context.principal = await authenticator.authenticate(header(request.event, 'x-api-key'));
    },
  };
}
