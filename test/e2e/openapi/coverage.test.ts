import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../../local/emulators/dynamodb-local';
import { openApiDocument } from '../../../src/http/openapi/document';
import type { RouteKey } from '../../../src/http/routes';
import { tokenRequestBody } from '../../support/device-client';
import { deviceAssertion, type EnrolledDevice, issueDevice, makeOrganisationPki, sha256Hex } from '../../support/device-fleet';
import { type CheckedResponse, OpenApiRecorder } from '../../support/openapi-recorder';
import { opensslCa, privateKeyPem } from '../../support/openssl-ca';
import type { TestCertificate } from '../../support/pki';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../../support/test-idp';

/*
 * Drives every route of the API through every status its OpenAPI description
 * documents, over real HTTP against the local IDP, and checks each answer
 * against the description (test/support/openapi-recorder.ts). The last step
 * stops this file's own DynamoDB Local to produce the 503s; the very last
 * asserts that no documented (route, status) was left unproduced.
 */
type Params = Record<string, string>;
interface CallInit {
  apiKey?: string | null;
  json?: unknown;
  body?: BodyInit;
  contentType?: string;
  query?: string;
}

const ZEROS = '0'.repeat(64);
const NO_POOL = { clientPoolId: 'pool-nope' };
const TEXT = { body: 'id=x', contentType: 'text/plain' };
const HUGE = { json: { id: 'x', name: 'n'.repeat(17 * 1024) } };

describe('every documented status of every route, checked against the OpenAPI description', () => {
  let dynamo: DynamoDbLocal | undefined;
  let dbPath: string;
  let workDir: string;
  let idp: TestIdp;
  let recorder: OpenApiRecorder;
  let env: EnvironmentInfo;
  let otherEnv: EnvironmentInfo;
  let orgKey: string;
  let otherOrgKey: string;
  let pki: { root: TestCertificate; intermediate: TestCertificate };
  let device: EnrolledDevice;

  async function call(route: RouteKey, params: Params = {}, init: CallInit = {}): Promise<CheckedResponse> {
    const [method, template] = route.split(' ');
    const path = template.replace(/\{(\w+)\}/g, (_match, name: string) => {
      if (params[name] === undefined) throw new Error(`${route}: no value for ${name}`);
      return encodeURIComponent(params[name]);
    });
    const headers: Record<string, string> = init.contentType ? { 'Content-Type': init.contentType } : {};
    const response = await idp.request(`${path}${init.query ? `?${init.query}` : ''}`, {
      method,
      apiKey: init.apiKey,
      json: init.json,
      body: init.body,
      headers,
    });
    return recorder.record(route, response);
  }

  /** The status and, for a refusal, the `error` (admin code or OAuth error). */
  async function expectAnswer(route: RouteKey, params: Params, init: CallInit, status: number, error?: string): Promise<CheckedResponse> {
    const answer = await call(route, params, init);
    const got = (answer.body as { error?: string } | undefined)?.error;
    expect({ route, status: answer.status, error: got }).toEqual({ route, status, error: error ?? got });
    return answer;
  }

  const form = (parts: Array<[string, string | Uint8Array, string?]>) => {
    const data = new FormData();
    for (const [field, content, filename] of parts) {
      if (filename === undefined) data.append(field, typeof content === 'string' ? content : Buffer.from(content).toString());
      else data.append(field, new Blob([typeof content === 'string' ? content : new Uint8Array(content)]), filename);
    }
    return data;
  };
  const tokenForm = (body: URLSearchParams) => ({ apiKey: null, body: body.toString(), contentType: 'application/x-www-form-urlencoded' });

  beforeAll(async () => {
    dbPath = mkdtempSync(join(tmpdir(), 'idp-openapi-coverage-'));
    workDir = mkdtempSync(join(tmpdir(), 'idp-openapi-ca-'));
    dynamo = await startDynamoDbLocal({ inMemory: false, dbPath });
    // test/support/emulators reads this on first use: this file's tables live in its own instance, which the last step stops.
    process.env.TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
    idp = await startTestIdp();
    recorder = new OpenApiRecorder(openApiDocument({ serverUrl: idp.baseUrl }));
    pki = await makeOrganisationPki('Coverage');
    device = await issueDevice(pki.root, pki.intermediate, { deviceId: 'dev-1' });
  });
  afterAll(async () => {
    await idp?.stop();
    await dynamo?.stop();
    rmSync(dbPath, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  });

  it('GET /api/openapi.json', async () => {
    await expectAnswer('GET /api/openapi.json', {}, { apiKey: null }, 200);
  });

  it('organisations and environments', async () => {
    const ORG = 'POST /api/internal/org';
    await expectAnswer(ORG, {}, { json: { id: 'org-a', name: 'A' } }, 201);
    await expectAnswer(ORG, {}, { json: { id: 'org-b', name: 'B' } }, 201);
    await expectAnswer(ORG, {}, { json: { id: 'bad#id', name: 'A' } }, 400, 'invalid_identifier');
    await expectAnswer(ORG, {}, { apiKey: null, json: { id: 'org-c', name: 'C' } }, 401, 'missing_api_key');
    await expectAnswer(ORG, {}, { json: { id: 'org-a', name: 'A' } }, 409, 'org_exists');
    await expectAnswer(ORG, {}, HUGE, 413, 'payload_too_large');
    await expectAnswer(ORG, {}, TEXT, 415, 'unsupported_media_type');
    orgKey = ((await expectAnswer('POST /api/internal/org/{orgId}/api-keys', { orgId: 'org-a' }, {}, 201)).body as { apiKey: string }).apiKey;
    otherOrgKey = ((await expectAnswer('POST /api/internal/org/{orgId}/api-keys', { orgId: 'org-b' }, {}, 201)).body as { apiKey: string }).apiKey;
    await expectAnswer(ORG, {}, { apiKey: orgKey, json: { id: 'org-c', name: 'C' } }, 403, 'forbidden');

    const ENV = 'POST /api/internal/org/{orgId}/env';
    env = (await expectAnswer(ENV, { orgId: 'org-a' }, { json: { id: 'prod', name: 'Production' } }, 201)).body as EnvironmentInfo;
    otherEnv = (await expectAnswer(ENV, { orgId: 'org-b' }, { json: { id: 'prod', name: 'Production' } }, 201)).body as EnvironmentInfo;
    await expectAnswer(ENV, { orgId: 'org-a' }, { json: { id: 'test' } }, 400, 'invalid_field');
    await expectAnswer(ENV, { orgId: 'org-a' }, { apiKey: null, json: { id: 'test', name: 'T' } }, 401, 'missing_api_key');
    await expectAnswer(ENV, { orgId: 'org-a' }, { apiKey: orgKey, json: { id: 'test', name: 'T' } }, 403, 'forbidden');
    await expectAnswer(ENV, { orgId: 'org-nope' }, { json: { id: 'test', name: 'T' } }, 404, 'org_not_found');
    await expectAnswer(ENV, { orgId: 'org-a' }, { json: { id: 'prod', name: 'Production' } }, 409, 'env_exists');
    await expectAnswer(ENV, { orgId: 'org-a' }, HUGE, 413, 'payload_too_large');
    await expectAnswer(ENV, { orgId: 'org-a' }, TEXT, 415, 'unsupported_media_type');

    const GET_ENV = 'GET /api/internal/org/{orgId}/env/{envId}';
    const A = { orgId: 'org-a', envId: 'prod' };
    await expectAnswer(GET_ENV, A, { apiKey: orgKey }, 200);
    await expectAnswer(GET_ENV, { ...A, orgId: 'bad#id' }, {}, 400, 'invalid_identifier');
    await expectAnswer(GET_ENV, A, { apiKey: null }, 401, 'missing_api_key');
    await expectAnswer(GET_ENV, A, { apiKey: otherOrgKey }, 403, 'forbidden');
    await expectAnswer(GET_ENV, { ...A, envId: 'nope' }, {}, 404, 'env_not_found');

    const PATCH_ENV = 'PATCH /api/internal/org/{orgId}/env/{envId}';
    await expectAnswer(PATCH_ENV, A, { json: { description: 'the fleet' } }, 200);
    await expectAnswer(PATCH_ENV, A, { json: {} }, 400, 'empty_update');
    await expectAnswer(PATCH_ENV, A, { apiKey: null, json: { name: 'P' } }, 401, 'missing_api_key');
    await expectAnswer(PATCH_ENV, A, { apiKey: orgKey, json: { name: 'P' } }, 403, 'forbidden');
    await expectAnswer(PATCH_ENV, { ...A, envId: 'nope' }, { json: { name: 'P' } }, 404, 'env_not_found');
    await expectAnswer(PATCH_ENV, A, HUGE, 413, 'payload_too_large');
    await expectAnswer(PATCH_ENV, A, TEXT, 415, 'unsupported_media_type');
  });

  it('org API keys', async () => {
    const CREATE = 'POST /api/internal/org/{orgId}/api-keys';
    await expectAnswer(CREATE, { orgId: '-bad' }, {}, 400, 'invalid_identifier');
    await expectAnswer(CREATE, { orgId: 'org-a' }, { apiKey: null }, 401, 'missing_api_key');
    await expectAnswer(CREATE, { orgId: 'org-a' }, { apiKey: orgKey }, 403, 'forbidden');
    await expectAnswer(CREATE, { orgId: 'org-nope' }, {}, 404, 'org_not_found');

    const LIST = 'GET /api/internal/org/{orgId}/api-keys';
    await expectAnswer(LIST, { orgId: 'org-a' }, { apiKey: orgKey }, 200);
    await expectAnswer(LIST, { orgId: '-bad' }, {}, 400, 'invalid_identifier');
    await expectAnswer(LIST, { orgId: 'org-a' }, { apiKey: 'not-a-key-of-this-idp' }, 401, 'invalid_api_key');
    await expectAnswer(LIST, { orgId: 'org-a' }, { apiKey: otherOrgKey }, 403, 'forbidden');
    await expectAnswer(LIST, { orgId: 'org-nope' }, {}, 404, 'org_not_found');

    const REVOKE = 'DELETE /api/internal/org/{orgId}/api-keys/{keyId}';
    const spare = (await expectAnswer(CREATE, { orgId: 'org-a' }, {}, 201)).body as { id: string };
    await expectAnswer(REVOKE, { orgId: 'org-a', keyId: spare.id }, {}, 204);
    await expectAnswer(REVOKE, { orgId: 'org-a', keyId: 'nope' }, {}, 400, 'malformed_key_id');
    await expectAnswer(REVOKE, { orgId: 'org-a', keyId: spare.id }, { apiKey: null }, 401, 'missing_api_key');
    await expectAnswer(REVOKE, { orgId: 'org-a', keyId: spare.id }, { apiKey: otherOrgKey }, 403, 'forbidden');
    await expectAnswer(REVOKE, { orgId: 'org-a', keyId: spare.id }, {}, 404, 'api_key_not_found');
  });

  it('devices, the inventory and bindings', async () => {
    const A = { orgId: 'org-a', envId: 'prod' };
    const NOPE = { ...A, envId: 'nope' };
    const REGISTER = 'POST /api/internal/org/{orgId}/env/{envId}/device';
    await expectAnswer(REGISTER, A, { apiKey: orgKey, json: { id: 'dev-1', tags: { site: 'north' } } }, 201);
    await expectAnswer(REGISTER, A, { json: { id: 'dev-gone' } }, 201);
    await expectAnswer(REGISTER, A, { json: { id: 'bad#id' } }, 400, 'invalid_identifier');
    await expectAnswer(REGISTER, A, { apiKey: null, json: { id: 'dev-2' } }, 401, 'missing_api_key');
    await expectAnswer(REGISTER, A, { apiKey: otherOrgKey, json: { id: 'dev-2' } }, 403, 'forbidden');
    await expectAnswer(REGISTER, NOPE, { json: { id: 'dev-2' } }, 404, 'env_not_found');
    await expectAnswer(REGISTER, A, { json: { id: 'dev-1' } }, 409, 'device_exists');
    await expectAnswer(REGISTER, A, HUGE, 413, 'payload_too_large');
    await expectAnswer(REGISTER, A, TEXT, 415, 'unsupported_media_type');

    const LIST = 'GET /api/internal/org/{orgId}/env/{envId}/device';
    const first = await expectAnswer(LIST, A, { apiKey: orgKey, query: 'limit=1' }, 200);
    await expectAnswer(LIST, A, { query: `limit=1&cursor=${(first.body as { nextCursor: string }).nextCursor}` }, 200);
    await expectAnswer(LIST, A, { query: 'limit=0' }, 400, 'invalid_limit');
    await expectAnswer(LIST, A, { apiKey: null }, 401, 'missing_api_key');
    await expectAnswer(LIST, A, { apiKey: otherOrgKey }, 403, 'forbidden');
    await expectAnswer(LIST, NOPE, {}, 404, 'env_not_found');

    const DEVICE = 'GET /api/internal/org/{orgId}/env/{envId}/device/{deviceId}';
    await expectAnswer(DEVICE, { ...A, deviceId: 'dev-1' }, { apiKey: orgKey }, 200);
    await expectAnswer(DEVICE, { ...A, deviceId: 'bad#id' }, {}, 400, 'invalid_identifier');
    await expectAnswer(DEVICE, { ...A, deviceId: 'dev-1' }, { apiKey: null }, 401, 'missing_api_key');
    await expectAnswer(DEVICE, { ...A, deviceId: 'dev-1' }, { apiKey: otherOrgKey }, 403, 'forbidden');
    await expectAnswer(DEVICE, { ...A, deviceId: 'nobody' }, {}, 404, 'device_not_found');

    const PATCH = 'PATCH /api/internal/org/{orgId}/env/{envId}/device/{deviceId}';
    await expectAnswer(PATCH, { ...A, deviceId: 'dev-1' }, { json: { name: 'Till 1' } }, 200);
    await expectAnswer(PATCH, { ...A, deviceId: 'dev-1' }, { json: {} }, 400, 'empty_update');
    await expectAnswer(PATCH, { ...A, deviceId: 'dev-1' }, { apiKey: null, json: { name: 'x' } }, 401, 'missing_api_key');
    await expectAnswer(PATCH, { ...A, deviceId: 'dev-1' }, { apiKey: otherOrgKey, json: { name: 'x' } }, 403, 'forbidden');
    await expectAnswer(PATCH, { ...A, deviceId: 'nobody' }, { json: { name: 'x' } }, 404, 'device_not_found');
    await expectAnswer(PATCH, { ...A, deviceId: 'dev-1' }, HUGE, 413, 'payload_too_large');
    await expectAnswer(PATCH, { ...A, deviceId: 'dev-1' }, TEXT, 415, 'unsupported_media_type');

    const BIND = 'POST /api/internal/org/{orgId}/env/{envId}/device/{deviceId}/app';
    const binding = { clientAppId: 'client', scopes: ['device'] };
    await expectAnswer(BIND, { ...A, deviceId: 'dev-1' }, { json: binding }, 201);
    await expectAnswer(BIND, { ...A, deviceId: 'dev-1' }, { apiKey: orgKey, json: binding }, 200);
    await expectAnswer(BIND, { ...A, deviceId: 'dev-1' }, { json: { clientAppId: 'other', scopes: ['device'] } }, 201);
    await expectAnswer(BIND, { ...A, deviceId: 'dev-1' }, { json: { ...binding, scopes: [] } }, 400, 'invalid_scopes');
    await expectAnswer(BIND, { ...A, deviceId: 'dev-1' }, { apiKey: null, json: binding }, 401, 'missing_api_key');
    await expectAnswer(BIND, { ...A, deviceId: 'dev-1' }, { apiKey: otherOrgKey, json: binding }, 403, 'forbidden');
    await expectAnswer(BIND, { ...NOPE, deviceId: 'dev-1' }, { json: binding }, 404, 'env_not_found');
    await expectAnswer(BIND, { ...A, deviceId: 'dev-1' }, HUGE, 413, 'payload_too_large');
    await expectAnswer(BIND, { ...A, deviceId: 'dev-1' }, TEXT, 415, 'unsupported_media_type');

    const BINDINGS = 'GET /api/internal/org/{orgId}/env/{envId}/device/{deviceId}/app';
    await expectAnswer(BINDINGS, { ...A, deviceId: 'dev-1' }, { apiKey: orgKey }, 200);
    await expectAnswer(BINDINGS, { ...A, deviceId: 'bad#id' }, {}, 400, 'invalid_identifier');
    await expectAnswer(BINDINGS, { ...A, deviceId: 'dev-1' }, { apiKey: null }, 401, 'missing_api_key');
    await expectAnswer(BINDINGS, { ...A, deviceId: 'dev-1' }, { apiKey: otherOrgKey }, 403, 'forbidden');
    await expectAnswer(BINDINGS, { ...A, deviceId: 'nobody' }, {}, 404, 'device_not_found');

    const UNBIND = 'DELETE /api/internal/org/{orgId}/env/{envId}/device/{deviceId}/app/{clientAppId}';
    const other = { ...A, deviceId: 'dev-1', clientAppId: 'other' };
    await expectAnswer(UNBIND, other, { apiKey: orgKey }, 204);
    await expectAnswer(UNBIND, { ...other, clientAppId: 'bad#id' }, {}, 400, 'invalid_identifier');
    await expectAnswer(UNBIND, other, { apiKey: null }, 401, 'missing_api_key');
    await expectAnswer(UNBIND, other, { apiKey: otherOrgKey }, 403, 'forbidden');
    await expectAnswer(UNBIND, other, {}, 404, 'binding_not_found');

    const REMOVE = 'DELETE /api/internal/org/{orgId}/env/{envId}/device/{deviceId}';
    await expectAnswer(REMOVE, { ...A, deviceId: 'dev-gone' }, { apiKey: orgKey }, 204);
    await expectAnswer(REMOVE, { ...A, deviceId: 'bad#id' }, {}, 400, 'invalid_identifier');
    await expectAnswer(REMOVE, { ...A, deviceId: 'dev-1' }, { apiKey: null }, 401, 'missing_api_key');
    await expectAnswer(REMOVE, { ...A, deviceId: 'dev-1' }, { apiKey: otherOrgKey }, 403, 'forbidden');
    await expectAnswer(REMOVE, { ...A, deviceId: 'dev-gone' }, {}, 404, 'device_not_found');
  });

  it('pool signing keys', async () => {
    const LIST = 'GET /api/internal/{clientPoolId}/signing-keys';
    const pool = { clientPoolId: otherEnv.clientPoolId };
    await expectAnswer(LIST, pool, {}, 200);
    await expectAnswer(LIST, pool, { apiKey: null }, 401, 'missing_api_key');
    await expectAnswer(LIST, pool, { apiKey: otherOrgKey }, 403, 'forbidden');
    await expectAnswer(LIST, NO_POOL, {}, 404, 'pool_not_found');

    const ROTATE = 'POST /api/internal/{clientPoolId}/signing-keys/rotate';
    await expectAnswer(ROTATE, pool, {}, 202);
    await expectAnswer(ROTATE, pool, {}, 409, 'rotation_in_progress');
    await expectAnswer(ROTATE, pool, { apiKey: null }, 401, 'missing_api_key');
    await expectAnswer(ROTATE, pool, { apiKey: otherOrgKey }, 403, 'forbidden');
    await expectAnswer(ROTATE, NO_POOL, {}, 404, 'pool_not_found');
  });

  it('roots', async () => {
    const pool = { clientPoolId: env.clientPoolId };
    const UPLOAD = 'POST /api/internal/{clientPoolId}/certificates';
    const rootForm = (pem: string) => ({ body: form([['certificate', pem, 'root-ca.crt']]) });
    const spare = await makeOrganisationPki('Spare');
    await expectAnswer(UPLOAD, pool, rootForm(pki.root.pem), 201);
    await expectAnswer(UPLOAD, pool, rootForm(pki.root.pem), 200);
    await expectAnswer(UPLOAD, pool, rootForm(spare.root.pem), 201);
    await expectAnswer(UPLOAD, pool, rootForm('hello'), 400, 'pem_required');
    await expectAnswer(UPLOAD, pool, { ...rootForm(pki.root.pem), apiKey: null }, 401, 'missing_api_key');
    await expectAnswer(UPLOAD, pool, { ...rootForm(pki.root.pem), apiKey: orgKey }, 403, 'forbidden');
    await expectAnswer(UPLOAD, NO_POOL, rootForm(pki.root.pem), 404, 'pool_not_found');
    await expectAnswer(UPLOAD, pool, rootForm('x'.repeat(65 * 1024)), 413, 'file_too_large');

    const LIST = 'GET /api/internal/{clientPoolId}/certificates';
    await expectAnswer(LIST, pool, {}, 200);
    await expectAnswer(LIST, pool, { apiKey: null }, 401, 'missing_api_key');
    await expectAnswer(LIST, pool, { apiKey: orgKey }, 403, 'forbidden');
    await expectAnswer(LIST, NO_POOL, {}, 404, 'pool_not_found');

    const REMOVE = 'DELETE /api/internal/{clientPoolId}/certificates/{fingerprint}';
    const spareRoot = { ...pool, fingerprint: sha256Hex(spare.root.der) };
    await expectAnswer(REMOVE, spareRoot, {}, 204);
    await expectAnswer(REMOVE, { ...pool, fingerprint: 'xyz' }, {}, 400, 'invalid_fingerprint');
    await expectAnswer(REMOVE, spareRoot, { apiKey: null }, 401, 'missing_api_key');
    await expectAnswer(REMOVE, spareRoot, { apiKey: orgKey }, 403, 'forbidden');
    await expectAnswer(REMOVE, spareRoot, {}, 404, 'certificate_not_found');
  });

  it('revocations', async () => {
    const pool = { clientPoolId: env.clientPoolId };
    const REVOKE = 'POST /api/internal/{clientPoolId}/revocations';
    const victim = await issueDevice(pki.root, pki.intermediate, { deviceId: 'dev-lost' });
    const byPem = { json: { certificate: victim.device.pem, reason: 'keyCompromise' } };
    await expectAnswer(REVOKE, pool, byPem, 201);
    await expectAnswer(REVOKE, pool, byPem, 200);
    await expectAnswer(REVOKE, pool, { json: {} }, 400, 'fingerprint_or_certificate_required');
    await expectAnswer(REVOKE, pool, { ...byPem, apiKey: null }, 401, 'missing_api_key');
    await expectAnswer(REVOKE, pool, { ...byPem, apiKey: orgKey }, 403, 'forbidden');
    await expectAnswer(REVOKE, NO_POOL, byPem, 404, 'pool_not_found');
    await expectAnswer(REVOKE, pool, { json: { certificate: 'x'.repeat(65 * 1024) } }, 413, 'payload_too_large');
    await expectAnswer(REVOKE, pool, TEXT, 415, 'unsupported_media_type');

    const LIST = 'GET /api/internal/{clientPoolId}/revocations';
    await expectAnswer(LIST, pool, {}, 200);
    await expectAnswer(LIST, pool, { apiKey: null }, 401, 'missing_api_key');
    await expectAnswer(LIST, pool, { apiKey: orgKey }, 403, 'forbidden');
    await expectAnswer(LIST, NO_POOL, {}, 404, 'pool_not_found');

    const LIFT = 'DELETE /api/internal/{clientPoolId}/revocations/{id}';
    const revoked = { ...pool, id: sha256Hex(victim.device.der) };
    await expectAnswer(LIFT, revoked, {}, 204);
    await expectAnswer(LIFT, { ...pool, id: 'xyz' }, {}, 400, 'invalid_revocation_id');
    await expectAnswer(LIFT, revoked, { apiKey: null }, 401, 'missing_api_key');
    await expectAnswer(LIFT, revoked, { apiKey: orgKey }, 403, 'forbidden');
    await expectAnswer(LIFT, revoked, {}, 404, 'revocation_not_found');
  });

  it('CRLs', async () => {
    const pool = { clientPoolId: env.clientPoolId };
    const UPLOAD = 'POST /api/internal/{clientPoolId}/crls';
    const crl = opensslCa(workDir, pki.root.pem, await privateKeyPem(pki.root.keys.privateKey)).gencrl();
    const crlForm = () => ({ body: form([['crl', crl, 'crl.pem']]) });
    const imported = (await expectAnswer(UPLOAD, pool, crlForm(), 201)).body as { id: string };
    await expectAnswer(UPLOAD, pool, { json: { crl: 'x' } }, 400, 'multipart_required');
    await expectAnswer(UPLOAD, pool, { ...crlForm(), apiKey: null }, 401, 'missing_api_key');
    await expectAnswer(UPLOAD, pool, { ...crlForm(), apiKey: orgKey }, 403, 'forbidden');
    await expectAnswer(UPLOAD, NO_POOL, crlForm(), 404, 'pool_not_found');
    await expectAnswer(
      UPLOAD,
      pool,
      {
        body: form([
          ['crl', crl, 'crl.pem'],
          ['issuer', 'x'.repeat(65 * 1024), 'issuer.crt'],
        ]),
      },
      413,
      'file_too_large',
    );

    const LIST = 'GET /api/internal/{clientPoolId}/crls';
    await expectAnswer(LIST, pool, {}, 200);
    await expectAnswer(LIST, pool, { apiKey: null }, 401, 'missing_api_key');
    await expectAnswer(LIST, pool, { apiKey: orgKey }, 403, 'forbidden');
    await expectAnswer(LIST, NO_POOL, {}, 404, 'pool_not_found');

    const REMOVE = 'DELETE /api/internal/{clientPoolId}/crls/{id}';
    await expectAnswer(REMOVE, { ...pool, id: imported.id }, {}, 204);
    await expectAnswer(REMOVE, { ...pool, id: 'xyz' }, {}, 400, 'invalid_crl_id');
    await expectAnswer(REMOVE, { ...pool, id: imported.id }, { apiKey: null }, 401, 'missing_api_key');
    await expectAnswer(REMOVE, { ...pool, id: imported.id }, { apiKey: orgKey }, 403, 'forbidden');
    await expectAnswer(REMOVE, { ...pool, id: imported.id }, {}, 404, 'crl_not_found');
  });

  it('token endpoint, discovery and health', async () => {
    const pool = { clientPoolId: env.clientPoolId };
    const TOKEN = 'POST /pools/{clientPoolId}/oauth2/token';
    await expectAnswer(TOKEN, pool, tokenForm(tokenRequestBody((await deviceAssertion(device, env)).jwt)), 200);
    await expectAnswer(TOKEN, pool, tokenForm(new URLSearchParams({ grant_type: 'password', username: 'u', password: 'p' })), 400, 'unsupported_grant_type');
    const unbound = await issueDevice(pki.root, pki.intermediate, { deviceId: 'dev-unbound' });
    const clientAuthentication = await deviceAssertion(unbound, env, { iss: unbound.deviceId });
    await expectAnswer(TOKEN, pool, tokenForm(tokenRequestBody(clientAuthentication.jwt, { form: 'client-credentials' })), 401, 'invalid_client');
    await expectAnswer(TOKEN, NO_POOL, tokenForm(tokenRequestBody((await deviceAssertion(device, env)).jwt)), 404, 'invalid_request');

    for (const route of [
      'GET /pools/{clientPoolId}/.well-known/jwks.json',
      'GET /pools/{clientPoolId}/.well-known/openid-configuration',
      'GET /.well-known/oauth-authorization-server/pools/{clientPoolId}',
    ] as const) {
      await expectAnswer(route, pool, { apiKey: null }, 200);
      await expectAnswer(route, NO_POOL, { apiKey: null }, 404, 'invalid_request');
    }
    await expectAnswer('GET /health', {}, { apiKey: null }, 200);
  });

  it('every route but the description answers 503 while DynamoDB is down', async () => {
    const A = { orgId: 'org-a', envId: 'prod' };
    const pool = { clientPoolId: env.clientPoolId };
    const dev = { ...A, deviceId: 'dev-1' };
    const assertion = (await deviceAssertion(device, env)).jwt;
    await dynamo!.stop();
    dynamo = undefined;
    const cases: Array<[RouteKey, Params, () => CallInit]> = [
      ['POST /api/internal/org', {}, () => ({ json: { id: 'org-late', name: 'L' } })],
      ['POST /api/internal/org/{orgId}/env', { orgId: 'org-a' }, () => ({ json: { id: 'late', name: 'L' } })],
      ['GET /api/internal/org/{orgId}/env/{envId}', A, () => ({})],
      ['PATCH /api/internal/org/{orgId}/env/{envId}', A, () => ({ json: { name: 'L' } })],
      ['POST /api/internal/org/{orgId}/api-keys', { orgId: 'org-a' }, () => ({})],
      ['GET /api/internal/org/{orgId}/api-keys', { orgId: 'org-a' }, () => ({})],
      ['DELETE /api/internal/org/{orgId}/api-keys/{keyId}', { orgId: 'org-a', keyId: 'k0000000000000000' }, () => ({})],
      ['POST /api/internal/org/{orgId}/env/{envId}/device', A, () => ({ json: { id: 'dev-late' } })],
      ['GET /api/internal/org/{orgId}/env/{envId}/device', A, () => ({})],
      ['GET /api/internal/org/{orgId}/env/{envId}/device/{deviceId}', dev, () => ({})],
      ['PATCH /api/internal/org/{orgId}/env/{envId}/device/{deviceId}', dev, () => ({ json: { name: 'L' } })],
      ['DELETE /api/internal/org/{orgId}/env/{envId}/device/{deviceId}', dev, () => ({})],
      ['GET /api/internal/org/{orgId}/env/{envId}/device/{deviceId}/app', dev, () => ({})],
      ['POST /api/internal/org/{orgId}/env/{envId}/device/{deviceId}/app', dev, () => ({ json: { clientAppId: 'client', scopes: ['device'] } })],
      ['DELETE /api/internal/org/{orgId}/env/{envId}/device/{deviceId}/app/{clientAppId}', { ...dev, clientAppId: 'client' }, () => ({})],
      ['GET /api/internal/{clientPoolId}/signing-keys', pool, () => ({})],
      ['POST /api/internal/{clientPoolId}/signing-keys/rotate', pool, () => ({})],
      ['POST /api/internal/{clientPoolId}/certificates', pool, () => ({ body: form([['certificate', pki.root.pem, 'root-ca.crt']]) })],
      ['GET /api/internal/{clientPoolId}/certificates', pool, () => ({})],
      ['DELETE /api/internal/{clientPoolId}/certificates/{fingerprint}', { ...pool, fingerprint: ZEROS }, () => ({})],
      ['POST /api/internal/{clientPoolId}/revocations', pool, () => ({ json: { fingerprint: ZEROS } })],
      ['GET /api/internal/{clientPoolId}/revocations', pool, () => ({})],
      ['DELETE /api/internal/{clientPoolId}/revocations/{id}', { ...pool, id: ZEROS }, () => ({})],
      ['POST /api/internal/{clientPoolId}/crls', pool, () => ({ body: form([['crl', 'not parsed before the pool is read', 'crl.pem']]) })],
      ['GET /api/internal/{clientPoolId}/crls', pool, () => ({})],
      ['DELETE /api/internal/{clientPoolId}/crls/{id}', { ...pool, id: ZEROS }, () => ({})],
      ['POST /pools/{clientPoolId}/oauth2/token', pool, () => tokenForm(tokenRequestBody(assertion))],
      ['GET /pools/{clientPoolId}/.well-known/jwks.json', pool, () => ({ apiKey: null })],
      ['GET /pools/{clientPoolId}/.well-known/openid-configuration', pool, () => ({ apiKey: null })],
      ['GET /.well-known/oauth-authorization-server/pools/{clientPoolId}', pool, () => ({ apiKey: null })],
      ['GET /health', {}, () => ({ apiKey: null })],
    ];
    const answers = await Promise.all(cases.map(([route, params, init]) => call(route, params, init()).then((answer) => [route, answer.status])));
    expect(answers).toEqual(cases.map(([route]) => [route, 503]));
  });

  it('produced every (route, status) the description documents', () => {
    expect(recorder.notProduced()).toEqual([]);
    expect(recorder.documentedPairs().length).toBeGreaterThan(150);
  });
});
