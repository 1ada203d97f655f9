import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { SIGNING_KEY_SWEEP_EVENT } from '../../src/config-names';
import { DomainError } from '../../src/errors';
import { adminErrorResponse } from '../../src/http/error-responses';
import { apiHandler } from '../../src/http/handler-chain';
import { type AuthenticatedContext, apiKeyAuth } from '../../src/http/middlewares';
import { openApiDocument } from '../../src/http/openapi/document';
import { jsonBody, pathParameter } from '../../src/http/request';
import { type HttpResponse, json, noContent } from '../../src/http/responses';
import { createRouter } from '../../src/http/router';
import { OPENAPI_RESOURCE, type RouteKeyServedBy } from '../../src/http/routes';
import type { RefusalCode } from '../../src/refusal-codes';
import { type ApiKeyAuthenticator, type Principal, requireAdmin, requireOrgAccess } from '../../src/usecases/authenticate';
import type { InventoryQuery } from '../../src/usecases/device-inventory';
import type { DeviceService } from '../../src/usecases/devices';
import type { OrganisationService } from '../../src/usecases/organisations';
import type { SigningKeyService } from '../../src/usecases/signing-keys';

export interface AdminDeps {
  authenticator: ApiKeyAuthenticator;
  organisations: OrganisationService;
  devices: DeviceService;
  signingKeys: Pick<SigningKeyService, 'rotate' | 'list'>;
  /** The API's base URL (the issuer base URL), named as the server of the OpenAPI description. */
  apiBaseUrl: string;
}

const DEVICE = '/api/internal/org/{orgId}/env/{envId}/device';
const SIGNING_KEYS = '/api/internal/{clientPoolId}/signing-keys';

/** The admin function's routes behind its API key: all but the API description, served before authentication. */
type AuthenticatedAdminRouteKey = Exclude<RouteKeyServedBy<'admin'>, `GET ${typeof OPENAPI_RESOURCE}`>;

/** The cache lifetime of the API description: it changes only with a deployment. */
const DESCRIPTION_CACHE = { 'Cache-Control': 'public, max-age=300' };

export function createAdminHandler({ authenticator, organisations, devices, signingKeys, apiBaseUrl }: AdminDeps) {
  const at = (event: APIGatewayProxyEvent) => ({ orgId: pathParameter(event, 'orgId'), envId: pathParameter(event, 'envId') });
  const deviceId = (event: APIGatewayProxyEvent) => pathParameter(event, 'deviceId');
  // Permission is settled before the body is parsed, so a key without it gets 403, never a validation verdict.
  const adminBody = (event: APIGatewayProxyEvent, principal: Principal) => {
    requireAdmin(principal);
    return jsonBody(event);
  };
  const orgBody = (event: APIGatewayProxyEvent, principal: Principal) => {
    requireOrgAccess(principal, pathParameter(event, 'orgId'));
    return jsonBody(event);
  };

  const route = createRouter<AuthenticatedAdminRouteKey, AuthenticatedContext>({
    'POST /api/internal/org': async (event, { principal }) => {
      const org = await organisations.createOrg(principal, adminBody(event, principal));
      return json(201, { id: org.orgId, name: org.name, description: org.description, createdAt: org.createdAt });
    },
    'POST /api/internal/org/{orgId}/env': async (event, { principal }) =>
      json(201, await organisations.createEnvironment(principal, pathParameter(event, 'orgId'), adminBody(event, principal))),
    'GET /api/internal/org/{orgId}/env/{envId}': async (event, { principal }) =>
      json(200, await organisations.getEnvironment(principal, pathParameter(event, 'orgId'), pathParameter(event, 'envId'))),
    'PATCH /api/internal/org/{orgId}/env/{envId}': async (event, { principal }) =>
      json(200, await organisations.updateEnvironment(principal, pathParameter(event, 'orgId'), pathParameter(event, 'envId'), adminBody(event, principal))),
    'POST /api/internal/org/{orgId}/api-keys': async (event, { principal }) =>
      json(201, await organisations.createApiKey(principal, pathParameter(event, 'orgId')), { 'Cache-Control': 'no-store' }),
    'GET /api/internal/org/{orgId}/api-keys': async (event, { principal }) =>
      json(200, { apiKeys: await organisations.listApiKeys(principal, pathParameter(event, 'orgId')) }),
    'DELETE /api/internal/org/{orgId}/api-keys/{keyId}': async (event, { principal }) => {
      await organisations.revokeApiKey(principal, pathParameter(event, 'orgId'), pathParameter(event, 'keyId'));
      return noContent();
    },
    [`POST ${DEVICE}`]: async (event, { principal }) => json(201, await devices.register(principal, at(event), orgBody(event, principal))),
    [`GET ${DEVICE}`]: async (event, { principal }) => json(200, await devices.list(principal, at(event), inventoryQuery(event))),
    [`GET ${DEVICE}/{deviceId}`]: async (event, { principal }) => json(200, await devices.get(principal, at(event), deviceId(event))),
    [`PATCH ${DEVICE}/{deviceId}`]: async (event, { principal }) =>
      json(200, await devices.update(principal, at(event), deviceId(event), orgBody(event, principal))),
    [`DELETE ${DEVICE}/{deviceId}`]: async (event, { principal }) => {
      await devices.remove(principal, at(event), deviceId(event));
      return noContent();
    },
    [`POST ${DEVICE}/{deviceId}/app`]: async (event, { principal }) => {
      const result = await devices.putBinding(principal, at(event), deviceId(event), orgBody(event, principal));
      return json(result.created ? 201 : 200, result.binding);
    },
    [`GET ${DEVICE}/{deviceId}/app`]: async (event, { principal }) =>
      json(200, { bindings: await devices.listBindings(principal, at(event), deviceId(event)) }),
    [`DELETE ${DEVICE}/{deviceId}/app/{clientAppId}`]: async (event, { principal }) => {
      await devices.removeBinding(principal, at(event), deviceId(event), pathParameter(event, 'clientAppId'));
      return noContent();
    },
    // docs/contract.md §3.5/§4.6: 202, the new key is published now and signs from activatesAt.
    [`POST ${SIGNING_KEYS}/rotate`]: async (event, { principal }) => json(202, await signingKeys.rotate(principal, pathParameter(event, 'clientPoolId'))),
    [`GET ${SIGNING_KEYS}`]: async (event, { principal }) => json(200, { keys: await signingKeys.list(principal, pathParameter(event, 'clientPoolId')) }),
  });

  const authenticated = apiHandler(route, adminErrorResponse, apiKeyAuth(authenticator));

  // Built once, at cold start. Public like any API description: routes and shapes, no key, account or table name.
  const description = openApiDocument({ serverUrl: apiBaseUrl });
  return async (event: APIGatewayProxyEvent, context: Context): Promise<HttpResponse> =>
    event.httpMethod === 'GET' && event.resource === OPENAPI_RESOURCE
      ? json(200, description, DESCRIPTION_CACHE)
      : authenticated(event, context as AuthenticatedContext);
}

/** The refusal of each inventory parameter, also when it is repeated. */
const INVALID_PARAMETER: Record<keyof InventoryQuery, RefusalCode> = { limit: 'invalid_limit', cursor: 'invalid_cursor', status: 'invalid_status' };

/**
 * The inventory's query parameters (docs/contract.md §3.3), each at most once: a repeated
 * one is refused rather than one of its values silently picked.
 */
function inventoryQuery(event: APIGatewayProxyEvent): InventoryQuery {
  const single = (name: keyof InventoryQuery): string | undefined => {
    const multi = event.multiValueQueryStringParameters;
    const values = multi && Object.hasOwn(multi, name) ? (multi[name] ?? []) : [];
    const value = event.queryStringParameters && Object.hasOwn(event.queryStringParameters, name) ? event.queryStringParameters[name] : undefined;
    if (values.length > 1) throw new DomainError(INVALID_PARAMETER[name], `${name} may be given once`, { field: name });
    return values[0] ?? value;
  };
  return { limit: single('limit'), cursor: single('cursor'), status: single('status') };
}

/** The event the daily schedule sends (never an API Gateway event: those carry httpMethod). */
export function isSigningKeySweep(event: unknown): boolean {
  const candidate = event as Record<string, unknown> | null;
  return typeof candidate === 'object' && candidate !== null && !('httpMethod' in candidate) && candidate.action === SIGNING_KEY_SWEEP_EVENT.action;
}
