// First: sets the Powertools variables before src/observability.ts is loaded.
import './powertools-env';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createCertificateHandler } from '../../../functions/certificates/app';
import { DependencyError } from '../../../src/errors';
import { ApiKeyAuthenticator } from '../../../src/usecases/authenticate';
import type { CertificateService } from '../../../src/usecases/certificates';
import type { AdminKeys } from '../../../src/usecases/ports';
import type { RevocationService } from '../../../src/usecases/revocations';
import { type CapturedOutput, captureOutput } from '../../support/captured-output';
import { apiGatewayEvent, lambdaContext } from './lambda-events';
import { TEST_NAMESPACE } from './powertools-env';

/*
 * The admin-side chain (API-key authentication inside the shared chain), with
 * the real ApiKeyAuthenticator: a refused key is logged by code with the
 * request id and pool, never the key; Secrets Manager out of reach is an
 * ERROR line and DependencyFailures{dependency=secrets}.
 */

const ADMIN_KEY = 'admin-key-for-observability-tests-0123456789';
const WRONG_KEY = 'wrong-key-for-observability-tests-9876543210';
const POOL = 'pool-abc123';
const RESOURCE = '/api/internal/{clientPoolId}/certificates';

describe('certificates function observability', () => {
  let output: CapturedOutput;
  let adminKeys: () => Promise<AdminKeys>;

  beforeEach(() => (output = captureOutput()));
  afterEach(() => output.restore());

  const handler = () =>
    createCertificateHandler({
      authenticator: new ApiKeyAuthenticator(() => adminKeys(), { findApiKey: async () => undefined, recordUse: async () => true }),
      // Never reached: every request below stops at authentication.
      certificates: {} as CertificateService,
      revocations: {} as RevocationService,
    });
  const listCertificates = (apiKey: string, requestId: string) =>
    apiGatewayEvent({
      method: 'GET',
      resource: RESOURCE,
      path: `/api/internal/${POOL}/certificates`,
      pathParameters: { clientPoolId: POOL },
      headers: { 'X-API-Key': apiKey },
      requestId,
    });

  it('a wrong API key: 401 and one INFO line with code invalid_api_key, the request id and the pool; neither key printed', async () => {
    adminKeys = async () => ({ current: ADMIN_KEY });
    const response = (await handler()(listCertificates(WRONG_KEY, 'req-key-0001'), lambdaContext('device-idp-certificates') as never)) as APIGatewayProxyResult;
    expect(response.statusCode).toBe(401);
    expect(output.json()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'request refused',
        code: 'invalid_api_key',
        correlation_id: 'req-key-0001',
        clientPoolId: POOL,
        route: `GET ${RESOURCE}`,
      }),
    ]);
    const printed = output.lines().join('\n');
    expect(printed).not.toContain(WRONG_KEY);
    expect(printed).not.toContain(ADMIN_KEY);
  });

  it('Secrets Manager out of reach: 503, an ERROR line naming the dependency and DependencyFailures{dependency=secrets}', async () => {
    adminKeys = async () => {
      throw new DependencyError('secrets', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    };
    const response = (await handler()(
      listCertificates(ADMIN_KEY, 'req-secrets-0001'),
      lambdaContext('device-idp-certificates') as never,
    )) as APIGatewayProxyResult;
    expect(response.statusCode).toBe(503);
    const lines = output.json();
    expect(lines.filter((line) => !('_aws' in line))).toEqual([
      expect.objectContaining({ level: 'ERROR', message: 'dependency failure', dependency: 'secrets', cause: 'Error', correlation_id: 'req-secrets-0001' }),
    ]);
    expect(lines.filter((line) => '_aws' in line)).toEqual([
      expect.objectContaining({
        _aws: expect.objectContaining({
          CloudWatchMetrics: [{ Namespace: TEST_NAMESPACE, Dimensions: [['service', 'dependency']], Metrics: [{ Name: 'DependencyFailures', Unit: 'Count' }] }],
        }),
        dependency: 'secrets',
        DependencyFailures: 1,
      }),
    ]);
    expect(output.lines().join('\n')).not.toContain(ADMIN_KEY);
  });
});
