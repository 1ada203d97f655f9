import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMS, type KMSClientConfig } from '@aws-sdk/client-kms';
import { type KmsServer, startKmsServer } from '../../../local/kms/kms-server';

/** A real SDK client pointed at the local KMS endpoint (the aggregated one: `send` and the KmsSigningApi methods). */
export function localKmsClient(url: string, overrides: KMSClientConfig = {}): KMS {
  return new KMS({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    ...overrides,
  });
}

export interface LocalKms {
  server: KmsServer;
  kms: KMS;
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

/**
 * One lifetime of the local KMS endpoint on `dataDir`: starts a server, runs
 * `run` with a client of it, then destroys the client and closes the server,
 * also when `run` throws. Returns what `run` returns.
 */
async function withKmsServer<T>(dataDir: string, run: (kms: KMS) => Promise<T>): Promise<T> {
  const server = await startKmsServer({ port: 0, dataDir });
  const kms = localKmsClient(server.url);
  try {
    return await run(kms);
  } finally {
    kms.destroy();
    await server.close();
  }
}

async function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'local-kms-'));
}

/** A data directory of the local KMS endpoint, fresh for every test. */
export interface KmsDataDir {
  /** The current test's directory (the server keeps its files in `<path>/kms`). */
  readonly path: string;
  /** `withKmsServer` on `path`. */
  withServer<T>(run: (kms: KMS) => Promise<T>): Promise<T>;
}

/** Registers beforeEach/afterEach that create a data directory for each test and remove it after. */
export function useKmsDataDir(): KmsDataDir {
  let current: string | undefined;
  beforeEach(async () => {
    current = await tempDataDir();
  });
  afterEach(async () => {
    if (current) await rm(current, { recursive: true, force: true });
  });
  const data: KmsDataDir = {
    get path() {
      if (!current) throw new Error('useKmsDataDir: the directory exists inside tests only');
      return current;
    },
    withServer: (run) => withKmsServer(data.path, run),
  };
  return data;
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

/** A TCP endpoint on 127.0.0.1 that accepts connections and never answers: `sockets` are the connections it got. */
export interface SilentEndpoint {
  readonly url: string;
  readonly sockets: ReadonlySet<Socket>;
  close(): Promise<void>;
}

export async function startSilentEndpoint(): Promise<SilentEndpoint> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    sockets,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
