import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import type { GlobalConfig, ProjectConfig } from 'jest';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/emulators/dynamodb-local';
import { type S3Local, startS3Local } from '../../local/emulators/s3-local';

/** Handles shared with global-teardown.ts, which runs in this same (parent) process. */
export interface TestEmulators {
  dynamoDb?: DynamoDbLocal;
  s3?: S3Local;
  s3Directory?: string;
}
export const EMULATORS_GLOBAL = '__idpTestEmulators';

/** Only these test kinds talk to the emulators; unit and infra runs skip the ~3 s JVM start. */
const EMULATOR_TEST_DIRS = [`${sep}integration${sep}`, `${sep}e2e${sep}`, `${sep}hostile${sep}`];
const TEST_FILE = /\.test\.[cm]?[jt]sx?$/;

function testFilesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) return [];
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return testFilesUnder(path);
    return TEST_FILE.test(entry.name) ? [path] : [];
  });
}

function selectsEmulatorTests(globalConfig: GlobalConfig, projectConfig: ProjectConfig): boolean {
  const mode = process.env.TEST_EMULATORS ?? 'auto';
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  // Change-based selection is only known to jest's haste map; assume the worst.
  if (globalConfig.findRelatedTests || globalConfig.onlyChanged || globalConfig.changedSince || globalConfig.lastCommit) {
    return true;
  }
  const matches = globalConfig.testPathPatterns.toExecutor({ rootDir: globalConfig.rootDir });
  const ignored = projectConfig.testPathIgnorePatterns.map((pattern) => new RegExp(pattern));
  return projectConfig.roots
    .flatMap(testFilesUnder)
    .filter((file) => EMULATOR_TEST_DIRS.some((dir) => file.includes(dir)))
    .filter((file) => !ignored.some((pattern) => pattern.test(file)))
    .some((file) => !matches.isSet() || matches.isMatch(file));
}

async function startEmulators(): Promise<TestEmulators> {
  const s3Directory = mkdtempSync(join(tmpdir(), 'idp-test-s3-'));
  const [dynamoDb, s3] = await Promise.allSettled([startDynamoDbLocal({ inMemory: true }), startS3Local({ directory: s3Directory })]);
  if (dynamoDb.status === 'rejected' || s3.status === 'rejected') {
    await Promise.all([dynamoDb, s3].map((started) => (started.status === 'fulfilled' ? started.value.stop() : undefined)));
    throw dynamoDb.status === 'rejected' ? dynamoDb.reason : (s3 as PromiseRejectedResult).reason;
  }
  return { dynamoDb: dynamoDb.value, s3: s3.value, s3Directory };
}

export default async function globalSetup(globalConfig: GlobalConfig, projectConfig: ProjectConfig): Promise<void> {
  // package.json supports Node 20; the SDK's once-per-module-registry Node 22 notice is noise in every test file.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (!selectsEmulatorTests(globalConfig, projectConfig)) return;
  const emulators = await startEmulators();
  (globalThis as Record<string, unknown>)[EMULATORS_GLOBAL] = emulators;
  // Set before jest creates test environments/workers, which copy process.env.
  process.env.TEST_DYNAMODB_ENDPOINT = emulators.dynamoDb?.endpoint;
  process.env.TEST_S3_ENDPOINT = emulators.s3?.endpoint;
}
