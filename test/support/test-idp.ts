import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { localDynamoDbClientConfig } from '../../local/emulators/dynamodb-local';
import { type LocalIdp, type LocalIdpOptions, startLocalIdp } from '../../local/local-idp';
import { queryPoolPrefix } from '../../src/storage/table-operations';
import { uniqueName } from './emulators';
import { idpEmulators } from './idp-emulators';
import { startIdpProcess } from './test-idp-process';

export interface TestIdp extends LocalIdp {
  adminApiKey: string;
  tableName: string;
  /** The runtime table (replay cache, provisioning state; src/storage/keys.ts). */
  runtimeTableName: string;
  bucketName: string;
  /** fetch against the local server with the admin key unless `apiKey` is given (null: no key). */
  request(path: string, init?: RequestInit & { apiKey?: string | null; json?: unknown }): Promise<Response>;
  /** Creates an org and an environment; returns the environment response (clientPoolId, issuer, tokenEndpoint, jwksUri). */
  createEnvironment(orgId?: string, envId?: string): Promise<EnvironmentInfo>;
  /** A document client on the IDP's DynamoDB (one attempt per call), to read stored state directly. */
  table: DynamoDBDocument;
  /** Items of one pool partition whose sort key starts with `prefix` (ROOT#, DEVICE#, BINDING#), strongly consistent. */
  poolItems(clientPoolId: string, prefix: string): Promise<Record<string, unknown>[]>;
  /** The process serving HTTP: this one, or the child of `{ process: true }`. */
  serverPid: number;
  /** Stops the IDP and the emulators started for it, and removes its data directory. */
  stop(): Promise<void>;
}

// Deliberate restatement: the admin API's environment answer (docs/contract.md §3) as the tests read it, not taken from scripts/demo/seed-steps.ts.
export interface EnvironmentInfo {
  orgId: string;
  envId: string;
  clientPoolId: string;
  issuer: string;
  tokenEndpoint: string;
  jwksUri: string;
}

export type TestIdpOptions = Pick<
  LocalIdpOptions,
  'signingKeySpec' | 'tokenTtlSeconds' | 'previousAdminApiKey' | 'trustDecisionDeadlineMs' | 'dynamodbEndpoint' | 's3Endpoint'
> & {
  /**
   * Serve from a child process (test-idp-process.ts) instead of this one:
   * for load, where the server must not share a thread with the load
   * generator. The kmsServer hooks then throw.
   */
  process?: boolean;
};

/** Trust changes answer this long (+100 ms) after their commit; the deletion invariants hold for any value. */
const TEST_TRUST_DECISION_DEADLINE_MS = 200;

/**
 * The local IDP (the same code `npm start` runs) over real HTTP on a random
 * port, with a fresh table, runtime table and bucket per call.
 *
 * - DynamoDB and S3, per service: the endpoint given (an emulator or fault
 *   proxy the test controls), else the run's shared emulator
 *   (test/support/global-setup.ts), else one started for this IDP
 *   (idp-emulators.ts; with `process`, the child starts it).
 * - `trustDecisionDeadlineMs`: default 200 ms in this process; in a child
 *   process the deployed default (1000 ms), so load figures are those of the
 *   deployed window.
 *
 * In this process, start at most one at a time per test file: the handlers
 * read their configuration from process.env, which jest keeps per file.
 */
export async function startTestIdp(options: TestIdpOptions = {}): Promise<TestIdp> {
  // package.json supports Node 20; the SDK's Node 22 notice is noise (also outside jest, in `npm run bench`).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { process: inChild = false, ...idpOptions } = options;
  const emulators = await idpEmulators(options, !inChild);
  const tableName = uniqueName(240);
  const settings = {
    ...idpOptions,
    dataDir: mkdtempSync(join(tmpdir(), 'idp-test-data-')),
    adminApiKey: randomBytes(24).toString('base64url'),
    tableName,
    runtimeTableName: `${tableName}-runtime`,
    bucketName: uniqueName(63),
    dynamodbEndpoint: emulators.dynamodbEndpoint,
    s3Endpoint: emulators.s3Endpoint,
    trustDecisionDeadlineMs: options.trustDecisionDeadlineMs ?? (inChild ? undefined : TEST_TRUST_DECISION_DEADLINE_MS),
  };
  const release = async () => {
    await emulators.stop();
    rmSync(settings.dataDir, { recursive: true, force: true });
  };
  try {
    const server = inChild ? await startIdpProcess(settings) : { idp: await startLocalIdp({ port: 0, ...settings }), pid: process.pid };
    return withTestHelpers(server.idp, settings, server.pid, release);
  } catch (error) {
    await release();
    throw error;
  }
}

function withTestHelpers(
  idp: LocalIdp,
  names: Pick<TestIdp, 'adminApiKey' | 'tableName' | 'runtimeTableName' | 'bucketName'>,
  serverPid: number,
  release: () => Promise<void>,
): TestIdp {
  const dynamo = new DynamoDBClient({ ...localDynamoDbClientConfig(idp.endpoints.dynamodb), maxAttempts: 1 });
  const table = DynamoDBDocument.from(dynamo);
  const poolItems: TestIdp['poolItems'] = (clientPoolId, prefix) => queryPoolPrefix(table, names.tableName, clientPoolId, prefix);
  const stop = async () => {
    dynamo.destroy();
    await idp.stop();
    await release();
  };
  return { ...idp, ...names, ...adminClient(idp.baseUrl, names.adminApiKey), table, poolItems, serverPid, stop };
}

/** The admin API over HTTP: `request` with the admin key by default, and org + environment creation. */
export function adminClient(baseUrl: string, adminApiKey: string): Pick<TestIdp, 'request' | 'createEnvironment'> {
  const request: TestIdp['request'] = (path, init = {}) => {
    const { apiKey, json, ...rest } = init;
    const headers = new Headers(rest.headers);
    const key = apiKey === undefined ? adminApiKey : apiKey;
    if (key !== null) headers.set('X-API-Key', key);
    if (json !== undefined) headers.set('Content-Type', 'application/json');
    return fetch(`${baseUrl}${path}`, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
  };

  const createEnvironment: TestIdp['createEnvironment'] = async (orgId = `org-${randomUUID().slice(0, 8)}`, envId = 'prod') => {
    const org = await request('/api/internal/org', { method: 'POST', json: { id: orgId, name: orgId } });
    if (org.status !== 201 && org.status !== 409) throw new Error(`creating org failed: ${org.status} ${await org.text()}`);
    const env = await request(`/api/internal/org/${orgId}/env`, { method: 'POST', json: { id: envId, name: envId } });
    if (env.status !== 201) throw new Error(`creating env failed: ${env.status} ${await env.text()}`);
    return (await env.json()) as EnvironmentInfo;
  };
  return { request, createEnvironment };
}
