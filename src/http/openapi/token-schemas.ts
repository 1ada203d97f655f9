import { ALLOWED_ASSERTION_ALGS } from '../../domain/assertion/compact-jws';
import { SUPPORTED_GRANT_TYPES } from '../../domain/token-request';
import { REFUSAL_CODES, type RefusalCode } from '../../refusal-codes';
import type { JsonSchema } from './types';

function object(properties: Record<string, JsonSchema>, required: readonly string[], description?: string): JsonSchema {
  return { type: 'object', ...(description ? { description } : {}), properties, required, additionalProperties: false };
}

const text: JsonSchema = { type: 'string' };
const url: JsonSchema = { type: 'string', format: 'uri' };
const strings: JsonSchema = { type: 'array', items: text };
/** RFC 6749 §5.2: error_description = *( %x20-21 / %x23-5B / %x5D-7E ). */
const ERROR_DESCRIPTION = '^[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]*$';
const dependencyState: JsonSchema = { type: 'string', enum: ['ok', 'unavailable', 'timeout'] };
/** Every code the admin API refuses with (src/refusal-codes.ts), then its outage and defect answers. */
const ADMIN_ERRORS = [
  ...(Object.keys(REFUSAL_CODES) as RefusalCode[]).filter((code) => 'admin' in REFUSAL_CODES[code]),
  'service_unavailable',
  'internal_error',
];

/** Errors, the token endpoint, discovery and health (docs/contract.md §4, README "Token endpoint"). */
export const TOKEN_SCHEMAS = {
  Error: object(
    {
      error: {
        type: 'string',
        enum: ADMIN_ERRORS,
        description:
          'Stable code of the rule that refused the request (docs/refusal-codes.md), or the outage and defect answers service_unavailable, internal_error.',
      },
      message: text,
    },
    ['error', 'message'],
    'Admin API refusal: `error` is a stable code, `message` says what to change.',
  ),
  OAuthError: object(
    {
      error: {
        type: 'string',
        enum: [
          'invalid_request',
          'invalid_client',
          'invalid_grant',
          'invalid_scope',
          'invalid_target',
          'unsupported_grant_type',
          'temporarily_unavailable',
          'server_error',
        ],
      },
      error_description: { type: 'string', pattern: ERROR_DESCRIPTION, description: "Starts with the rule's code, e.g. `certificate_revoked: …`." },
    },
    ['error', 'error_description'],
    'RFC 6749 §5.2 error response.',
  ),
  TokenRequest: object(
    {
      grant_type: { type: 'string', enum: SUPPORTED_GRANT_TYPES },
      assertion: { type: 'string', description: "RFC 7523 §2.1: the device's signed JWT (with `urn:ietf:params:oauth:grant-type:jwt-bearer`)." },
      client_assertion_type: { const: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' },
      client_assertion: { type: 'string', description: 'RFC 7523 §2.2: the same JWT as client authentication (with `client_credentials`).' },
      client_id: { type: 'string', maxLength: 256, description: "When sent, equal to the assertion's `iss`." },
      scope: { type: 'string', description: "RFC 6749 §3.3: a subset of the binding's scopes; default all of them." },
      resource: { type: 'string', format: 'uri', description: "RFC 8707: one of the pool's audiences, which becomes the token's `aud`." },
    },
    ['grant_type'],
  ),
  TokenResponse: object(
    {
      access_token: { type: 'string', description: "An RFC 9068 JWT signed by the pool's KMS key." },
      token_type: { const: 'Bearer' },
      expires_in: { type: 'integer', minimum: 1, description: 'Seconds.' },
      scope: text,
    },
    ['access_token', 'token_type', 'expires_in', 'scope'],
    'RFC 6749 §5.1 successful response.',
  ),
  Jwks: object(
    {
      keys: {
        type: 'array',
        description: "The pool's published keys only (RFC 7517 §5).",
        items: object(
          {
            kty: { type: 'string', enum: ['EC', 'RSA'] },
            crv: text,
            x: text,
            y: text,
            n: text,
            e: text,
            kid: { type: 'string', description: 'RFC 7638 thumbprint.' },
            alg: { type: 'string', enum: ['ES256', 'ES384', 'ES512', 'RS256'] },
            use: { const: 'sig' },
          },
          ['kty', 'kid', 'alg', 'use'],
        ),
      },
    },
    ['keys'],
  ),
  ServerMetadata: object(
    {
      issuer: url,
      token_endpoint: url,
      jwks_uri: url,
      grant_types_supported: { type: 'array', items: { type: 'string', enum: SUPPORTED_GRANT_TYPES } },
      response_types_supported: { type: 'array', maxItems: 0 },
      token_endpoint_auth_methods_supported: strings,
      token_endpoint_auth_signing_alg_values_supported: { type: 'array', items: { type: 'string', enum: ALLOWED_ASSERTION_ALGS } },
      scopes_supported: strings,
    },
    [
      'issuer',
      'token_endpoint',
      'jwks_uri',
      'grant_types_supported',
      'response_types_supported',
      'token_endpoint_auth_methods_supported',
      'token_endpoint_auth_signing_alg_values_supported',
      'scopes_supported',
    ],
    'RFC 8414 §2 authorization server metadata of one pool.',
  ),
  HealthReport: object(
    {
      status: { type: 'string', enum: ['ok', 'unavailable'] },
      checks: { type: 'object', description: 'Each dependency a token request needs, by name.', additionalProperties: dependencyState },
    },
    ['status', 'checks'],
  ),
} satisfies Record<string, JsonSchema>;
