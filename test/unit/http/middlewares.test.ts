// First: sets the Powertools variables before src/observability.ts is loaded.
import '../observability/powertools-env';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { generateApiKey } from '../../../src/domain/api-key-format';
import { DependencyError, DomainError } from '../../../src/errors';
import { adminErrorResponse, oauthErrorResponse } from '../../../src/http/error-responses';
import { type AuthenticatedContext, apiKeyAuth, errorResponses, requestLogKeys } from '../../../src/http/middlewares';
import { json } from '../../../src/http/responses';
import { logger, observabilityMiddlewares } from '../../../src/observability';
import { ApiKeyAuthenticator } from '../../../src/usecases/authenticate';
import { type CapturedOutput, captureOutput } from '../../support/captured-output';
import { InMemoryApiKeys } from '../../support/in-memory/api-keys';
import { apiGatewayEvent, lambdaContext } from '../observability/lambda-events';
import { TEST_NAMESPACE } from '../observability/powertools-env';

/*
 * Each middleware of src/http/middlewares.ts on its own (the whole chain:
 * handler-chain.test.ts), driven by middy with API Gateway REST events:
 * the exact answer, and exactly what is logged and counted.
 */
const SECRET_BODY = '{"assertion":"eyJhbGciOiJFUzI1NiJ9.secret-payload.sig"}';
const ADMIN_KEY = 'admin-key-for-middleware-tests-0123456789';
const RESOURCE = '/api/internal/{clientPoolId}/certificates';

const certificatesEvent = (overrides: { pool?: string; apiKey?: string; requestId?: string } = {}): APIGatewayProxyEvent =>
  apiGatewayEvent({
    method: 'POST',
    resource: RESOURCE,
    path: `/api/internal/${overrides.pool ?? 'pool-abc'}/certificates`,
    pathParameters: { clientPoolId: overrides.pool ?? 'pool-abc' },
    headers: { 'Content-Type': 'application/json', ...(overrides.apiKey === undefined ? {} : { 'x-api-key': overrides.apiKey }) },
    body: SECRET_BODY,
    requestId: overrides.requestId ?? 'req-0001',
  });

const logLines = (output: CapturedOutput) => output.json().filter((line) => !('_aws' in line));
const emfDocuments = (output: CapturedOutput) => output.json().filter((line) => '_aws' in line);

describe('errorResponses', () => {
  let output: CapturedOutput;
  beforeEach(() => (output = captureOutput()));
  afterEach(() => output.restore());

  const failingWith = (thrown: unknown, toResponse = adminErrorResponse) =>
    middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
      .use(errorResponses(toResponse))
      .handler(async () => {
        throw thrown;
      });
  const run = (thrown: unknown, toResponse = adminErrorResponse) =>
    failingWith(thrown, toResponse)(certificatesEvent({ apiKey: ADMIN_KEY }), lambdaContext('fn'));

  it('answers a refusal with its status and code, and logs one INFO line with the code only', async () => {
    expect(await run(new DomainError('device_not_found', 'device kiosk-7 does not exist'))).toEqual({
      statusCode: 404,
      headers: { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' },
      body: JSON.stringify({ error: 'device_not_found', message: 'device kiosk-7 does not exist' }),
    });
    expect(logLines(output)).toEqual([expect.objectContaining({ level: 'INFO', message: 'request refused', code: 'device_not_found' })]);
    expect(emfDocuments(output)).toEqual([]);
  });

  it('answers a dependency failure 503 with Retry-After, logs the dependency and the cause name, and counts DependencyFailures', async () => {
    const cause = Object.assign(new Error('arn:aws:dynamodb:eu-west-1:111111111111:table/idp-config throttled'), {
      name: 'ProvisionedThroughputExceededException',
    });
    const response = await run(new DependencyError('dynamodb', cause));
    expect(response).toEqual({
      statusCode: 503,
      headers: { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff', 'Retry-After': '5' },
      body: JSON.stringify({ error: 'service_unavailable', message: 'a backing service is unavailable; retry later' }),
    });
    expect(logLines(output)).toEqual([
      expect.objectContaining({ level: 'ERROR', message: 'dependency failure', dependency: 'dynamodb', cause: 'ProvisionedThroughputExceededException' }),
    ]);
    expect(emfDocuments(output)).toEqual([
      expect.objectContaining({
        _aws: expect.objectContaining({
          CloudWatchMetrics: [{ Namespace: TEST_NAMESPACE, Dimensions: [['service', 'dependency']], Metrics: [{ Name: 'DependencyFailures', Unit: 'Count' }] }],
        }),
        dependency: 'dynamodb',
        DependencyFailures: 1,
      }),
    ]);
    expect(output.lines().join('\n')).not.toMatch(/idp-config|111111111111/);
  });

  it('names a cause that has only a Node.js error code (a socket reset) by that code', async () => {
    await run(new DependencyError('s3', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', name: undefined })));
    expect(logLines(output)).toEqual([expect.objectContaining({ level: 'ERROR', dependency: 's3', cause: 'ECONNRESET' })]);
  });

  it.each([
    ['an Error', new TypeError("Cannot read properties of undefined (reading 'secretHash')"), 'TypeError'],
    ['a string', 'idpk.k0123456789abcdef.leaked', 'string'],
    ['undefined', undefined, 'undefined'],
  ])('answers %s with a bare 500 and logs only its kind', async (_name, thrown, kind) => {
    expect(await run(thrown)).toEqual({
      statusCode: 500,
      headers: { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' },
      body: JSON.stringify({ error: 'internal_error', message: 'internal error' }),
    });
    expect(logLines(output)).toEqual([expect.objectContaining({ level: 'ERROR', message: 'unexpected error', error: kind })]);
    expect(output.lines().join('\n')).not.toMatch(/secretHash|leaked/);
  });

  it('answers a registered code with no side for this API (a token code on the admin API) 500, and logs it as an ERROR with its code', async () => {
    expect(await run(new DomainError('assertion_replayed', 'the assertion was already used'))).toEqual({
      statusCode: 500,
      headers: { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' },
      body: JSON.stringify({ error: 'internal_error', message: 'internal error' }),
    });
    expect(logLines(output)).toEqual([
      expect.objectContaining({ level: 'ERROR', message: 'refusal code without an answer on this API', code: 'assertion_replayed' }),
    ]);
  });

  it('answers in the shape of the mapper it is given: RFC 6749 §5.2, not cacheable, on the token endpoint', async () => {
    expect(await run(new DomainError('assertion_replayed', 'the assertion was already used'), oauthErrorResponse)).toEqual({
      statusCode: 400,
      headers: { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store', Pragma: 'no-cache' },
      body: JSON.stringify({ error: 'invalid_grant', error_description: 'assertion_replayed: the assertion was already used' }),
    });
  });

  it('never logs the request: not its API key, headers or body', async () => {
    await run(new DomainError('invalid_field', 'unknown field: assertion'));
    await run(new DependencyError('kms', new Error('throttled')));
    await run(new Error('boom'));
    const printed = output.lines().join('\n');
    for (const secret of [ADMIN_KEY, 'secret-payload', 'application/json', '192.0.2.10']) expect(printed).not.toContain(secret);
  });
});

describe('requestLogKeys', () => {
  let output: CapturedOutput;
  beforeEach(() => (output = captureOutput()));
  afterEach(() => output.restore());

  // Behind the observability middlewares, as in every function: they remove the keys after each invocation.
  const logging = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(observabilityMiddlewares() as MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult>[])
    .use(requestLogKeys())
    .handler(async () => {
      logger.info('inside the route');
      return json(200, {});
    });

  it('puts API Gateway request id, the route template and the pool on every line of the invocation', async () => {
    await logging(certificatesEvent({ pool: 'pool-abc123', requestId: 'req-keys-0001' }), lambdaContext('fn'));
    expect(logLines(output)).toEqual([
      expect.objectContaining({ message: 'inside the route', correlation_id: 'req-keys-0001', route: `POST ${RESOURCE}`, clientPoolId: 'pool-abc123' }),
    ]);
  });

  it('keeps no key of one invocation on the lines of the next', async () => {
    await logging(certificatesEvent({ pool: 'pool-abc123', requestId: 'req-keys-0001' }), lambdaContext('fn'));
    await logging(
      { ...certificatesEvent({ pool: 'not a pool' }), requestContext: { ...certificatesEvent().requestContext, requestId: '' } },
      lambdaContext('fn'),
    );
    const [, second] = logLines(output);
    expect(second).toMatchObject({ message: 'inside the route', route: `POST ${RESOURCE}` });
    expect(second).not.toHaveProperty('clientPoolId');
    expect(second).not.toHaveProperty('correlation_id');
  });

  it.each([
    ['a path traversal', '..%2F..%2Fetc'],
    ['spaces', 'pool abc'],
    ['65 characters', 'p'.repeat(65)],
    ['a log-forging newline', 'pool\n{"level":"ERROR"}'],
  ])('leaves out a clientPoolId segment with %s (it is not a pool id)', async (_name, pool) => {
    await logging(certificatesEvent({ pool }), lambdaContext('fn'));
    const [line] = logLines(output);
    expect(line).toMatchObject({ route: `POST ${RESOURCE}` });
    expect(line).not.toHaveProperty('clientPoolId');
    expect(output.lines()).toHaveLength(1);
  });
});

describe('apiKeyAuth', () => {
  const keys = new InMemoryApiKeys();
  const orgKey = generateApiKey();
  keys.records.set(orgKey.keyId, { keyId: orgKey.keyId, orgId: 'acme', secretHash: orgKey.secretHash, createdAt: '2030-01-01T00:00:00.000Z' });
  const authenticator = new ApiKeyAuthenticator(
    async () => ({ current: ADMIN_KEY }),
    keys,
    () => new Date('2030-06-15T12:00:00.000Z'),
  );

  let seen: AuthenticatedContext['principal'][];
  const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, AuthenticatedContext>()
    .use(errorResponses(adminErrorResponse))
    .use(apiKeyAuth(authenticator))
    .handler(async (_event, context) => {
      seen.push(context.principal);
      return json(200, { ok: true });
    });
  const call = (headers: Record<string, string>) =>
    handler(
      apiGatewayEvent({ method: 'GET', resource: RESOURCE, path: '/api/internal/pool-abc/certificates', headers }),
      lambdaContext('fn') as AuthenticatedContext,
    );

  let output: CapturedOutput;
  beforeEach(() => {
    seen = [];
    output = captureOutput();
  });
  afterEach(() => output.restore());

  it('resolves the admin key and an org key to their principals before the route runs, whatever the header case', async () => {
    expect((await call({ 'X-API-Key': ADMIN_KEY })).statusCode).toBe(200);
    expect((await call({ 'x-api-key': orgKey.apiKey })).statusCode).toBe(200);
    expect((await call({ 'X-Api-Key': ADMIN_KEY })).statusCode).toBe(200);
    expect(seen).toEqual([{ kind: 'admin' }, { kind: 'org', orgId: 'acme', keyId: orgKey.keyId }, { kind: 'admin' }]);
  });

  it.each([
    ['no key', 'missing_api_key', {}],
    ['an empty key', 'missing_api_key', { 'X-API-Key': '' }],
    ['a wrong key', 'invalid_api_key', { 'X-API-Key': `${ADMIN_KEY}x` }],
    ['an unknown org key', 'invalid_api_key', { 'X-API-Key': generateApiKey().apiKey }],
    ['the key in another header', 'missing_api_key', { Authorization: `Bearer ${ADMIN_KEY}` }],
  ])('answers %s with 401 %s and never runs the route; the key is not logged', async (_name, code, headers) => {
    const response = await call(headers as Record<string, string>);
    expect({ status: response.statusCode, body: JSON.parse(response.body) }).toEqual({ status: 401, body: { error: code, message: expect.any(String) } });
    expect(seen).toEqual([]);
    expect(logLines(output)).toEqual([expect.objectContaining({ level: 'INFO', message: 'request refused', code })]);
    expect(output.lines().join('\n')).not.toContain(ADMIN_KEY);
  });
});
