import { decodeJwt } from 'jose';
import type { DeviceCredentials } from '../../../src/client/device-credentials';
import { getDeviceToken } from '../../../src/client/device-token-client';
import { DeviceClientError, TokenEndpointError } from '../../../src/client/errors';
import { startScriptedTokenServer, TOKEN_REPLY, testDevice } from './helpers';

/*
 * Token requests against a real HTTP endpoint started here: both docs/contract.md §4.1
 * forms, and retries on 503/429 as Retry-After asks, jittered and bounded.
 * The waits are recorded, not slept.
 */

const UNAVAILABLE = {
  status: 503,
  headers: { 'Retry-After': '5' },
  body: { error: 'temporarily_unavailable', error_description: 'a backing service is unavailable; retry later' },
};

describe('token requests', () => {
  let credentials: DeviceCredentials;
  beforeAll(async () => {
    ({ credentials } = await testDevice());
  });

  function run(url: string, options: { form?: 'jwt-bearer' | 'client-credentials'; scope?: string; resource?: string; maxAttempts?: number } = {}) {
    const waits: number[] = [];
    const promise = getDeviceToken(
      {
        tokenEndpoint: url,
        clientId: 'client',
        credentials,
        form: options.form,
        scope: options.scope,
        resource: options.resource,
        retry: options.maxAttempts ? { maxAttempts: options.maxAttempts } : undefined,
      },
      { sleep: async (ms) => void waits.push(ms), random: () => 0.5 },
    );
    return { promise, waits };
  }

  it('form 1: grant_type jwt-bearer with the assertion, scope and resource; aud is the endpoint', async () => {
    const server = await startScriptedTokenServer([TOKEN_REPLY]);
    try {
      const token = await run(server.url, { scope: 'device', resource: 'https://api.example.com' }).promise;
      expect(token).toMatchObject({ accessToken: 'token-1', tokenType: 'Bearer', scope: 'device', fromCache: false, expiresIn: 3600 });
      expect(server.requests).toHaveLength(1);
      const [request] = server.requests;
      expect(request.method).toBe('POST');
      expect(request.contentType).toBe('application/x-www-form-urlencoded');
      expect([...request.body.keys()].sort()).toEqual(['assertion', 'grant_type', 'resource', 'scope']);
      expect(request.body.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
      expect(decodeJwt(request.body.get('assertion')!)).toMatchObject({ iss: 'client', sub: 'device-1', aud: server.url });
    } finally {
      await server.close();
    }
  });

  it('form 2: client_credentials with client_assertion_type, client_assertion and client_id', async () => {
    const server = await startScriptedTokenServer([TOKEN_REPLY]);
    try {
      await run(server.url, { form: 'client-credentials' }).promise;
      const { body } = server.requests[0];
      expect([...body.keys()].sort()).toEqual(['client_assertion', 'client_assertion_type', 'client_id', 'grant_type']);
      expect(body.get('grant_type')).toBe('client_credentials');
      expect(body.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      expect(body.get('client_id')).toBe('client');
      expect(decodeJwt(body.get('client_assertion')!).iss).toBe('client');
    } finally {
      await server.close();
    }
  });

  it('503 then 200: waits Retry-After plus jitter once, and sends a fresh assertion (new jti) the second time', async () => {
    const server = await startScriptedTokenServer([UNAVAILABLE, TOKEN_REPLY]);
    try {
      const { promise, waits } = run(server.url);
      expect((await promise).accessToken).toBe('token-1');
      expect(waits).toEqual([5625]);
      expect(server.requests).toHaveLength(2);
      const [first, second] = server.requests.map((r) => decodeJwt(r.body.get('assertion')!).jti);
      expect(first).not.toBe(second);
    } finally {
      await server.close();
    }
  });

  it('always 503: gives up after maxAttempts requests with the 503 and its Retry-After', async () => {
    const server = await startScriptedTokenServer([UNAVAILABLE]);
    try {
      const { promise, waits } = run(server.url, { maxAttempts: 3 });
      const error = await promise.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenEndpointError);
      expect(error).toMatchObject({ status: 503, error: 'temporarily_unavailable', retryAfterSeconds: 5 });
      expect(server.requests).toHaveLength(3);
      expect(waits).toEqual([5625, 5625]);
    } finally {
      await server.close();
    }
  });

  it('a Retry-After beyond 60 s ends the retries at once; 429 without Retry-After backs off; 400 is never retried', async () => {
    const long = await startScriptedTokenServer([{ ...UNAVAILABLE, headers: { 'Retry-After': '600' } }, TOKEN_REPLY]);
    const throttled = await startScriptedTokenServer([{ status: 429, body: { message: 'Too Many Requests' } }, TOKEN_REPLY]);
    const refused = await startScriptedTokenServer([{ status: 400, body: { error: 'invalid_grant', error_description: 'binding_not_found: no binding' } }]);
    try {
      await expect(run(long.url).promise).rejects.toMatchObject({ status: 503, retryAfterSeconds: 600 });
      expect(long.requests).toHaveLength(1);

      const backoff = run(throttled.url);
      expect((await backoff.promise).accessToken).toBe('token-1');
      expect(backoff.waits).toEqual([1125]);

      await expect(run(refused.url).promise).rejects.toMatchObject({ status: 400, error: 'invalid_grant', code: 'binding_not_found' });
      expect(refused.requests).toHaveLength(1);
    } finally {
      await Promise.all([long.close(), throttled.close(), refused.close()]);
    }
  });

  it('an endpoint that does not answer is retried with backoff, then reported as token_endpoint_unreachable', async () => {
    const server = await startScriptedTokenServer([TOKEN_REPLY]);
    await server.close();
    const { promise, waits } = run(server.url, { maxAttempts: 2 });
    const error = await promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceClientError);
    expect(error).toMatchObject({ code: 'token_endpoint_unreachable' });
    expect(waits).toEqual([1125]);
  });

  it('a 200 without an RFC 6749 token response, or an error without an OAuth body, is token_response_invalid', async () => {
    const empty = await startScriptedTokenServer([{ status: 200, body: { token: 'x' } }]);
    const html = await startScriptedTokenServer([{ status: 502, body: '<html>Bad Gateway</html>' }]);
    try {
      await expect(run(empty.url).promise).rejects.toMatchObject({ code: 'token_response_invalid' });
      await expect(run(html.url).promise).rejects.toMatchObject({ code: 'token_response_invalid', message: expect.stringContaining('HTTP 502') });
    } finally {
      await Promise.all([empty.close(), html.close()]);
    }
  });

  it('refuses a token endpoint that is not an absolute http(s) URL before sending anything', async () => {
    await expect(run('ftp://idp.example.com/token').promise).rejects.toMatchObject({ code: 'token_endpoint_invalid' });
    await expect(run('pools/p/oauth2/token').promise).rejects.toMatchObject({ code: 'token_endpoint_invalid' });
  });
});
