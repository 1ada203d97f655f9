import { startTestIdp, type TestIdp } from '../../support/test-idp';

/*
 * GET /health over real HTTP: unauthenticated, never cached, and naming only
 * dependencies and their states. With the local KMS endpoint really closed
 * (LocalIdp's test hook), 503 names KMS and only KMS; once it is back, 200.
 */
describe('GET /health', () => {
  let idp: TestIdp;
  let kmsDown = false;

  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(async () => {
    if (kmsDown) await idp?.kmsServer.restart();
    await idp?.stop();
  });

  const health = async (init: RequestInit = {}) => {
    const started = Date.now();
    const response = await fetch(`${idp.baseUrl}/health`, init);
    return { status: response.status, headers: response.headers, text: await response.text(), ms: Date.now() - started };
  };

  it('answers 200 with every dependency ok, without an API key, never cached', async () => {
    const answer = await health();
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ status: 'ok', checks: { dynamodb: 'ok', kms: 'ok' } });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('reveals nothing of the deployment: no endpoint, key, table or admin key in the answer', async () => {
    const { text } = await health({ headers: { 'X-API-Key': idp.adminApiKey } });
    for (const secret of [idp.adminApiKey, idp.endpoints.kms, idp.endpoints.dynamodb, idp.tableName, process.env.KMS_KEY_ID ?? 'arn:']) {
      expect(text).not.toContain(secret);
    }
  });

  it('is GET only', async () => {
    expect((await health({ method: 'POST' })).status).toBe(405);
  });

  it('answers 503 naming KMS while the KMS endpoint is down, promptly, and 200 again once it is back', async () => {
    await idp.kmsServer.stop();
    kmsDown = true;
    const down = await health();
    expect({ status: down.status, body: JSON.parse(down.text), retryAfter: down.headers.get('retry-after') }).toEqual({
      status: 503,
      body: { status: 'unavailable', checks: { dynamodb: 'ok', kms: expect.stringMatching(/^(unavailable|timeout)$/) } },
      retryAfter: '5',
    });
    expect(down.ms).toBeLessThan(5_000);

    await idp.kmsServer.restart();
    kmsDown = false;
    const back = await health();
    expect({ status: back.status, body: JSON.parse(back.text) }).toEqual({ status: 200, body: { status: 'ok', checks: { dynamodb: 'ok', kms: 'ok' } } });
  });
});
