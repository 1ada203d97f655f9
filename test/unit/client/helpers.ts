import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { credentialsFromParts, type DeviceCredentials } from '../../../src/client/device-credentials';
import { DeviceClientError } from '../../../src/client/errors';
import { toKeyObject } from '../../support/device-client';
import { type KeyAlgorithm, makeIntermediate, makeLeaf, makeRoot, type TestCertificate } from '../../support/pki';

/** A device PKI of the test support (valid 2000..2099) and the credentials the client builds from it. */
export async function testDevice(
  keyAlgorithm: KeyAlgorithm = 'EC-P256',
  cn = 'device-1',
): Promise<{
  root: TestCertificate;
  intermediate: TestCertificate;
  device: TestCertificate;
  credentials: DeviceCredentials;
}> {
  const root = await makeRoot();
  const intermediate = await makeIntermediate(root, { pathLen: 0 });
  const device = await makeLeaf(intermediate, { cn, o: 'Business Unit 1', keyAlgorithm });
  const credentials = credentialsFromParts(await toKeyObject(device.keys.privateKey), [device.der, intermediate.der, root.der]);
  return { root, intermediate, device, credentials };
}

export interface RecordedRequest {
  method: string;
  contentType: string | undefined;
  body: URLSearchParams;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * A real HTTP token endpoint on 127.0.0.1 that answers each request with the
 * next reply of the script (the last one repeats) and records what it got.
 */
export async function startScriptedTokenServer(replies: Reply[]): Promise<{ url: string; requests: RecordedRequest[]; close(): Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      requests.push({ method: request.method ?? '', contentType: request.headers['content-type'], body: new URLSearchParams(text) });
      const reply = replies[Math.min(requests.length - 1, replies.length - 1)];
      const body = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      response.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers });
      response.end(body);
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/pools/pool-1/oauth2/token`,
    requests,
    close: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}

export const TOKEN_REPLY: Reply = {
  status: 200,
  headers: { 'Cache-Control': 'no-store' },
  body: { access_token: 'token-1', token_type: 'Bearer', expires_in: 3600, scope: 'device' },
};

/** The DeviceClientError code `run` throws, or 'no error'; any other error propagates. */
export function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DeviceClientError) return error.code;
    throw error;
  }
  return 'no error';
}
