import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { createTable } from '../../local/emulators/create-table';
import { localDynamoDbClientConfig } from '../../local/emulators/dynamodb-local';
import { ensureBucket, localS3ClientConfig } from '../../local/emulators/s3-local';

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
let dynamoClient: { endpoint: string; client: DynamoDBClient; document: DynamoDBDocument } | undefined;
let s3Client: { endpoint: string; client: S3Client } | undefined;

function dynamoClients(): NonNullable<typeof dynamoClient> {
  const current = endpoint('TEST_DYNAMODB_ENDPOINT');
  if (dynamoClient?.endpoint !== current) {
    dynamoClient?.client.destroy();
    const client = new DynamoDBClient(localDynamoDbClientConfig(current));
    // Same marshalling options as the application's document client (src/aws-clients.ts).
    const document = DynamoDBDocument.from(client, { marshallOptions: { removeUndefinedValues: true } });
    dynamoClient = { endpoint: current, client, document };
  }
  return dynamoClient;
}

export function testDynamoClient(): DynamoDBClient {
  return dynamoClients().client;
}

/**
 * The SDK's aggregated document client, with the same marshalling options as
 * the application's (src/aws-clients.ts): it has the methods of the storage
 * adapters' port (src/storage/document-client.ts), so tests check the
 * adapters against the SDK, and `send` for seeding and reading back.
 */
export function testDocumentClient(): DynamoDBDocument {
  return dynamoClients().document;
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
