import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal } from '../../../local/emulators/dynamodb-local';
import { startS3Local } from '../../../local/emulators/s3-local';
import { startTestIdp, type TestIdp } from '../../support/test-idp';

/**
 * startTestIdp() for the hostile suites. test/support/global-setup.ts starts
 * the shared emulators only when an integration or e2e test is selected, so
 * `jest test/hostile` alone would find no TEST_DYNAMODB_ENDPOINT. In that
 * case this file starts its own DynamoDB Local and s3rver (about 3 s) and
 * stops them with the IDP; with the shared emulators it adds nothing.
 */
export async function startHostileIdp(options: Parameters<typeof startTestIdp>[0] = {}): Promise<TestIdp> {
  const own: Array<() => Promise<void>> = [];
  if (!process.env.TEST_DYNAMODB_ENDPOINT || !process.env.TEST_S3_ENDPOINT) {
    const s3Directory = mkdtempSync(join(tmpdir(), 'idp-hostile-s3-'));
    const [dynamoDb, s3] = await Promise.all([startDynamoDbLocal({ inMemory: true }), startS3Local({ directory: s3Directory })]);
    own.push(() => dynamoDb.stop(), () => s3.stop(), async () => rmSync(s3Directory, { recursive: true, force: true }));
    process.env.TEST_DYNAMODB_ENDPOINT = dynamoDb.endpoint;
    process.env.TEST_S3_ENDPOINT = s3.endpoint;
  }
  const idp = await startTestIdp(options);
  return {
    ...idp,
    stop: async () => {
      await idp.stop();
      for (const stop of own) await stop().catch(() => undefined);
    },
  };
}
