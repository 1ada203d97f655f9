import { JWKS_MAX_AGE_SECONDS } from '../../domain/signing-keys';
import type { Operations } from './admin-operations';
import { jsonResponse, NO_SECURITY, NO_STORE_HEADER, oauthRefusals, ref } from './responses';
import type { HeaderObject } from './types';

const POOL = '/pools/{clientPoolId}';
const NO_POOL = '`invalid_request`, `pool_not_found: …`: no such pool';
/** src/domain/signing-keys.ts: a rotated key signs only once every cached JWKS has been refreshed. */
const CACHEABLE: Record<string, HeaderObject> = {
  'Cache-Control': { description: `Cacheable for ${JWKS_MAX_AGE_SECONDS} s.`, required: true, schema: { const: `public, max-age=${JWKS_MAX_AGE_SECONDS}` } },
};

type TokenRoute =
  | `POST ${typeof POOL}/oauth2/token`
  | `GET ${typeof POOL}/.well-known/${'jwks.json' | 'openid-configuration'}`
  | `GET /.well-known/oauth-authorization-server${typeof POOL}`
  | 'GET /health';

/** What devices and resource servers call, without an API key (docs/contract.md §4; README "Token endpoint"). */
export const TOKEN_OPERATIONS: Operations<TokenRoute> = {
  [`POST ${POOL}/oauth2/token`]: {
    operationId: 'requestToken',
    summary: "Trade a device's signed JWT for an access token",
    description:
      'RFC 7523: either `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` with `assertion` (§2.1), or `grant_type=client_credentials` with ' +
      "`client_assertion_type` and `client_assertion` (§2.2, `private_key_jwt`). The JWT carries the device's chain in `x5c`; the chain is validated " +
      "against the pool's roots, revocations and CRLs (RFC 5280 §6.1) and the device's binding is checked.",
    tags: ['token'],
    security: NO_SECURITY,
    requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: ref('TokenRequest') } } },
    responses: {
      '200': jsonResponse('The access token.', ref('TokenResponse'), { 'Cache-Control': NO_STORE_HEADER }),
      ...oauthRefusals({
        400:
          '`invalid_grant` (the rule in `error_description`: e.g. `untrusted_root`, `certificate_revoked`, `binding_not_found`, `device_disabled`, ' +
          '`assertion_replayed`), `invalid_request`, `invalid_scope`, `invalid_target`, `unsupported_grant_type`',
        401: '`invalid_client`: the same refusals as `invalid_grant` when the JWT was client authentication (RFC 7523 §3.2)',
        404: NO_POOL,
      }),
    },
  },
  [`GET ${POOL}/.well-known/jwks.json`]: {
    operationId: 'getJwks',
    summary: "The pool's public signing keys (RFC 7517)",
    tags: ['discovery'],
    security: NO_SECURITY,
    responses: { '200': jsonResponse("The pool's keys only.", ref('Jwks'), CACHEABLE), ...oauthRefusals({ 404: NO_POOL }) },
  },
  [`GET ${POOL}/.well-known/openid-configuration`]: {
    operationId: 'getServerMetadata',
    summary: "The pool's authorization server metadata (RFC 8414)",
    tags: ['discovery'],
    security: NO_SECURITY,
    responses: { '200': jsonResponse('The metadata.', ref('ServerMetadata'), CACHEABLE), ...oauthRefusals({ 404: NO_POOL }) },
  },
  [`GET /.well-known/oauth-authorization-server${POOL}`]: {
    operationId: 'getServerMetadataRfc8414',
    summary: 'The same metadata at the RFC 8414 §3 location',
    description: "That location only when the API's base URL has no path (a custom domain, or locally).",
    tags: ['discovery'],
    security: NO_SECURITY,
    responses: { '200': jsonResponse('The metadata.', ref('ServerMetadata'), CACHEABLE), ...oauthRefusals({ 404: NO_POOL }) },
  },
  'GET /health': {
    operationId: 'getHealth',
    summary: 'Whether a token request could be served now',
    description: 'Each dependency a token request needs is probed with a 2 s timeout. Names and states only: no endpoint, key or error text.',
    tags: ['health'],
    security: NO_SECURITY,
    responses: {
      '200': jsonResponse('Every dependency answered.', ref('HealthReport'), { 'Cache-Control': NO_STORE_HEADER }),
      '503': jsonResponse('A dependency did not answer; `checks` names it.', ref('HealthReport'), {
        'Cache-Control': NO_STORE_HEADER,
        'Retry-After': { description: 'Seconds to wait before retrying.', required: true, schema: { type: 'string', pattern: '^[0-9]+$' } },
      }),
      default: jsonResponse('An unexpected failure: 500 `server_error`, without details.', ref('OAuthError')),
    },
  },
};
