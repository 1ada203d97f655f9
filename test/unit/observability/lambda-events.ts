import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

/** An API Gateway REST (proxy) event as the stage hands it to the function; `requestContext.requestId` is API Gateway's request id. */
export function apiGatewayEvent(request: {
  method: string;
  resource: string;
  path: string;
  pathParameters?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  requestId?: string;
}): APIGatewayProxyEvent {
  const headers = request.headers ?? {};
  return {
    resource: request.resource,
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: request.pathParameters ?? null,
    stageVariables: null,
    body: request.body ?? null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '111111111111',
      apiId: 'api0000001',
      stage: 'prod',
      requestId: request.requestId ?? randomUUID(),
      resourcePath: request.resource,
      httpMethod: request.method,
      path: `/prod${request.path}`,
      protocol: 'HTTP/1.1',
      requestTimeEpoch: Date.now(),
      resourceId: 'res001',
      domainName: 'api.example.com',
      identity: { sourceIp: '192.0.2.10' },
    } as APIGatewayProxyEvent['requestContext'],
  };
}

/** The Lambda context of one invocation of `functionName`. */
export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:111111111111:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2025/01/01/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
