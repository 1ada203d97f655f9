import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { BINARY_MEDIA_TYPES, type FunctionName } from '../src/http/routes';
import { matchRoute } from './route-matcher';

export type LambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** API Gateway's own payload limit; the functions enforce their tighter limits in code. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const STAGE = 'local';

/**
 * The local stand-in for API Gateway: turns HTTP requests into REST proxy
 * events for the same handlers Lambda runs, and their results back into HTTP.
 */
export function createLocalApiServer(handlers: Record<FunctionName, () => LambdaHandler>): Server {
  return createServer((req, res) => {
    serve(req, res, handlers).catch(() => send(res, 500, { error: 'internal_error', message: 'internal error' }));
  });
}

export function listen(server: Server, port: number, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

async function serve(req: IncomingMessage, res: ServerResponse, handlers: Record<FunctionName, () => LambdaHandler>) {
  const url = new URL(req.url ?? '/', 'http://local');
  const match = matchRoute(req.method ?? 'GET', url.pathname);
  if ('notFound' in match) return send(res, 404, { message: 'Missing Authentication Token' });
  if ('methodNotAllowed' in match) return send(res, 405, { message: 'Method Not Allowed' });

  const body = await readBody(req);
  if (body === undefined) return send(res, 413, { message: 'Request Too Long' });
  const { route, pathParameters } = match.found;
  const contentType = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  const binary = BINARY_MEDIA_TYPES.includes(contentType);
  const event = toEvent(req, url, route.resource, pathParameters, body, binary);
  const result = await handlers[route.function]()(event, lambdaContext(route.function));
  res.writeHead(result.statusCode, { ...(result.headers as Record<string, string>) });
  res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}

function toEvent(
  req: IncomingMessage,
  url: URL,
  resource: string,
  pathParameters: Record<string, string>,
  body: Buffer,
  binary: boolean,
): APIGatewayProxyEvent {
  // Names come from the caller: null-prototype maps, so `__proto__` or `constructor` is just a name.
  const headers = nullPrototype<string>();
  const multiValueHeaders = nullPrototype<string[]>();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const [name, value] = [req.rawHeaders[i], req.rawHeaders[i + 1]];
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  const query = nullPrototype<string>();
  const multiQuery = nullPrototype<string[]>();
  url.searchParams.forEach((value, key) => {
    query[key] = value;
    multiQuery[key] = [...(multiQuery[key] ?? []), value];
  });
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource,
    path: url.pathname,
    httpMethod: req.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters,
    stageVariables: null,
    body: body.length === 0 ? null : binary ? body.toString('base64') : body.toString('utf8'),
    isBase64Encoded: binary && body.length > 0,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      stage: STAGE,
      requestId: randomUUID(),
      resourcePath: resource,
      httpMethod: req.method ?? 'GET',
      path: `/${STAGE}${url.pathname}`,
      protocol: 'HTTP/1.1',
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      domainName: String(req.headers.host ?? '127.0.0.1'),
      identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1' },
    } as APIGatewayProxyEvent['requestContext'],
  };
}

function nullPrototype<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function lambdaContext(functionName: FunctionName): Context {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `device-idp-${functionName}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:device-idp-${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/device-idp-${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
