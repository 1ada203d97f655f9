import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { DependencyError, DomainError } from '../errors';
import { logger } from '../logger';
import type { ApiKeyAuthenticator, Principal } from '../usecases/authenticate';
import type { HttpResponse } from './responses';
import { header } from './request';

export interface AuthenticatedContext extends Context {
  principal: Principal;
}

/**
 * Maps any error to a safe response with the given mapper (admin or OAuth2
 * shape) and logs only the code, the dependency and the route — never the
 * request, its headers or its body.
 */
export function errorResponses(toResponse: (error: unknown) => HttpResponse): MiddlewareObj<APIGatewayProxyEvent, HttpResponse> {
  return {
    name: 'errorResponses',
    onError: (request) => {
      const error = request.error;
      const route = `${request.event?.httpMethod} ${request.event?.resource}`;
      if (error instanceof DomainError) {
        logger.info('request refused', { code: error.code, route });
      } else if (error instanceof DependencyError) {
        const cause = error.cause as { name?: string; code?: string } | undefined;
        logger.error('dependency failure', { dependency: error.dependency, cause: cause?.name ?? cause?.code, route });
      } else {
        logger.error('unexpected error', { error: error instanceof Error ? error.name : typeof error, route });
      }
      request.response = toResponse(error);
    },
  };
}

/** Resolves X-API-Key to a principal before the route runs; unknown keys never reach a use case. */
export function apiKeyAuth(
  authenticator: ApiKeyAuthenticator,
): MiddlewareObj<APIGatewayProxyEvent, HttpResponse, Error, AuthenticatedContext> {
  return {
    name: 'apiKeyAuth',
    before: async (request) => {
      request.context.principal = await authenticator.authenticate(header(request.event, 'x-api-key'));
    },
  };
}
