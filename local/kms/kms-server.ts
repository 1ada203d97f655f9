/**
 * Local stand-in for AWS KMS — for `npm start` and the tests, never for production.
 *
 * A node:http server on the loopback interface that speaks the KMS JSON 1.1
 * protocol (POST /, `X-Amz-Target: TrentService.<Operation>`, base64 blobs),
 * so the real `@aws-sdk/client-kms` works against it unchanged:
 *
 *   const kms = new KMSClient({ endpoint: server.url, region: 'us-east-1',
 *     credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
 *
 * Supported (each as the KMS API reference documents it, including its errors):
 * - keys: CreateKey (asymmetric SIGN_VERIFY keys: ECC_NIST_P256/P384/P521,
 *   RSA_2048/3072/4096; with Tags), DescribeKey, GetPublicKey, Sign (RAW and DIGEST);
 * - key states: DisableKey, EnableKey, ScheduleKeyDeletion, CancelKeyDeletion
 *   (Enabled / Disabled / PendingDeletion, with the key-state table's errors:
 *   Sign/GetPublicKey answer DisabledException on a disabled key and
 *   KMSInvalidStateException on a key pending deletion);
 * - aliases: CreateAlias, ListAliases, UpdateAlias, DeleteAlias;
 * - tags: TagResource, UntagResource, ListResourceTags.
 * DescribeKey, GetPublicKey and Sign take a key id, key ARN, alias name or
 * alias ARN; the other operations take a key id or key ARN only, as in KMS.
 * Any other KMS operation answers UnsupportedOperationException.
 *
 * Tests can make the next N calls of an operation fail with a chosen KMS error:
 *   server.injectFault('Sign', { type: 'ThrottlingException' }, 3);
 * (see fault-injection.ts). This is a method of the returned object only,
 * not reachable over HTTP.
 *
 * What it deliberately does not do: verify SigV4 signatures (any credentials
 * are accepted — which is why it only binds to loopback), key policies, grants,
 * rotation, or actually deleting a key when its deletion date passes (it stays
 * PendingDeletion). Keys (with state and tags) are kept unencrypted (0600 files)
 * in `<dataDir>/kms/`, aliases in `<dataDir>/kms/aliases.json`, so a restart
 * with the same dataDir keeps them.
 */

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector, type KmsFault } from './fault-injection';
import { KeyStore } from './key-store';
import { KmsError } from './kms-error';
import { OPERATIONS } from './operations';

export type { KmsFault } from './fault-injection';

export interface KmsServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: '127.0.0.1' | '::1';
  dataDir: string;
}

export interface KmsServer {
  url: string;
  port: number;
  close(): Promise<void>;
  /**
   * Test hook: the next `times` (default 1) requests for `operation` (e.g.
   * 'Sign') answer `fault` — e.g. `{ type: 'ThrottlingException' }`, HTTP 400
   * unless `status` says otherwise — instead of being served. Faults armed for
   * the same operation fire in order. Throws TypeError for an operation the
   * local KMS does not implement.
   */
  injectFault(operation: string, fault: KmsFault, times?: number): void;
  /** Injected failures not yet answered, for one operation or all. */
  pendingFaults(operation?: string): number;
  /** Disarms the injected faults of one operation, or all. */
  clearFaults(operation?: string): void;
}

/** Far above a maximal Sign request (4096 bytes of base64 plus JSON). */
const MAX_BODY_BYTES = 64 * 1024;
const TARGET_PREFIX = 'TrentService.';
const DEFAULT_REGION = 'us-east-1';

export async function startKmsServer(options: KmsServerOptions): Promise<KmsServer> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== '::1') throw new Error('the local KMS only listens on loopback');
  const store = await KeyStore.open(options.dataDir);
  const faults = new FaultInjector(new Set(Object.keys(OPERATIONS)));
  const server = createServer((req, res) => {
    handle(store, faults, req, res).catch((error: unknown) => {
      console.error('local KMS: unexpected error', error);
      send(res, new KmsError('KMSInternalException', 'Internal error in the local KMS', 500));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host === '::1' ? '[::1]' : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The SDK keeps connections alive; without this close() waits for them to idle out.
        server.closeAllConnections();
      }),
    injectFault: (operation, fault, times) => faults.inject(operation, fault, times),
    pendingFaults: (operation) => faults.pending(operation),
    clearFaults: (operation) => faults.clear(operation),
  };
}

async function handle(store: KeyStore, faults: FaultInjector, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = String(req.headers['x-amz-target'] ?? '');
  if (req.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) {
    req.resume();
    return send(res, new KmsError('UnknownOperationException', 'Expected POST with X-Amz-Target: TrentService.<Operation>'));
  }
  const body = await readBody(req);
  if (body === undefined) {
    res.once('finish', () => req.destroy());
    return send(res, new KmsError('ValidationException', `Request body exceeds ${MAX_BODY_BYTES} bytes`, 413), true);
  }
  const name = target.slice(TARGET_PREFIX.length);
  const operation = Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined;
  if (!operation) return send(res, new KmsError('UnsupportedOperationException', `The local KMS does not implement ${name}`));
  const injected = faults.take(name);
  if (injected) return send(res, injected);
  let input: unknown;
  try {
    input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    return send(res, new KmsError('SerializationException', 'Request body is not valid JSON'));
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return send(res, new KmsError('SerializationException', 'Request body must be a JSON object'));
  }
  try {
    send(res, await operation(store, input as Record<string, unknown>, regionOf(req)));
  } catch (error) {
    if (!(error instanceof KmsError)) throw error;
    send(res, error);
  }
}

/** Resolves undefined once the body passes MAX_BODY_BYTES; the rest is not buffered. */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.pause();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The region in the SigV4 credential scope names the key ARNs, like the real regional endpoint. */
function regionOf(req: IncomingMessage): string {
  const scope = /Credential=[^/,]+\/\d{8}\/([a-z0-9-]+)\/kms\/aws4_request/.exec(String(req.headers.authorization ?? ''));
  return scope?.[1] ?? DEFAULT_REGION;
}

function send(res: ServerResponse, result: object | KmsError, closeConnection = false): void {
  if (res.headersSent) return;
  const isError = result instanceof KmsError;
  res.writeHead(isError ? result.status : 200, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-requestid': randomUUID(),
    ...(isError ? { 'x-amzn-errortype': result.type } : {}),
    ...(closeConnection ? { connection: 'close' } : {}),
  });
  res.end(JSON.stringify(isError ? { __type: result.type, message: result.message } : result));
}
