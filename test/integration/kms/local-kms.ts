import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient, type KMSClientConfig } from '@aws-sdk/client-kms';
import { type KmsServer, startKmsServer } from '../../../local/kms/kms-server';

/** A real SDK client pointed at the local KMS endpoint. */
export function localKmsClient(url: string, overrides: KMSClientConfig = {}): KMSClient {
  return new KMSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    ...overrides,
  });
}

export interface LocalKms {
  server: KmsServer;
  kms: KMSClient;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startLocalKms(): Promise<LocalKms> {
  const dataDir = await mkdtemp(join(tmpdir(), 'local-kms-'));
  const server = await startKmsServer({ port: 0, dataDir });
  const kms = localKmsClient(server.url);
  return {
    server,
    kms,
    dataDir,
    async stop() {
      kms.destroy();
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'local-kms-'));
}

/** The error a call rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number; attempts?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}
