import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal } from '../../local/emulators/dynamodb-local';
import { startS3Local } from '../../local/emulators/s3-local';

/** Where a test IDP's DynamoDB and S3 live; an endpoint left undefined is started by startLocalIdp itself. */
export interface IdpEmulators {
  dynamodbEndpoint?: string;
  s3Endpoint?: string;
  /** Stops the emulators started here (none when every endpoint was given or shared) and restores TEST_* variables. */
  stop(): Promise<void>;
}

/**
 * The endpoints a test IDP uses, per service: the one the test passes (an
 * emulator or fault proxy it controls), else the run's shared emulator
 * (TEST_DYNAMODB_ENDPOINT / TEST_S3_ENDPOINT, set by global-setup.ts, which
 * starts them only when an integration, e2e or hostile test is selected),
 * else, with `startMissing`, an in-memory DynamoDB Local or an s3rver of
 * its own (about 3 s), whose endpoint goes into TEST_* until `stop` so
 * test/support/emulators.ts reads the same store as the IDP.
 */
export async function idpEmulators(given: { dynamodbEndpoint?: string; s3Endpoint?: string }, startMissing: boolean): Promise<IdpEmulators> {
  let dynamodbEndpoint = given.dynamodbEndpoint ?? process.env.TEST_DYNAMODB_ENDPOINT;
  let s3Endpoint = given.s3Endpoint ?? process.env.TEST_S3_ENDPOINT;
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) await step().catch(() => undefined);
  };
  if (!startMissing) return { dynamodbEndpoint, s3Endpoint, stop };
  const directory = s3Endpoint ? undefined : mkdtempSync(join(tmpdir(), 'idp-test-s3-'));
  if (directory) stops.push(async () => rmSync(directory, { recursive: true, force: true }));
  // Both at once, as global-setup.ts does: the JVM start dominates.
  const [dynamoDb, s3] = await Promise.allSettled([
    dynamodbEndpoint ? undefined : startDynamoDbLocal({ inMemory: true }),
    directory ? startS3Local({ directory }) : undefined,
  ]);
  for (const started of [dynamoDb, s3]) {
    const service = started.status === 'fulfilled' ? started.value : undefined;
    if (service) stops.push(() => service.stop());
  }
  if (dynamoDb.status === 'rejected' || s3.status === 'rejected') {
    await stop();
    throw dynamoDb.status === 'rejected' ? dynamoDb.reason : (s3 as PromiseRejectedResult).reason;
  }
  if (dynamoDb.value) dynamodbEndpoint = ownEndpoint(stops, 'TEST_DYNAMODB_ENDPOINT', dynamoDb.value.endpoint);
  if (s3.value) s3Endpoint = ownEndpoint(stops, 'TEST_S3_ENDPOINT', s3.value.endpoint);
  return { dynamodbEndpoint, s3Endpoint, stop };
}

function ownEndpoint(stops: Array<() => Promise<void>>, variable: 'TEST_DYNAMODB_ENDPOINT' | 'TEST_S3_ENDPOINT', endpoint: string): string {
  process.env[variable] = endpoint;
  stops.push(async () => {
    if (process.env[variable] === endpoint) delete process.env[variable];
  });
  return endpoint;
}
