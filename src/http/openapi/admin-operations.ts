import type { RouteKey } from '../routes';
import { API_KEY_SECURITY, adminRefusals, JSON_MEDIA_TYPE, jsonResponse, NO_CONTENT, NO_SECURITY, ref, type SchemaName } from './responses';
import type { OperationObject, RequestBodyObject } from './types';

export type Operations<K extends RouteKey> = Record<K, OperationObject>;

export function jsonBody(schema: SchemaName, description?: string): RequestBodyObject {
  return { required: true, ...(description ? { description } : {}), content: { [JSON_MEDIA_TYPE]: { schema: ref(schema) } } };
}

const ORG = '/api/internal/org';
const SIGNING_KEYS = '/api/internal/{clientPoolId}/signing-keys';
const ADMIN_ONLY = 'an org key is refused (admin key only)';
const JSON_400 = '`invalid_json`, `invalid_body`, `invalid_field` (an unknown field or a bad value), `invalid_identifier`';

type AdminRoute =
  | 'GET /api/openapi.json'
  | `POST ${typeof ORG}`
  | `POST ${typeof ORG}/{orgId}/env`
  | `${'GET' | 'PATCH'} ${typeof ORG}/{orgId}/env/{envId}`
  | `${'POST' | 'GET'} ${typeof ORG}/{orgId}/api-keys`
  | `DELETE ${typeof ORG}/{orgId}/api-keys/{keyId}`
  | `GET ${typeof SIGNING_KEYS}`
  | `POST ${typeof SIGNING_KEYS}/rotate`;

/** Organisations, environments, org API keys, pool signing keys and this description (README "Admin API"). */
export const ADMIN_OPERATIONS: Operations<AdminRoute> = {
  'GET /api/openapi.json': {
    operationId: 'getApiDescription',
    summary: 'This OpenAPI 3.1 description',
    description: 'Public, like any API description: it holds the routes and shapes only, no key, account or table name.',
    tags: ['meta'],
    security: NO_SECURITY,
    responses: { '200': jsonResponse('The description.', { type: 'object' }) },
  },
  [`POST ${ORG}`]: {
    operationId: 'createOrganisation',
    summary: 'Create an organisation',
    tags: ['organisations'],
    security: API_KEY_SECURITY,
    requestBody: jsonBody('OrganisationInput'),
    responses: {
      '201': jsonResponse('Created.', ref('Organisation')),
      ...adminRefusals({ 400: JSON_400, 403: ADMIN_ONLY, 409: '`org_exists`', 413: 'body over 16 KiB', 415: 'not JSON' }),
    },
  },
  [`POST ${ORG}/{orgId}/env`]: {
    operationId: 'createEnvironment',
    summary: 'Create an environment and its pool',
    description: 'The pool gets its own KMS signing key; if KMS cannot create it, nothing is written (503).',
    tags: ['organisations'],
    security: API_KEY_SECURITY,
    requestBody: jsonBody('EnvironmentInput'),
    responses: {
      '201': jsonResponse("Created: the pool's issuer, token endpoint and JWKS URL.", ref('Environment')),
      ...adminRefusals({ 400: JSON_400, 403: ADMIN_ONLY, 404: '`org_not_found`', 409: '`env_exists`', 413: 'body over 16 KiB', 415: 'not JSON' }),
    },
  },
  [`GET ${ORG}/{orgId}/env/{envId}`]: {
    operationId: 'getEnvironment',
    summary: 'Read an environment and its pool',
    tags: ['organisations'],
    security: API_KEY_SECURITY,
    responses: {
      '200': jsonResponse('The environment.', ref('Environment')),
      ...adminRefusals({ 400: '`invalid_identifier`', 403: 'a key of another organisation', 404: '`org_not_found`, `env_not_found`' }),
    },
  },
  [`PATCH ${ORG}/{orgId}/env/{envId}`]: {
    operationId: 'updateEnvironment',
    summary: "Change an environment's name, description or pool settings",
    description: '`requireCrl` and `audiences` take effect from the very next token request.',
    tags: ['organisations'],
    security: API_KEY_SECURITY,
    requestBody: jsonBody('EnvironmentChanges'),
    responses: {
      '200': jsonResponse('The environment as it now is.', ref('Environment')),
      ...adminRefusals({
        400: `${JSON_400}, \`empty_update\``,
        403: ADMIN_ONLY,
        404: '`org_not_found`, `env_not_found`',
        413: 'body over 16 KiB',
        415: 'not JSON',
      }),
    },
  },
  [`POST ${ORG}/{orgId}/api-keys`]: {
    operationId: 'createApiKey',
    summary: 'Create an org-scoped API key',
    description: 'The key is in this answer only (`Cache-Control: no-store`); it acts on devices and bindings of its organisation only.',
    tags: ['api-keys'],
    security: API_KEY_SECURITY,
    responses: {
      '201': jsonResponse('Created.', ref('ApiKeyCreated')),
      ...adminRefusals({ 400: '`invalid_identifier`', 403: ADMIN_ONLY, 404: '`org_not_found`' }),
    },
  },
  [`GET ${ORG}/{orgId}/api-keys`]: {
    operationId: 'listApiKeys',
    summary: "List an organisation's API keys",
    tags: ['api-keys'],
    security: API_KEY_SECURITY,
    responses: {
      '200': jsonResponse('The keys, never their secrets.', ref('ApiKeyList')),
      ...adminRefusals({ 400: '`invalid_identifier`', 403: 'a key of another organisation', 404: '`org_not_found`' }),
    },
  },
  [`DELETE ${ORG}/{orgId}/api-keys/{keyId}`]: {
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    description: 'Effective for the very next request with that key (401 `invalid_api_key`). A key may revoke itself.',
    tags: ['api-keys'],
    security: API_KEY_SECURITY,
    responses: {
      '204': NO_CONTENT,
      ...adminRefusals({
        400: '`malformed_key_id`, `invalid_identifier`',
        403: 'a key of another organisation',
        404: "`api_key_not_found` (also for another organisation's key id), `org_not_found`",
      }),
    },
  },
  [`GET ${SIGNING_KEYS}`]: {
    operationId: 'listSigningKeys',
    summary: "List a pool's published signing keys",
    tags: ['signing-keys'],
    security: API_KEY_SECURITY,
    responses: {
      '200': jsonResponse('Next, active and retiring keys.', ref('SigningKeyList')),
      ...adminRefusals({ 403: ADMIN_ONLY, 404: '`pool_not_found`' }),
    },
  },
  [`POST ${SIGNING_KEYS}/rotate`]: {
    operationId: 'rotateSigningKey',
    summary: "Start a staged rotation of a pool's signing key",
    description: 'The new key is published at once and signs from `activatesAt` (now + 360 s).',
    tags: ['signing-keys'],
    security: API_KEY_SECURITY,
    responses: {
      '202': jsonResponse('Rotation started.', ref('SigningKeyRotation')),
      ...adminRefusals({ 403: ADMIN_ONLY, 404: '`pool_not_found`', 409: '`rotation_in_progress`, `too_many_signing_keys`' }),
    },
  },
};
