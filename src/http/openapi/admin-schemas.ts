import { MAX_SCOPES } from '../../domain/identifiers';
import { DEVICE_STATUSES } from '../../domain/model';
import { IDENTIFIER_SCHEMA, ref } from './responses';
import type { JsonSchema } from './types';

/** Objects the API answers: every listed field, nothing else (a new field is a change of this description too). */
function object(properties: Record<string, JsonSchema>, required: readonly string[], description?: string): JsonSchema {
  return { type: 'object', ...(description ? { description } : {}), properties, required, additionalProperties: false };
}

const text: JsonSchema = { type: 'string', maxLength: 1024 };
const instant: JsonSchema = { type: 'string', format: 'date-time' };
const url: JsonSchema = { type: 'string', format: 'uri' };
// src/domain/fields.ts: at most 50 entries; `__proto__`, `constructor` and `prototype` are refused as keys.
const stringMap = (description: string): JsonSchema => ({
  type: 'object',
  description,
  maxProperties: 50,
  propertyNames: { pattern: '^[A-Za-z0-9_.:-]{1,64}$' },
  additionalProperties: { type: 'string', maxLength: 1024 },
});
const scopes: JsonSchema = {
  type: 'array',
  description: `RFC 6749 §3.3 scope tokens; the JWT-bearer flow needs \`device\` among them. At most ${MAX_SCOPES}.`,
  items: { type: 'string', pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,128}$' },
  minItems: 1,
  maxItems: MAX_SCOPES,
};
const status: JsonSchema = { type: 'string', enum: DEVICE_STATUSES, description: "A disabled device's token requests are refused (`device_disabled`)." };

const DEVICE_FIELDS: Record<string, JsonSchema> = {
  deviceId: IDENTIFIER_SCHEMA,
  orgId: IDENTIFIER_SCHEMA,
  envId: IDENTIFIER_SCHEMA,
  name: text,
  description: text,
  metadata: stringMap('Free-form string map, stored as given.'),
  tags: stringMap('String map; a `business_unit_id` tag pins the device to certificates whose subject O matches.'),
  preRegistered: { type: 'boolean', description: 'true when created by POST .../device; false when a binding or a first token created it.' },
  status,
  createdAt: instant,
  updatedAt: instant,
};
const DEVICE_REQUIRED = ['deviceId', 'orgId', 'envId', 'preRegistered', 'status', 'createdAt'];

export const ADMIN_SCHEMAS = {
  Organisation: object({ id: IDENTIFIER_SCHEMA, name: text, description: text, createdAt: instant }, ['id', 'name', 'createdAt']),
  OrganisationInput: object({ id: IDENTIFIER_SCHEMA, name: { type: 'string', minLength: 1, maxLength: 1024 }, description: text }, ['id', 'name']),
  EnvironmentInput: object({ id: IDENTIFIER_SCHEMA, name: { type: 'string', minLength: 1, maxLength: 1024 }, description: text }, ['id', 'name']),
  EnvironmentChanges: {
    ...object(
      {
        name: { type: 'string', minLength: 1, maxLength: 1024 },
        description: text,
        requireCrl: { type: 'boolean', description: "Every issuer on a device's path needs a current CRL in the pool (`crl_missing` otherwise)." },
        audiences: {
          type: 'array',
          items: url,
          maxItems: 10,
          uniqueItems: true,
          description: "Absolute https URLs a token request's `resource` may select as `aud`; `[]` removes them.",
        },
        tokenLifetimeSeconds: {
          type: 'integer',
          minimum: 60,
          maximum: 86400,
          description: "Lifetime of the pool's access tokens, in seconds; absent: the deployment's.",
        },
      },
      [],
    ),
    minProperties: 1,
  },
  Environment: object(
    {
      orgId: IDENTIFIER_SCHEMA,
      envId: IDENTIFIER_SCHEMA,
      name: text,
      description: text,
      clientPoolId: { type: 'string', description: "The environment's pool: its token endpoint, roots, revocations and signing keys." },
      requireCrl: { type: 'boolean' },
      audiences: { type: 'array', items: url },
      tokenLifetimeSeconds: { type: 'integer', minimum: 60, maximum: 86400, description: "Present once set by PATCH: the pool's token lifetime in seconds." },
      issuer: url,
      tokenEndpoint: url,
      jwksUri: url,
      createdAt: instant,
    },
    ['orgId', 'envId', 'name', 'clientPoolId', 'requireCrl', 'audiences', 'issuer', 'tokenEndpoint', 'jwksUri', 'createdAt'],
  ),
  ApiKeyCreated: object(
    {
      id: { type: 'string', pattern: '^k[0-9a-f]{16}$' },
      orgId: IDENTIFIER_SCHEMA,
      apiKey: { type: 'string', description: 'Shown this once; stored only as a SHA-256 hash.' },
    },
    ['id', 'orgId', 'apiKey'],
  ),
  ApiKeyList: object(
    {
      apiKeys: {
        type: 'array',
        description: 'Oldest first; never the secret.',
        items: object(
          { id: { type: 'string' }, orgId: IDENTIFIER_SCHEMA, createdAt: instant, lastUsedAt: { ...instant, description: 'Up to 5 minutes old.' } },
          ['id', 'orgId', 'createdAt'],
        ),
      },
    },
    ['apiKeys'],
  ),
  Device: object(
    {
      ...DEVICE_FIELDS,
      provisioning: object(
        {
          thumbprint: text,
          serial: text,
          issuer: text,
          notAfter: instant,
          businessUnit: text,
          firstSeen: instant,
          lastSeen: instant,
        },
        ['thumbprint', 'serial', 'issuer', 'notAfter', 'firstSeen', 'lastSeen'],
        "The certificate of the device's last token and when it was first and last seen; absent until its first token.",
      ),
    },
    DEVICE_REQUIRED,
  ),
  DeviceInput: object({ id: IDENTIFIER_SCHEMA, name: text, description: text, metadata: DEVICE_FIELDS.metadata, tags: DEVICE_FIELDS.tags }, ['id']),
  DeviceChanges: { ...object({ status, name: text, description: text, metadata: DEVICE_FIELDS.metadata, tags: DEVICE_FIELDS.tags }, []), minProperties: 1 },
  DeviceList: object(
    {
      devices: {
        type: 'array',
        description: 'Ordered by device id; the records without their provisioning state (GET the device for it).',
        items: object(DEVICE_FIELDS, DEVICE_REQUIRED),
      },
      nextCursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the next page; null on the last page.' },
    },
    ['devices', 'nextCursor'],
  ),
  Binding: object(
    { deviceId: IDENTIFIER_SCHEMA, clientAppId: IDENTIFIER_SCHEMA, scopes, name: text, description: text, createdAt: instant, updatedAt: instant },
    ['deviceId', 'clientAppId', 'scopes', 'createdAt', 'updatedAt'],
  ),
  BindingInput: object({ clientAppId: IDENTIFIER_SCHEMA, scopes, name: text, description: text }, ['clientAppId', 'scopes']),
  BindingList: object({ bindings: { type: 'array', items: ref('Binding') } }, ['bindings']),
  SigningKeyList: object(
    {
      keys: {
        type: 'array',
        items: object(
          {
            kid: { type: 'string', description: 'RFC 7638 thumbprint of the public key.' },
            status: { type: 'string', enum: ['next', 'active', 'retiring'] },
            createdAt: instant,
            activatesAt: instant,
            retiresAt: instant,
            shared: { const: true, description: "The stack's legacy key, shared by pools not yet rotated." },
          },
          ['kid', 'status', 'createdAt'],
        ),
      },
    },
    ['keys'],
  ),
  SigningKeyRotation: object({ activeKid: text, nextKid: text, activatesAt: instant }, ['activeKid', 'nextKid', 'activatesAt']),
} satisfies Record<string, JsonSchema>;
