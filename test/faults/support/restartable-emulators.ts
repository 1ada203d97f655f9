import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../../local/emulators/dynamodb-local';
import { type S3Local, startS3Local } from '../../../local/emulators/s3-local';

/**
 * An emulator a fault test can take away and bring back: stopped for real
 * (connections refused), restarted on the SAME port with the SAME on-disk
 * state, so the IDP's AWS clients, built once at module load from
 * AWS_ENDPOINT_URL_*, reach it again unchanged. No product hook is involved.
 */
export interface RestartableEmulator {
  readonly endpoint: string;
  readonly port: number;
  readonly running: boolean;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it (if running) and removes its data. */
  dispose(): Promise<void>;
}

/** DynamoDB Local on disk (-dbPath), so a restart keeps every table and item. */
export async function startRestartableDynamoDb(): Promise<RestartableEmulator> {
  const dbPath = mkdtempSync(join(tmpdir(), 'idp-fault-dynamodb-'));
  let current: DynamoDbLocal | undefined = await startDynamoDbLocal({ inMemory: false, dbPath });
  const { endpoint, port } = current;
  return restartable(endpoint, port, dbPath, {
    stop: async () => {
      const running = current;
      current = undefined;
      await running?.stop();
    },
    start: async () => {
      current ??= await startDynamoDbLocal({ inMemory: false, dbPath, port });
    },
    running: () => current !== undefined,
  });
}

/** s3rver on a directory, so a restart keeps the bucket and its objects. */
export async function startRestartableS3(): Promise<RestartableEmulator> {
  const directory = mkdtempSync(join(tmpdir(), 'idp-fault-s3-'));
  let current: S3Local | undefined = await startS3Local({ directory });
  const { endpoint, port } = current;
  return restartable(endpoint, port, directory, {
    stop: async () => {
      const running = current;
      current = undefined;
      await running?.stop();
    },
    start: async () => {
      current ??= await startS3Local({ directory, port });
    },
    running: () => current !== undefined,
  });
}

function restartable(
  endpoint: string,
  port: number,
  dataPath: string,
  control: { stop(): Promise<void>; start(): Promise<void>; running(): boolean },
): RestartableEmulator {
  return {
    endpoint,
    port,
    get running() {
      return control.running();
    },
    stop: control.stop,
    restart: control.start,
    dispose: async () => {
      await control.stop();
      rmSync(dataPath, { recursive: true, force: true });
    },
  };
}
