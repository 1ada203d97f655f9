// First: sets the Powertools variables before src/observability.ts is loaded.
import './powertools-env';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createTokenHandler } from '../../../functions/token/app';
import { DependencyError } from '../../../src/errors';
import { IssueToken } from '../../../src/usecases/issue-token';
import { type CapturedOutput, captureOutput } from '../../support/captured-output';
import { signAssertion, tokenRequestBody } from '../../support/device-client';
import { TEST_NOW, type TestCertificate } from '../../support/pki';
import { acmeDeviceChain, BASE, POOL, World } from '../assertion/in-memory-ports';
import { apiGatewayEvent, lambdaContext } from './lambda-events';
import { TEST_NAMESPACE, TEST_SERVICE } from './powertools-env';

/*
 * The token function's logs and metrics, as CloudWatch would receive them:
 * the real handler chain and IssueToken (in-memory ports), a fake API Gateway
 * event and Lambda context, and the process's stdout and stderr captured.
 * Every log line is one JSON object carrying API Gateway's request id as
 * `correlation_id`, the route, the pool and the refusal code — never the
 * assertion, the form or the token; every outcome is one EMF document.
 */

const TOKEN_RESOURCE = '/pools/{clientPoolId}/oauth2/token';
const TOKEN_ROUTE = `POST ${TOKEN_RESOURCE}`;

interface EmfDocument {
  _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [key: string]: unknown;
}

const isEmf = (line: Record<string, unknown>): line is EmfDocument => typeof line._aws === 'object' && line._aws !== null;

describe('token function observability', () => {
  let root: TestCertificate;
  let intermediate: TestCertificate;
  let device: TestCertificate;
  let world: World;
  let output: CapturedOutput;

  beforeAll(async () => {
    ({ root, intermediate, device } = await acmeDeviceChain());
  });

  beforeEach(() => {
    world = new World();
    world.trust(root);
    world.bind('device-1', 'client', ['device']);
    output = captureOutput();
  });
  afterEach(() => output.restore());

  const handler = () =>
    createTokenHandler({
      issueToken: new IssueToken(world.deps()),
      discovery: { jwks: async () => ({ keys: [] }), metadata: async () => ({}) as never },
      health: { execute: async () => ({ status: 'ok' }) as never },
    });

  async function assertion(jti: string): Promise<string> {
    const { jwt } = await signAssertion({
      alg: 'ES256',
      privateKey: device.keys.privateKey,
      x5c: [device.der, intermediate.der],
      iss: 'client',
      sub: 'device-1',
      aud: `${BASE}/pools/${POOL}/oauth2/token`,
      now: TEST_NOW,
      claims: { jti },
    });
    return jwt;
  }

  function tokenEvent(form: string, requestId: string, clientPoolId = POOL) {
    return apiGatewayEvent({
      method: 'POST',
      resource: TOKEN_RESOURCE,
      path: `/pools/${clientPoolId}/oauth2/token`,
      pathParameters: { clientPoolId },
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form,
      requestId,
    });
  }

  const logLines = () => output.json().filter((line) => !isEmf(line));
  const emf = () => output.json().filter(isEmf);
  const metricNames = (document: EmfDocument) => document._aws.CloudWatchMetrics.flatMap((set) => set.Metrics.map((metric) => metric.Name));
  const invoke = async (event: ReturnType<typeof tokenEvent>, run = handler()) =>
    (await run(event, lambdaContext('device-idp-token'))) as APIGatewayProxyResult;

  it('an issued token: an INFO line with the request id, pool, device and route, and TokensIssued; never the assertion or the token', async () => {
    const jwt = await assertion('jti-issued');
    const form = tokenRequestBody(jwt).toString();
    const context = lambdaContext('device-idp-token');
    const response = (await handler()(tokenEvent(form, 'req-issued-0001'), context)) as APIGatewayProxyResult;
    expect(response.statusCode).toBe(200);
    const accessToken = (JSON.parse(response.body) as { access_token: string }).access_token;

    expect(logLines()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'token issued',
        service: TEST_SERVICE,
        correlation_id: 'req-issued-0001',
        function_request_id: context.awsRequestId,
        function_name: 'device-idp-token',
        route: TOKEN_ROUTE,
        clientPoolId: POOL,
        deviceId: 'device-1',
        clientAppId: 'client',
      }),
    ]);
    const [document, ...others] = emf();
    expect(others).toEqual([]);
    expect(document._aws.CloudWatchMetrics).toEqual([
      { Namespace: TEST_NAMESPACE, Dimensions: [['service']], Metrics: [{ Name: 'TokensIssued', Unit: 'Count' }] },
    ]);
    expect(document).toMatchObject({ service: TEST_SERVICE, TokensIssued: 1 });

    const printed = output.lines().join('\n');
    for (const secret of [jwt, ...jwt.split('.'), form, accessToken]) expect(printed).not.toContain(secret);
  });

  it('a refusal: one INFO line with correlation_id, code, clientPoolId and route, and TokenRefusals with the code dimension; the replayed assertion never printed', async () => {
    const run = handler();
    const jwt = await assertion('jti-replayed');
    const form = tokenRequestBody(jwt).toString();
    expect((await invoke(tokenEvent(form, 'req-first-0001'), run)).statusCode).toBe(200);
    output.clear();

    const replayed = await invoke(tokenEvent(form, 'req-replay-0002'), run);
    expect(replayed.statusCode).toBe(400);
    expect(JSON.parse(replayed.body)).toMatchObject({ error: 'invalid_grant' });

    const lines = logLines();
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'request refused',
        code: 'assertion_replayed',
        correlation_id: 'req-replay-0002',
        clientPoolId: POOL,
        route: TOKEN_ROUTE,
      }),
    ]);
    expect(typeof lines[0].timestamp).toBe('string');
    const [document, ...others] = emf();
    expect(others).toEqual([]);
    expect(document._aws.CloudWatchMetrics).toEqual([
      { Namespace: TEST_NAMESPACE, Dimensions: [['service', 'code']], Metrics: [{ Name: 'TokenRefusals', Unit: 'Count' }] },
    ]);
    expect(document).toMatchObject({ service: TEST_SERVICE, code: 'assertion_replayed', TokenRefusals: 1 });

    const printed = output.lines().join('\n');
    for (const secret of [jwt, ...jwt.split('.'), form]) expect(printed).not.toContain(secret);
  });

  it('a refusal for a stale CRL: TokenRefusals{code=crl_expired} and StaleCrls (service dimension only)', async () => {
    world.publishCrl(intermediate, { thisUpdate: new Date(TEST_NOW.getTime() - 7_200_000), nextUpdate: new Date(TEST_NOW.getTime() - 1000) });
    const response = await invoke(tokenEvent(tokenRequestBody(await assertion('jti-stale')).toString(), 'req-stale-0001'));
    expect(response.statusCode).toBe(400);

    expect(logLines()).toEqual([expect.objectContaining({ message: 'request refused', code: 'crl_expired', correlation_id: 'req-stale-0001' })]);
    const documents = emf();
    expect(documents.map(metricNames)).toEqual([['TokenRefusals'], ['StaleCrls']]);
    expect(documents[0]).toMatchObject({ code: 'crl_expired', TokenRefusals: 1 });
    expect(documents[1]._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service']]);
    expect(documents[1]).toMatchObject({ StaleCrls: 1 });
    expect(documents[1]).not.toHaveProperty('code');
  });

  it('a dependency failure: an ERROR line naming the dependency, 503, and DependencyFailures{dependency=kms}; no refusal counted', async () => {
    world.signerFailure = new DependencyError('kms', Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError' }));
    const response = await invoke(tokenEvent(tokenRequestBody(await assertion('jti-kms')).toString(), 'req-kms-0001'));
    expect(response.statusCode).toBe(503);

    expect(logLines()).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'dependency failure',
        dependency: 'kms',
        cause: 'TimeoutError',
        correlation_id: 'req-kms-0001',
        clientPoolId: POOL,
      }),
    ]);
    const [document, ...others] = emf();
    expect(others).toEqual([]);
    expect(document._aws.CloudWatchMetrics).toEqual([
      { Namespace: TEST_NAMESPACE, Dimensions: [['service', 'dependency']], Metrics: [{ Name: 'DependencyFailures', Unit: 'Count' }] },
    ]);
    expect(document).toMatchObject({ dependency: 'kms', DependencyFailures: 1 });
  });

  it('a path segment that is not a pool id is not copied into the logs (it may be anything a caller typed)', async () => {
    const jwt = await assertion('jti-path');
    const response = await invoke(tokenEvent(tokenRequestBody(jwt).toString(), 'req-path-0001', jwt));
    expect(response.statusCode).toBe(404);
    const [line, ...others] = logLines();
    expect(others).toEqual([]);
    expect(line).toMatchObject({ message: 'request refused', code: 'pool_not_found', correlation_id: 'req-path-0001', route: TOKEN_ROUTE });
    expect(line).not.toHaveProperty('clientPoolId');
    const printed = output.lines().join('\n');
    for (const secret of jwt.split('.')) expect(printed).not.toContain(secret);
  });

  it('keys of one invocation do not reach the next: a health check after a token request has its own request id and no pool', async () => {
    const run = handler();
    expect((await invoke(tokenEvent('grant_type=password', 'req-pool-0001'), run)).statusCode).toBe(400);
    expect(logLines()).toEqual([expect.objectContaining({ correlation_id: 'req-pool-0001', clientPoolId: POOL })]);
    output.clear();
    const health = await run(
      apiGatewayEvent({ method: 'GET', resource: '/health', path: '/health', requestId: 'req-health-0002' }),
      lambdaContext('device-idp-token'),
    );
    expect((health as APIGatewayProxyResult).statusCode).toBe(200);
    const probe = (await run(
      apiGatewayEvent({ method: 'DELETE', resource: '/health', path: '/health', requestId: 'req-health-0003' }),
      lambdaContext('device-idp-token'),
    )) as APIGatewayProxyResult;
    expect(probe.statusCode).toBe(405);
    const [line, ...others] = logLines();
    expect(others).toEqual([]);
    expect(line).toMatchObject({ message: 'request refused', code: 'method_not_allowed', correlation_id: 'req-health-0003', route: 'DELETE /health' });
    expect(line).not.toHaveProperty('clientPoolId');
    // Neither the health check nor a refusal outside the token route is a token outcome.
    expect(emf()).toEqual([]);
  });
});
