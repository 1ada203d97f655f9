import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { startLocalIdp, type LocalIdp } from '../../local/local-idp';
import { createTestBucket, createTestTable } from './emulators';

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
}

export interface EnvironmentInfo {
  orgId: string;
  envId: string;
  clientPoolId: string;
  issuer: string;
  tokenEndpoint: string;
  jwksUri: string;
}

/**
 * The local IDP (the same code `npm start` runs) over real HTTP on a random
 * port, reusing the run's DynamoDB Local and s3rver with a fresh table and
 * bucket per test file. Start at most one per test file: the handlers read
 * their configuration from process.env, which jest keeps per file.
 */
export async function startTestIdp(
  options: { signingKeySpec?: 'ECC_NIST_P256' | 'RSA_2048'; tokenTtlSeconds?: number; previousAdminApiKey?: string } = {},
): Promise<TestIdp> {
  const [tableName, bucketName] = await Promise.all([createTestTable(), createTestBucket()]);
  const adminApiKey = randomBytes(24).toString('base64url');
  const idp = await startLocalIdp({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'idp-test-data-')),
    adminApiKey,
    previousAdminApiKey: options.previousAdminApiKey,
    dynamodbEndpoint: process.env.TEST_DYNAMODB_ENDPOINT,
    s3Endpoint: process.env.TEST_S3_ENDPOINT,
    tableName,
    bucketName,
    signingKeySpec: options.signingKeySpec,
    tokenTtlSeconds: options.tokenTtlSeconds,
    // Trust changes answer this long (+100 ms) after their commit; the deletion invariants hold for any value.
    trustDecisionDeadlineMs: 200,
  });

  return { ...idp, adminApiKey, tableName, runtimeTableName: `${tableName}-runtime`, bucketName, ...adminClient(idp.baseUrl, adminApiKey) };
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
