import { rm } from 'node:fs/promises';
import { EMULATORS_GLOBAL, type TestEmulators } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const registry = globalThis as Record<string, unknown>;
  const emulators = registry[EMULATORS_GLOBAL] as TestEmulators | undefined;
  if (!emulators) return;
  delete registry[EMULATORS_GLOBAL];
  // Watch mode runs setup again in this process; stale endpoints must not survive.
  delete process.env.TEST_DYNAMODB_ENDPOINT;
  delete process.env.TEST_S3_ENDPOINT;
  await Promise.all([emulators.dynamoDb?.stop(), emulators.s3?.stop()]);
  if (emulators.s3Directory) await rm(emulators.s3Directory, { recursive: true, force: true });
}
