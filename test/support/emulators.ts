import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { createTable } from '../../local/emulators/create-table';
import { localDynamoDbClientConfig } from '../../local/emulators/dynamodb-local';
import { ensureBucket, localS3ClientConfig } from '../../local/emulators/s3-local';
import { DynamoDbDocumentClient } from '../../src/aws-json/dynamodb-document-client';
import type { DocumentClient } from '../../src/storage/document-client';

/*
 * Helpers for integration/e2e tests. The emulators are started once per run by
 * global-setup.ts; every test file gets its own table and bucket, so files stay
 * independent of each other and of the order they run in.
 */

function endpoint(variable: 'TEST_DYNAMODB_ENDPOINT' | 'TEST_S3_ENDPOINT'): string {
  const value = process.env[variable];
  if (!value) {
    throw new Error(
      `${variable} is not set: test/support/global-setup.ts starts the emulators only when an ` +
        'integration or e2e test is selected (TEST_EMULATORS=always forces them).',
    );
  }
  return value;
}

/**
 * A table or bucket name that says which test file made it (`device-idp`
 * outside jest, e.g. in `npm run bench`), unique per call: lowercase letters,
 * digits and hyphens, at most `maxLength` characters (S3 bucket names: 63).
 */
export function uniqueName(maxLength: number): string {
  const testPath = (globalThis as { expect?: typeof expect }).expect?.getState().testPath;
  const file = testPath ? basename(testPath).replace(/\.test\.[cm]?[jt]sx?$/, '') : 'device-idp';
  const slug = file
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${slug.slice(0, maxLength - 9) || 'test'}-${randomUUID().slice(0, 8)}`;
}

// Rebuilt when the endpoint changes: a file may point TEST_DYNAMODB_ENDPOINT at emulators of its own (test-idp.ts).
let dynamoClient: { endpoint: string; client: DynamoDBClient; document: DynamoDBDocument; table: DocumentClient } | undefined;
let s3Client: { endpoint: string; client: S3Client } | undefined;

function dynamoClients(): NonNullable<typeof dynamoClient> {
  const current = endpoint('TEST_DYNAMODB_ENDPOINT');
  if (dynamoClient?.endpoint !== current) {
    dynamoClient?.client.destroy();
    const config = localDynamoDbClientConfig(current);
    const client = new DynamoDBClient(config);
    // Same marshalling options as the functions' client (MARSHALL_OPTIONS, src/aws-json/dynamodb-document-client.ts).
    const document = DynamoDBDocument.from(client, { marshallOptions: { removeUndefinedValues: true } });
    const { region, credentials } = config;
    // The previous one has no destroy(): Node's agent unrefs its idle keep-alive sockets, which close with their emulator.
    const table = new DynamoDbDocumentClient({ endpoint: new URL(current), region: region as string, credentials });
    dynamoClient = { endpoint: current, client, document, table };
  }
  return dynamoClient;
}

export function testDynamoClient(): DynamoDBClient {
  return dynamoClients().client;
}

/**
 * The SDK's aggregated document client, with the same marshalling options as
 * the functions' client: tests seed the table and read it back through its
 * `send`, a check independent of the client the adapters are given
 * ({@link testTableClient}).
 */
export function testDocumentClient(): DynamoDBDocument {
  return dynamoClients().document;
}

/**
 * The storage adapters' port as the functions implement it
 * (src/aws-json/dynamodb-document-client.ts, what src/aws-clients.ts builds),
 * on TEST_DYNAMODB_ENDPOINT with the local region and credentials
 * (local/emulators/dynamodb-local.ts): hand it to the adapters under test.
 * Seed and read back through {@link testDocumentClient}, the SDK's own
 * client, so a marshalling fault of this one cannot hide itself.
 */
export function testTableClient(): DocumentClient {
  return dynamoClients().table;
}

/** A fresh table built from TABLE_SCHEMA (TTL enabled); returns its name. */
export async function createTestTable(): Promise<string> {
  const tableName = uniqueName(255);
  await createTable(testDynamoClient(), tableName);
  return tableName;
}

/** A fresh configuration table and its runtime table (src/storage/keys.ts), named as the local runtime names them. */
export async function createTestTables(): Promise<{ config: string; runtime: string }> {
  const config = uniqueName(240);
  const runtime = `${config}-runtime`;
  await Promise.all([createTable(testDynamoClient(), config), createTable(testDynamoClient(), runtime)]);
  return { config, runtime };
}

export function testS3Client(): S3Client {
  const current = endpoint('TEST_S3_ENDPOINT');
  if (s3Client?.endpoint !== current) {
    s3Client?.client.destroy();
    s3Client = { endpoint: current, client: new S3Client(localS3ClientConfig(current)) };
  }
  return s3Client.client;
}

/** A fresh, empty bucket; returns its name. */
export async function createTestBucket(): Promise<string> {
  const bucketName = uniqueName(63);
  await ensureBucket(testS3Client(), bucketName);
  return bucketName;
}
