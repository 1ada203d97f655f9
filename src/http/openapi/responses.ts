import { IDENTIFIER_PATTERN } from '../../domain/identifiers';
import type { HeaderObject, JsonSchema, ParameterObject, ResponseObject, Responses, SecurityRequirement } from './types';

/** Every schema of `components.schemas` (./schemas.ts must define exactly these). */
export const SCHEMA_NAMES = [
  'Error',
  'OAuthError',
  'Organisation',
  'OrganisationInput',
  'Environment',
  'EnvironmentInput',
  'EnvironmentChanges',
  'ApiKeyCreated',
  'ApiKeyList',
  'Device',
  'DeviceInput',
  'DeviceChanges',
  'DeviceList',
  'Binding',
  'BindingInput',
  'BindingList',
  'SigningKeyList',
  'SigningKeyRotation',
  'RootUpload',
  'RootUploaded',
  'RootList',
  'RevocationInput',
  'Revocation',
  'RevocationList',
  'CrlUpload',
  'CrlImported',
  'CrlList',
  'TokenRequest',
  'TokenResponse',
  'Jwks',
  'ServerMetadata',
  'HealthReport',
] as const;

export type SchemaName = (typeof SCHEMA_NAMES)[number];

export const ref = (name: SchemaName): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

export const JSON_MEDIA_TYPE = 'application/json';

/** The admin API's one credential (README "Admin API"): the global admin key or an org-scoped key. */
export const API_KEY_SECURITY: readonly SecurityRequirement[] = [{ apiKey: [] }];
export const NO_SECURITY: readonly SecurityRequirement[] = [];

export function jsonResponse(description: string, schema: JsonSchema, headers?: Record<string, HeaderObject>): ResponseObject {
  return { description, ...(headers ? { headers } : {}), content: { [JSON_MEDIA_TYPE]: { schema } } };
}

export const NO_CONTENT: ResponseObject = { description: 'Done; no body.' };

const RETRY_AFTER: HeaderObject = { description: 'Seconds to wait before retrying.', required: true, schema: { type: 'string', pattern: '^[0-9]+$' } };
const NO_STORE: HeaderObject = {
  description: 'RFC 6749 §5.1: token responses and their errors are never cached.',
  required: true,
  schema: { const: 'no-store' },
};

/** Statuses the admin API answers with `{"error", "message"}` besides 401 and 503, which every API-key route may answer. */
export type AdminRefusalStatus = 400 | 403 | 404 | 409 | 413 | 415;

const ADMIN_MEANING: Record<AdminRefusalStatus | 401, string> = {
  400: 'Validation refused the request; `error` names the rule',
  401: '`missing_api_key` or `invalid_api_key`',
  403: '`forbidden`: the key lacks the permission',
  404: 'Not found',
  409: 'Conflict',
  413: '`payload_too_large` or `file_too_large`',
  415: '`unsupported_media_type`: the body must be `application/json`',
};

/**
 * The refusals of one API-key route (src/http/error-responses.ts maps the
 * codes): the given statuses, each with the codes that route answers, plus
 * 401 and 503 (with Retry-After), which every API-key route may answer.
 */
export function adminRefusals(codes: Partial<Record<AdminRefusalStatus, string>>): Responses {
  const responses: Responses = {};
  for (const [status, detail] of Object.entries(codes) as Array<[string, string]>) {
    responses[status] = jsonResponse(`${ADMIN_MEANING[Number(status) as AdminRefusalStatus]}: ${detail}.`, ref('Error'));
  }
  responses['401'] = jsonResponse(`${ADMIN_MEANING[401]}.`, ref('Error'));
  responses['503'] = serviceUnavailable(ref('Error'), '`service_unavailable`');
  responses.default = jsonResponse('An unexpected failure: 500 `internal_error`, without details.', ref('Error'));
  return responses;
}

function serviceUnavailable(schema: JsonSchema, code: string, headers: Record<string, HeaderObject> = {}): ResponseObject {
  return jsonResponse(`${code}: a backing service (DynamoDB, KMS, S3) is unavailable; nothing was written. Retry after Retry-After seconds.`, schema, {
    'Retry-After': RETRY_AFTER,
    ...headers,
  });
}

/**
 * The token endpoint's RFC 6749 §5.2 refusals: `error` is the OAuth error,
 * `error_description` starts with the rule's code (`path_length_exceeded: …`).
 */
export function oauthRefusals(codes: Partial<Record<400 | 401 | 404, string>>): Responses {
  const responses: Responses = {};
  for (const [status, detail] of Object.entries(codes) as Array<[string, string]>) {
    const headers: Record<string, HeaderObject> = { 'Cache-Control': NO_STORE };
    if (status === '401')
      headers['WWW-Authenticate'] = {
        description: 'RFC 6749 §5.2: names the client authentication method to use.',
        required: true,
        schema: { type: 'string' },
      };
    responses[status] = jsonResponse(detail, ref('OAuthError'), headers);
  }
  responses['503'] = serviceUnavailable(ref('OAuthError'), '`temporarily_unavailable`', { 'Cache-Control': NO_STORE });
  responses.default = jsonResponse('An unexpected failure: 500 `server_error`, without details.', ref('OAuthError'), { 'Cache-Control': NO_STORE });
  return responses;
}

export { NO_STORE as NO_STORE_HEADER };

/** Organisation, environment, device and client app ids (src/domain/identifiers.ts). */
export const IDENTIFIER_SCHEMA: JsonSchema = { type: 'string', pattern: IDENTIFIER_PATTERN };

export function pathParameter(name: string, description: string, schema: JsonSchema = IDENTIFIER_SCHEMA): ParameterObject {
  return { name, in: 'path', required: true, description, schema };
}
