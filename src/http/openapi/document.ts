import type { RouteKey } from '../routes';
import { ADMIN_OPERATIONS } from './admin-operations';
import { DEVICE_OPERATIONS } from './device-operations';
import { pathParameter } from './responses';
import { API_SCHEMAS } from './schemas';
import { TOKEN_OPERATIONS } from './token-operations';
import { TRUST_OPERATIONS } from './trust-operations';
import type { HttpMethod, OpenApiDocument, OperationObject, ParameterObject, PathItemObject } from './types';

/**
 * One operation per route of src/http/routes.ts, keyed as the routers key
 * them: a route without an operation (or an operation without a route) does
 * not compile, and test/e2e/openapi/document.test.ts compares the two sets.
 */
export const OPERATIONS: Record<RouteKey, OperationObject> = {
  ...ADMIN_OPERATIONS,
  ...DEVICE_OPERATIONS,
  ...TRUST_OPERATIONS,
  ...TOKEN_OPERATIONS,
};

const hex64 = { type: 'string', pattern: '^[0-9a-fA-F]{64}$' } as const;

/** Every `{name}` of the route templates; a template naming another one fails at cold start. */
const PATH_PARAMETERS: Record<string, ParameterObject> = {
  orgId: pathParameter('orgId', 'Organisation id.'),
  envId: pathParameter('envId', 'Environment id.'),
  deviceId: pathParameter('deviceId', 'Device id: the subject CN of its certificate.'),
  clientAppId: pathParameter('clientAppId', 'Client app id of the binding.'),
  keyId: pathParameter('keyId', 'API key id, as returned when the key was created.', { type: 'string' }),
  clientPoolId: pathParameter('clientPoolId', "The environment's pool id (`clientPoolId`).", { type: 'string' }),
  fingerprint: pathParameter('fingerprint', 'SHA-256 (hex) of the DER of any version of the root.', hex64),
  id: pathParameter('id', "The revocation's id (the revoked certificate's fingerprint) or the CRL's id, as listed.", hex64),
};

const TAGS = [
  { name: 'organisations', description: 'Organisations and their environments (one pool each).' },
  { name: 'api-keys', description: 'Org-scoped API keys.' },
  { name: 'devices', description: 'Devices, their app bindings and the fleet inventory.' },
  { name: 'trust', description: "A pool's root CAs." },
  { name: 'revocation', description: 'Revocations and CRLs checked at the token endpoint.' },
  { name: 'signing-keys', description: "A pool's KMS signing keys and their staged rotation." },
  { name: 'token', description: "The devices' token endpoint (RFC 7523)." },
  { name: 'discovery', description: 'JWKS and RFC 8414 metadata of a pool.' },
  { name: 'health', description: 'Liveness of the token path.' },
  { name: 'meta', description: 'This description.' },
];

/**
 * The OpenAPI 3.1 description of the whole HTTP API, served at
 * `GET /api/openapi.json`. `serverUrl` is the API's base URL (the issuer base
 * URL: a custom domain, or the execute-api URL with its stage); without it
 * the paths are relative to the host serving the document.
 */
export function openApiDocument(options: { serverUrl?: string } = {}): OpenApiDocument {
  const paths: Record<string, PathItemObject> = {};
  for (const [key, operation] of Object.entries(OPERATIONS) as Array<[RouteKey, OperationObject]>) {
    const [method, resource] = key.split(' ') as [string, string];
    paths[resource] ??= { parameters: templateParameters(resource) };
    const item = paths[resource];
    item[method.toLowerCase() as HttpMethod] = operation;
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'Device IDP',
      version: '1',
      description:
        'Identity provider for device fleets: the admin API (X-API-Key), and per pool an RFC 7523 token endpoint, its JWKS and RFC 8414 metadata. ' +
        'Admin errors are `{"error", "message"}`; token endpoint errors are RFC 6749 §5.2 `{"error", "error_description"}`.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    tags: TAGS,
    paths,
    components: {
      schemas: API_SCHEMAS,
      securitySchemes: {
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'X-API-Key',
          description: 'The global admin key (everything) or an org-scoped key (devices and bindings of its organisation, and its own keys).',
        },
      },
    },
  };
}

function templateParameters(resource: string): ParameterObject[] {
  return [...resource.matchAll(/\{(\w+)\}/g)].map(([, name]) => {
    const parameter = PATH_PARAMETERS[name];
    if (!parameter) throw new Error(`no description of path parameter ${name} (${resource})`);
    return parameter;
  });
}
