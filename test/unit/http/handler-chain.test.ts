// First: sets the Powertools variables before src/observability.ts is loaded.
import '../observability/powertools-env';
import { setTimeout as sleep } from 'node:timers/promises';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { DependencyError, DomainError } from '../../../src/errors';
import { adminErrorResponse, oauthErrorResponse } from '../../../src/http/error-responses';
import { apiHandler } from '../../../src/http/handler-chain';
import { type AuthenticatedContext, apiKeyAuth } from '../../../src/http/middlewares';
import { json } from '../../../src/http/responses';
import { createRouter } from '../../../src/http/router';
import { logger } from '../../../src/observability';
import { ApiKeyAuthenticator } from '../../../src/usecases/authenticate';
import { type CapturedOutput, captureOutput } from '../../support/captured-output';
import { InMemoryApiKeys } from '../../support/in-memory/api-keys';
import { apiGatewayEvent, lambdaContext } from '../observability/lambda-events';
import { TEST_SERVICE } from '../observability/powertools-env';

/*
 * apiHandler, the one middy chain of the API functions, with a small router
 * of real routes and the real API-key authentication: what a caller gets
 * back and what CloudWatch gets, for an answer, a refusal, an outage and a
 * defect, invocation after invocation on one warm container.
 */
const ADMIN_KEY = 'admin-key-for-handler-chain-tests-0123456789';
const CERTIFICATES = '/api/internal/{clientPoolId}/certificates';
const TOKEN = '/pools/{clientPoolId}/oauth2/token';

const request = (method: string, resource: string, pool: string, requestId: string, headers: Record<string, string> = { 'X-API-Key': ADMIN_KEY }) =>
  apiGatewayEvent({
    method,
    resource,
    path: resource.replace('{clientPoolId}', pool).replace('{fingerprint}', 'ab'.repeat(32)),
    pathParameters: { clientPoolId: pool, ...(resource.includes('{fingerprint}') ? { fingerprint: 'ab'.repeat(32) } : {}) },
    headers,
    requestId,
  });
const logLines = (output: CapturedOutput) => output.json().filter((line) => !('_aws' in line));

describe('apiHandler: the admin chain (API key inside, admin error shape)', () => {
  let output: CapturedOutput;
  let routeRuns: number;
  beforeEach(() => {
    output = captureOutput();
    routeRuns = 0;
  });
  afterEach(() => output.restore());

  const route = createRouter<`${'GET' | 'POST'} ${typeof CERTIFICATES}` | `DELETE ${typeof CERTIFICATES}/{fingerprint}`, AuthenticatedContext>({
    [`GET ${CERTIFICATES}`]: async (_event, { principal }) => {
      routeRuns++;
      logger.info('listing roots');
      return json(200, { certificates: [], principal: principal.kind });
    },
    [`POST ${CERTIFICATES}`]: async () => {
      routeRuns++;
      throw new DependencyError('s3', Object.assign(new Error('SlowDown'), { name: 'SlowDown' }));
    },
    [`DELETE ${CERTIFICATES}/{fingerprint}`]: async () => {
      routeRuns++;
      throw new DomainError('certificate_not_found', 'no root with that fingerprint');
    },
  });
  const authenticator = new ApiKeyAuthenticator(async () => ({ current: ADMIN_KEY }), new InMemoryApiKeys());
  const handler = apiHandler(route, adminErrorResponse, apiKeyAuth(authenticator));
  const invoke = (event: APIGatewayProxyEvent, context: Context = lambdaContext('device-idp-certificates')) =>
    handler(event, context as AuthenticatedContext) as Promise<APIGatewayProxyResult>;

  it('answers what the route answers, and its log lines carry the request id, route, pool and Lambda context', async () => {
    const context = lambdaContext('device-idp-certificates');
    expect(await invoke(request('GET', CERTIFICATES, 'pool-abc', 'req-chain-0001'), context)).toEqual({
      statusCode: 200,
      headers: { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' },
      body: JSON.stringify({ certificates: [], principal: 'admin' }),
    });
    expect(logLines(output)).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'listing roots',
        service: TEST_SERVICE,
        correlation_id: 'req-chain-0001',
        route: `GET ${CERTIFICATES}`,
        clientPoolId: 'pool-abc',
        function_name: 'device-idp-certificates',
        function_request_id: context.awsRequestId,
      }),
    ]);
  });

  it('maps a refusal of the route to its status, logged with the same keys', async () => {
    const response = await invoke(request('DELETE', `${CERTIFICATES}/{fingerprint}`, 'pool-abc', 'req-chain-0002'));
    expect({ status: response.statusCode, body: JSON.parse(response.body) }).toEqual({
      status: 404,
      body: { error: 'certificate_not_found', message: 'no root with that fingerprint' },
    });
    expect(logLines(output)).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'request refused',
        code: 'certificate_not_found',
        correlation_id: 'req-chain-0002',
        clientPoolId: 'pool-abc',
      }),
    ]);
  });

  it('maps an outage to 503 with Retry-After and counts it once, with the request keys on the log line', async () => {
    const response = await invoke(request('POST', CERTIFICATES, 'pool-abc', 'req-chain-0003'));
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'Retry-After': '5' });
    expect(logLines(output)).toEqual([expect.objectContaining({ level: 'ERROR', dependency: 's3', cause: 'SlowDown', correlation_id: 'req-chain-0003' })]);
    expect(output.json().filter((line) => '_aws' in line)).toEqual([expect.objectContaining({ dependency: 's3', DependencyFailures: 1 })]);
  });

  it('authenticates before routing: no key is 401 for a known route, an unknown route and an unknown method alike', async () => {
    for (const [method, resource] of [
      ['GET', CERTIFICATES],
      ['GET', '/nothing/here'],
      ['PUT', CERTIFICATES],
    ]) {
      const response = await invoke(request(method, resource, 'pool-abc', 'req-chain-0004', {}));
      expect([method, resource, response.statusCode, JSON.parse(response.body).error]).toEqual([method, resource, 401, 'missing_api_key']);
    }
    expect(routeRuns).toBe(0);
  });

  it('answers 405 method_not_allowed and 404 route_not_found once authenticated', async () => {
    const put = await invoke(request('PUT', CERTIFICATES, 'pool-abc', 'req-chain-0005'));
    const unknown = await invoke(request('GET', '/api/internal/{clientPoolId}/nothing', 'pool-abc', 'req-chain-0006'));
    expect([put.statusCode, JSON.parse(put.body).error, unknown.statusCode, JSON.parse(unknown.body).error]).toEqual([
      405,
      'method_not_allowed',
      404,
      'route_not_found',
    ]);
  });

  it('starts every invocation clean: no pool, request id or function request id of the previous one', async () => {
    const first = lambdaContext('device-idp-certificates');
    const second = lambdaContext('device-idp-certificates');
    await invoke(request('GET', CERTIFICATES, 'pool-first', 'req-chain-0007'), first);
    await invoke(request('GET', CERTIFICATES, 'not a pool id', 'req-chain-0008'), second);
    const [one, two] = logLines(output);
    expect(one).toMatchObject({ clientPoolId: 'pool-first', correlation_id: 'req-chain-0007', function_request_id: first.awsRequestId });
    expect(two).toMatchObject({ correlation_id: 'req-chain-0008', function_request_id: second.awsRequestId });
    expect(two).not.toHaveProperty('clientPoolId');
  });

  it('never answers for a route still running near the Lambda deadline (no early timeout): the route answer is the answer', async () => {
    const slow = apiHandler(
      createRouter<`GET ${typeof CERTIFICATES}`, AuthenticatedContext>({
        [`GET ${CERTIFICATES}`]: async () => {
          await sleep(30);
          return json(200, { done: true });
        },
      }),
      adminErrorResponse,
      apiKeyAuth(authenticator),
    );
    const context = { ...lambdaContext('device-idp-certificates'), getRemainingTimeInMillis: () => 6 };
    const response = (await slow(request('GET', CERTIFICATES, 'pool-abc', 'req-chain-0009'), context as AuthenticatedContext)) as APIGatewayProxyResult;
    expect({ status: response.statusCode, body: response.body }).toEqual({ status: 200, body: '{"done":true}' });
  });
});

describe('apiHandler: the token chain (no API key, RFC 6749 §5.2 shape)', () => {
  let output: CapturedOutput;
  beforeEach(() => (output = captureOutput()));
  afterEach(() => output.restore());

  const failing = (error: unknown) =>
    apiHandler(
      createRouter<`POST ${typeof TOKEN}`, Context>({
        [`POST ${TOKEN}`]: async () => {
          throw error;
        },
      }),
      oauthErrorResponse,
    );
  const invoke = async (error: unknown) =>
    (await failing(error)(request('POST', TOKEN, 'pool-abc', 'req-token-0001', {}), lambdaContext('device-idp-token'))) as APIGatewayProxyResult;

  it('answers a refusal 400 invalid_grant, never cached', async () => {
    expect(await invoke(new DomainError('assertion_replayed', 'this jti was already used'))).toEqual({
      statusCode: 400,
      headers: { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store', Pragma: 'no-cache' },
      body: JSON.stringify({ error: 'invalid_grant', error_description: 'assertion_replayed: this jti was already used' }),
    });
  });

  it('answers 401 invalid_client with its challenge when the JWT was client authentication', async () => {
    const response = await invoke(new DomainError('assertion_replayed', 'this jti was already used', { clientAuthentication: true }));
    expect(response.statusCode).toBe(401);
    expect(response.headers).toMatchObject({ 'WWW-Authenticate': 'private_key_jwt error="invalid_client"', 'Cache-Control': 'no-store' });
    expect(JSON.parse(response.body)).toEqual({ error: 'invalid_client', error_description: 'assertion_replayed: this jti was already used' });
  });

  it('answers a KMS outage 503 temporarily_unavailable with Retry-After, and a defect a bare 500 server_error', async () => {
    const outage = await invoke(new DependencyError('kms', new Error('KMS key arn:aws:kms:... is disabled')));
    expect({ status: outage.statusCode, retry: outage.headers?.['Retry-After'], body: JSON.parse(outage.body) }).toEqual({
      status: 503,
      retry: '5',
      body: { error: 'temporarily_unavailable', error_description: 'a backing service is unavailable; retry later' },
    });
    const defect = await invoke(new RangeError('Invalid time value'));
    expect({ status: defect.statusCode, body: JSON.parse(defect.body) }).toEqual({
      status: 500,
      body: { error: 'server_error', error_description: 'internal error' },
    });
    expect(output.lines().join('\n')).not.toMatch(/arn:aws:kms|Invalid time value/);
  });
});
