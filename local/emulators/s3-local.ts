import { mkdirSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { CreateBucketCommand, HeadBucketCommand, type S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

export interface StartS3LocalOptions {
  /** 0 or omitted: a free port is picked. */
  port?: number;
  /** Where objects are stored; created if missing. */
  directory: string;
}

export interface S3Local {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** s3rver's built-in account; it rejects requests signed with any other key. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * Client settings the real S3 SDK needs against s3rver. Since SDK 3.729 the
 * client adds CRC32 checksums by default, and for streaming bodies it switches
 * to `aws-chunked` encoding with a trailing checksum, which s3rver stores
 * verbatim (chunk framing included). WHEN_REQUIRED restores plain bodies.
 */
export function localS3ClientConfig(endpoint: string): S3ClientConfig {
  return {
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { ...S3RVER_CREDENTIALS },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

export async function startS3Local(options: StartS3LocalOptions): Promise<S3Local> {
  mkdirSync(options.directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory: options.directory,
    silent: true,
    vhostBuckets: false,
  });
  keepDirectoriesOnDelete(server);
  const { port } = await server.run();
  const stop = async () => {
    // Idle keep-alive sockets close with the server; busy ones get two seconds.
    const forceClose = setTimeout(() => server.httpServer?.closeAllConnections(), 2_000);
    try {
      await server.close();
    } finally {
      clearTimeout(forceClose);
    }
  };
  return { endpoint: `http://127.0.0.1:${port}`, port, stop };
}

interface FilesystemStore {
  deleteObject(bucket: string, key: string): Promise<void>;
  getResourcePath(bucket: string, key: string, resource: string): string;
}

/**
 * s3rver stores objects as files and, after a delete, removes the key's
 * directories once they are empty; a put into the same directory that runs
 * between its mkdir and its open then fails inside a write stream without an
 * error handler, which kills the whole process. Real S3 has no directories,
 * and concurrent puts and deletes of neighbouring keys are normal here (root
 * uploads racing deletes), so deletes here remove the object's files and
 * leave directories alone (an empty directory lists as nothing).
 */
function keepDirectoriesOnDelete(server: S3rver): void {
  const store = (server as unknown as { store: FilesystemStore }).store;
  store.deleteObject = async (bucket, key) => {
    await Promise.all(
      ['object', 'object.md5', 'metadata.json'].map((resource) =>
        unlink(store.getResourcePath(bucket, key, resource)).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        }),
      ),
    );
  };
}

/** Creates the bucket unless it exists already (s3rver answers BucketAlreadyExists for its own buckets). */
export async function ensureBucket(client: S3Client, bucketName: string): Promise<void> {
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucketName }));
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'BucketAlreadyOwnedByYou') return;
    if (name !== 'BucketAlreadyExists') throw error;
    // Proves the existing bucket is reachable with these credentials, not someone else's.
    await client.send(new HeadBucketCommand({ Bucket: bucketName }));
  }
}
