import { DEVICE_STATUSES } from '../../domain/model';
import { INVENTORY_LIMIT, MAX_CURSOR_LENGTH } from '../../usecases/device-inventory';
import { jsonBody, type Operations } from './admin-operations';
import { API_KEY_SECURITY, adminRefusals, jsonResponse, NO_CONTENT, ref } from './responses';

const DEVICE = '/api/internal/org/{orgId}/env/{envId}/device';
const OTHER_ORG = 'a key of another organisation';
const NOT_FOUND = '`org_not_found`, `env_not_found`';
const JSON_400 = '`invalid_json`, `invalid_body`, `invalid_field` (an unknown field or a bad value), `invalid_identifier`';
const BODY_413 = 'body over 16 KiB';

type DeviceRoute =
  | `${'POST' | 'GET'} ${typeof DEVICE}`
  | `${'GET' | 'PATCH' | 'DELETE'} ${typeof DEVICE}/{deviceId}`
  | `${'GET' | 'POST'} ${typeof DEVICE}/{deviceId}/app`
  | `DELETE ${typeof DEVICE}/{deviceId}/app/{clientAppId}`;

/** Devices and their app bindings (docs/contract.md §3.2, §3.3): the admin key, or a key of the device's organisation. */
export const DEVICE_OPERATIONS: Operations<DeviceRoute> = {
  [`POST ${DEVICE}`]: {
    operationId: 'registerDevice',
    summary: 'Pre-register a device',
    tags: ['devices'],
    security: API_KEY_SECURITY,
    requestBody: jsonBody('DeviceInput'),
    responses: {
      '201': jsonResponse('Registered.', ref('Device')),
      ...adminRefusals({ 400: JSON_400, 403: OTHER_ORG, 404: NOT_FOUND, 409: '`device_exists`', 413: BODY_413, 415: 'not JSON' }),
    },
  },
  [`GET ${DEVICE}`]: {
    operationId: 'listDevices',
    summary: "Fleet inventory: one page of the environment's devices",
    description:
      'Ordered by device id. Follow `nextCursor` until it is null; a page may hold fewer than `limit` devices, even none, while it is not ' +
      'null (each request reads a bounded number of records when `status` skips many). Listed records carry no provisioning state: GET the device for it.',
    tags: ['devices'],
    security: API_KEY_SECURITY,
    parameters: [
      {
        name: 'limit',
        in: 'query',
        description: `Devices per page, ${INVENTORY_LIMIT.min}–${INVENTORY_LIMIT.max}; default ${INVENTORY_LIMIT.default}.`,
        schema: { type: 'integer', minimum: INVENTORY_LIMIT.min, maximum: INVENTORY_LIMIT.max },
      },
      {
        name: 'cursor',
        in: 'query',
        description: "The `nextCursor` of the previous page of this environment's listing, unchanged.",
        schema: { type: 'string', maxLength: MAX_CURSOR_LENGTH },
      },
      { name: 'status', in: 'query', description: 'Only devices with this status.', schema: { type: 'string', enum: DEVICE_STATUSES } },
    ],
    responses: {
      '200': jsonResponse('One page.', ref('DeviceList')),
      ...adminRefusals({
        400: "`invalid_limit`, `invalid_status`, `invalid_cursor` (altered, or from another environment's listing), `invalid_identifier`",
        403: OTHER_ORG,
        404: NOT_FOUND,
      }),
    },
  },
  [`GET ${DEVICE}/{deviceId}`]: {
    operationId: 'getDevice',
    summary: 'Read a device, with its provisioning state',
    tags: ['devices'],
    security: API_KEY_SECURITY,
    responses: {
      '200': jsonResponse('The device.', ref('Device')),
      ...adminRefusals({ 400: '`invalid_identifier`', 403: OTHER_ORG, 404: `${NOT_FOUND}, \`device_not_found\`` }),
    },
  },
  [`PATCH ${DEVICE}/{deviceId}`]: {
    operationId: 'updateDevice',
    summary: 'Disable or re-enable a device, or change its name, description, metadata or tags',
    description: "A disabled device's very next token request is refused (`device_disabled`).",
    tags: ['devices'],
    security: API_KEY_SECURITY,
    requestBody: jsonBody('DeviceChanges'),
    responses: {
      '200': jsonResponse('The device as it now is.', ref('Device')),
      ...adminRefusals({
        400: `${JSON_400}, \`empty_update\``,
        403: OTHER_ORG,
        404: `${NOT_FOUND}, \`device_not_found\``,
        413: BODY_413,
        415: 'not JSON',
      }),
    },
  },
  [`DELETE ${DEVICE}/{deviceId}`]: {
    operationId: 'deleteDevice',
    summary: 'Delete a device and its bindings',
    description: 'Final at the 204: no token is issued for the device afterwards, whatever runs concurrently.',
    tags: ['devices'],
    security: API_KEY_SECURITY,
    responses: {
      '204': NO_CONTENT,
      ...adminRefusals({ 400: '`invalid_identifier`', 403: OTHER_ORG, 404: `${NOT_FOUND}, \`device_not_found\`` }),
    },
  },
  [`GET ${DEVICE}/{deviceId}/app`]: {
    operationId: 'listBindings',
    summary: "List a device's app bindings",
    tags: ['devices'],
    security: API_KEY_SECURITY,
    responses: {
      '200': jsonResponse('The bindings.', ref('BindingList')),
      ...adminRefusals({ 400: '`invalid_identifier`', 403: OTHER_ORG, 404: `${NOT_FOUND}, \`device_not_found\`` }),
    },
  },
  [`POST ${DEVICE}/{deviceId}/app`]: {
    operationId: 'putBinding',
    summary: 'Create or replace a binding (creating the device if needed)',
    tags: ['devices'],
    security: API_KEY_SECURITY,
    requestBody: jsonBody('BindingInput'),
    responses: {
      '200': jsonResponse('Replaced.', ref('Binding')),
      '201': jsonResponse('Created.', ref('Binding')),
      ...adminRefusals({ 400: `${JSON_400}, \`invalid_scopes\``, 403: OTHER_ORG, 404: NOT_FOUND, 413: BODY_413, 415: 'not JSON' }),
    },
  },
  [`DELETE ${DEVICE}/{deviceId}/app/{clientAppId}`]: {
    operationId: 'deleteBinding',
    summary: 'Remove a binding',
    tags: ['devices'],
    security: API_KEY_SECURITY,
    responses: {
      '204': NO_CONTENT,
      ...adminRefusals({ 400: '`invalid_identifier`', 403: OTHER_ORG, 404: `${NOT_FOUND}, \`device_not_found\`, \`binding_not_found\`` }),
    },
  },
};
