import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { ENV, signingKeyAliasPrefix } from '../src/config-names';
import type { FunctionName } from '../src/http/routes';
import { resolveAdminKey, type AdminKey } from './admin-key';
import { createTable } from './emulators/create-table';
import { localDynamoDbClientConfig, startDynamoDbLocal } from './emulators/dynamodb-local';
import { S3RVER_CREDENTIALS, ensureBucket, localS3ClientConfig, startS3Local } from './emulators/s3-local';
import { createLocalApiServer, listen, type LambdaHandler } from './http-server';
import { ensureSigningKey } from './kms/ensure-signing-key';
import { startKmsServer, type KmsServer } from './kms/kms-server';

export const LOCAL_TABLE = 'device-idp';
/** The stack tag of local pool signing keys: their aliases are `alias/device-idp/local/<poolId>/<n>`. */
export const LOCAL_SIGNING_KEY_TAG = 'local';
export const LOCAL_BUCKET = 'device-idp-certificates';

export interface LocalIdpOptions {
  port: number;
  dataDir: string;
  adminApiKey?: string;
  /** Also accepted as the admin key: the one `adminApiKey` replaced (IDP_ADMIN_API_KEY_PREVIOUS). */
  previousAdminApiKey?: string;
  /** Reuse running emulators (tests) instead of starting DynamoDB Local and s3rver. */
  dynamodbEndpoint?: string;
  s3Endpoint?: string;
  tableName?: string;
  /** Default: `${tableName}-runtime`. */
  runtimeTableName?: string;
  bucketName?: string;
  signingKeySpec?: 'ECC_NIST_P256' | 'RSA_2048';
  tokenTtlSeconds?: number;
}

export interface LocalIdp {
  baseUrl: string;
  adminKey: AdminKey;
  dataDir: string;
  endpoints: { dynamodb: string; s3: string; kms: string };
  /**
   * Test hook for dependency-outage tests (SPEC §4.4): stops the local KMS
   * endpoint, and starts it again on the same port with the same data
   * directory, so the signing key survives and the handlers' clients, built
   * once at module load, reach it again unchanged.
   */
  kmsServer: { stop(): Promise<void>; restart(): Promise<void> };
  stop(): Promise<void>;
}

/**
 * The whole IDP on one machine (SPEC §8): DynamoDB Local, the local S3 store
 * and the local KMS endpoint, then the same Lambda handlers behind a local API
 * Gateway stand-in. The handlers build their real AWS SDK clients from the
 * environment set here, exactly as in Lambda.
 */
export async function startLocalIdp(options: LocalIdpOptions): Promise<LocalIdp> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const adminKey = resolveAdminKey(dataDir, options.adminApiKey, options.previousAdminApiKey);
    const dynamodb = options.dynamodbEndpoint ?? (await started(stops, startDynamoDbLocal({ inMemory: false, dbPath: resolve(dataDir, 'dynamodb') })));
    const s3 = options.s3Endpoint ?? (await started(stops, startS3Local({ directory: resolve(dataDir, 's3') })));
    const kmsServer = await restartableKmsServer(stops, dataDir);
    const kms = kmsServer.url;
    const tableName = options.tableName ?? LOCAL_TABLE;
    const runtimeTableName = options.runtimeTableName ?? `${tableName}-runtime`;
    const bucketName = options.bucketName ?? LOCAL_BUCKET;

    const dynamoClient = new DynamoDBClient(localDynamoDbClientConfig(dynamodb));
    const s3Client = new S3Client(localS3ClientConfig(s3));
    const kmsClient = new KMSClient({ endpoint: kms, region: 'us-east-1', credentials: { ...S3RVER_CREDENTIALS } });
    try {
      await Promise.all([createTable(dynamoClient, tableName), createTable(dynamoClient, runtimeTableName)]);
      await ensureBucket(s3Client, bucketName);
      const key = await ensureSigningKey(kmsClient, { keySpec: options.signingKeySpec });

      const server = createLocalApiServer(lazyHandlers());
      const port = await listen(server, options.port);
      stops.push(() => closeServer(server));
      const baseUrl = `http://127.0.0.1:${port}`;
      Object.assign(process.env, {
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: dynamodb,
        AWS_ENDPOINT_URL_S3: s3,
        AWS_ENDPOINT_URL_KMS: kms,
        [ENV.s3ForcePathStyle]: 'true',
        [ENV.tableName]: tableName,
        [ENV.runtimeTableName]: runtimeTableName,
        [ENV.bucketName]: bucketName,
        // The shared key of pools created before per-pool keys (an existing data directory); new pools get their own.
        [ENV.kmsKeyId]: key.keyArn,
        [ENV.signingKeyStackTag]: LOCAL_SIGNING_KEY_TAG,
        [ENV.signingKeySpec]: options.signingKeySpec ?? 'ECC_NIST_P256',
        [ENV.signingKeyAliasPrefix]: signingKeyAliasPrefix(LOCAL_SIGNING_KEY_TAG),
        [ENV.issuerBaseUrl]: baseUrl,
        [ENV.adminKeyPlain]: adminKey.value,
        [ENV.tokenTtlSeconds]: String(options.tokenTtlSeconds ?? 3600),
      });
      if (adminKey.previous) process.env[ENV.adminKeyPreviousPlain] = adminKey.previous;
      else delete process.env[ENV.adminKeyPreviousPlain];
      return { baseUrl, adminKey, dataDir, endpoints: { dynamodb, s3, kms }, kmsServer: kmsServer.control, stop: stopAll };
    } finally {
      dynamoClient.destroy();
      s3Client.destroy();
      kmsClient.destroy();
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function started(stops: Array<() => Promise<void>>, service: Promise<{ stop?: () => Promise<void>; close?: () => Promise<void>; endpoint?: string; url?: string }>) {
  const running = await service;
  stops.push(async () => (running.stop ?? running.close)?.call(running));
  return (running.endpoint ?? running.url) as string;
}

async function restartableKmsServer(stops: Array<() => Promise<void>>, dataDir: string) {
  let server: KmsServer | undefined = await startKmsServer({ port: 0, dataDir });
  const { url, port } = server;
  const stop = async () => {
    const running = server;
    server = undefined;
    await running?.close();
  };
  stops.push(stop);
  const restart = async () => {
    server ??= await startKmsServer({ port, dataDir });
  };
  return { url, control: { stop, restart } };
}

/** Handlers are imported on first use, after the environment above is in place (their module scope reads it). */
function lazyHandlers(): Record<FunctionName, () => LambdaHandler> {
  const cache: Partial<Record<FunctionName, LambdaHandler>> = {};
  const load = (name: FunctionName, importer: () => { handler: unknown }) => () =>
    (cache[name] ??= importer().handler as LambdaHandler);
  return {
    /* eslint-disable @typescript-eslint/no-require-imports */
    admin: load('admin', () => require('../functions/admin/handler')),
    certificates: load('certificates', () => require('../functions/certificates/handler')),
    token: load('token', () => require('../functions/token/handler')),
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolveClose) => {
    server.close(() => resolveClose());
    server.closeAllConnections();
  });
}
