import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { localDynamoDbClientConfig } from '../../../local/emulators/dynamodb-local';
import { queryPoolPrefix } from '../../../src/storage/table-operations';
import { type LocalIdp, type LocalIdpOptions, startLocalIdp } from '../../../local/local-idp';
import { type EnvironmentInfo, type TestIdp, adminClient } from '../../support/test-idp';

/**
 * The local IDP exactly as `npm start` builds it (startLocalIdp), wrapped in
 * the TestIdp shape so test/support/device-fleet helpers drive it. Unlike
 * test/support/test-idp it does not depend on the emulators of jest's global
 * setup (which only starts them for integration/e2e runs): without endpoints,
 * startLocalIdp runs its own DynamoDB Local and s3rver; fault tests pass the
 * endpoints of emulators they stop and restart themselves.
 */
export interface HarnessIdp extends TestIdp {
  /** A document client on the IDP's DynamoDB, to inspect stored state directly. */
  table: DynamoDBDocumentClient;
  /** Items of one pool partition whose sort key starts with `prefix` (ROOT#, DEVICE#, BINDING#). */
  poolItems(clientPoolId: string, prefix: string): Promise<Record<string, unknown>[]>;
  /** The process serving HTTP: this one, or the child of startHarnessIdpProcess. */
  serverPid: number;
  /** Stops the IDP (and the emulators it started) and removes its data directory. */
  stop(): Promise<void>;
}

export type HarnessOptions = Pick<LocalIdpOptions, 'dynamodbEndpoint' | 's3Endpoint' | 'signingKeySpec' | 'tokenTtlSeconds'>;

interface Naming {
  dataDir: string;
  adminApiKey: string;
  tableName: string;
  bucketName: string;
}

function freshNaming(): Naming {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const suffix = randomUUID().slice(0, 8);
  return {
    dataDir: mkdtempSync(join(tmpdir(), 'idp-harness-')),
    adminApiKey: randomBytes(24).toString('base64url'),
    tableName: `device-idp-${suffix}`,
    bucketName: `device-idp-certificates-${suffix}`,
  };
}

/** In this process: the fault tests need the LocalIdp hooks (kmsServer) and the emulators they control. */
export async function startHarnessIdp(options: HarnessOptions = {}): Promise<HarnessIdp> {
  const naming = freshNaming();
  let idp: LocalIdp;
  try {
    idp = await startLocalIdp({ port: 0, trustDecisionDeadlineMs: 200, ...naming, ...options });
  } catch (error) {
    rmSync(naming.dataDir, { recursive: true, force: true });
    throw error;
  }
  return wrap(idp, naming, process.pid, () => idp.stop());
}

/**
 * In a child process (test/load/support/serve-local-idp.ts, run by tsx), so
 * the server neither shares a thread with the load generator nor runs inside
 * jest's module sandbox (which makes certificate parsing about twice as
 * slow). Without endpoints it starts its own DynamoDB Local and s3rver; the
 * KMS hooks are not reachable from here.
 */
export async function startHarnessIdpProcess(options: HarnessOptions = {}): Promise<HarnessIdp> {
  const naming = freshNaming();
  const repoRoot = resolve(__dirname, '../../..');
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'serve-local-idp.ts')], {
    cwd: repoRoot,
    env: { ...process.env, IDP_LOG_LEVEL: 'silent', IDP_SERVE_CONFIG: JSON.stringify({ ...naming, ...options }) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const stopChild = () => stopProcess(child).finally(() => rmSync(naming.dataDir, { recursive: true, force: true }));
  try {
    const ready = await firstLine(child, 60_000);
    const { baseUrl, endpoints } = JSON.parse(ready) as Pick<LocalIdp, 'baseUrl' | 'endpoints'>;
    const unavailable = async () => {
      throw new Error('the KMS test hook is not reachable in a child-process IDP; use startHarnessIdp');
    };
    const remote: LocalIdp = {
      baseUrl,
      endpoints,
      dataDir: naming.dataDir,
      adminKey: { value: naming.adminApiKey, source: 'environment' },
      kmsServer: {
        stop: unavailable,
        restart: unavailable,
        injectFault: () => {
          throw new Error('the KMS test hook is not reachable in a child-process IDP; use startHarnessIdp');
        },
        clearFaults: () => undefined,
      },
      stop: stopChild,
    };
    return wrap(remote, naming, child.pid ?? -1, stopChild);
  } catch (error) {
    await stopChild();
    throw new Error(`local IDP process did not start: ${(error as Error).message}\n${stderr}`);
  }
}

function wrap(idp: LocalIdp, naming: Naming, serverPid: number, stopIdp: () => Promise<void>): HarnessIdp {
  const { adminApiKey, tableName, bucketName, dataDir } = naming;
  const dynamo = new DynamoDBClient({ ...localDynamoDbClientConfig(idp.endpoints.dynamodb), maxAttempts: 1 });
  const table = DynamoDBDocumentClient.from(dynamo);

  const { request, createEnvironment } = adminClient(idp.baseUrl, adminApiKey);

  const poolItems: HarnessIdp['poolItems'] = (clientPoolId, prefix) => queryPoolPrefix(table, tableName, clientPoolId, prefix);

  const stop = async () => {
    dynamo.destroy();
    await stopIdp();
    rmSync(dataDir, { recursive: true, force: true });
  };

  return { ...idp, adminApiKey, tableName, runtimeTableName: `${tableName}-runtime`, bucketName, serverPid, request, createEnvironment, table, poolItems, stop };
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolveLine, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const fail = (reason: string) => {
      clearTimeout(timer);
      lines.close();
      reject(new Error(reason));
    };
    child.once('exit', (code, signal) => fail(`exited with ${code ?? signal}`));
    lines.once('line', (line) => {
      clearTimeout(timer);
      lines.close();
      resolveLine(line);
    });
  });
}

/** SIGTERM (the server stops its emulators), SIGKILL after 10 s. */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Fetches the pool's JWKS over HTTP once and returns a verifier for its access
 * tokens (RFC 9068: typ at+jwt, iss and aud the pool's issuer by default).
 */
export async function accessTokenVerifier(env: EnvironmentInfo): Promise<(token: string) => Promise<JWTPayload>> {
  const response = await fetch(env.jwksUri);
  if (response.status !== 200) throw new Error(`JWKS: HTTP ${response.status} ${await response.text()}`);
  const keySet = createLocalJWKSet((await response.json()) as JSONWebKeySet);
  return async (token) => (await jwtVerify(token, keySet, { issuer: env.issuer, audience: env.issuer, typ: 'at+jwt' })).payload;
}
