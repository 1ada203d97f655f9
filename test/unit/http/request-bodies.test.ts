import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ADMIN_BODY_LIMIT, bodyBytes, jsonBody, mediaType } from '../../../src/http/request';
import { apiGatewayEvent } from '../observability/lambda-events';
import { outcomeOf } from '../usecases/outcome';

/*
 * docs/contract.md §3: JSON bodies need Content-Type application/json and at
 * most 16 KiB; API Gateway hands binary media types over base64-encoded.
 * Driven with API Gateway REST events (test/unit/observability/lambda-events.ts);
 * the simpler cases are in request-parsing.test.ts.
 */
const post = (headers: Record<string, string>, body: string | null, isBase64Encoded = false): APIGatewayProxyEvent => ({
  ...apiGatewayEvent({ method: 'POST', resource: '/api/internal/org', path: '/api/internal/org', headers }),
  body,
  isBase64Encoded,
});
const code = (run: () => unknown) => outcomeOf(Promise.resolve().then(run));

describe('mediaType', () => {
  it('is the lower-cased type/subtype, without parameters, from a header of any case', () => {
    expect(mediaType(post({ 'CONTENT-TYPE': 'Application/JSON ; charset=UTF-8' }, '{}'))).toBe('application/json');
    expect(mediaType(post({ 'content-type': 'multipart/form-data; boundary=x' }, ''))).toBe('multipart/form-data');
    expect(mediaType(post({}, '{}'))).toBe('');
  });
});

describe('jsonBody', () => {
  it('parses a JSON body whatever the case of its media type, and one API Gateway base64-encoded', () => {
    expect(jsonBody(post({ 'Content-Type': 'APPLICATION/JSON' }, '{"id":"acme"}'))).toEqual({ id: 'acme' });
    expect(jsonBody(post({ 'Content-Type': 'application/json' }, Buffer.from('{"name":"Zürich"}').toString('base64'), true))).toEqual({ name: 'Zürich' });
  });

  it.each([
    ['a JSON suffix type', 'application/merge-patch+json'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['text', 'text/json'],
  ])('refuses %s with unsupported_media_type before reading the body', async (_name, contentType) => {
    expect(await code(() => jsonBody(post({ 'Content-Type': contentType }, 'x'.repeat(ADMIN_BODY_LIMIT * 2))))).toBe('unsupported_media_type');
  });

  it('refuses an over-limit body as payload_too_large even when it is not JSON, and a body of JSON text that is not JSON as invalid_json', async () => {
    expect(await code(() => jsonBody(post({ 'Content-Type': 'application/json' }, '{'.repeat(ADMIN_BODY_LIMIT + 1))))).toBe('payload_too_large');
    expect(await code(() => jsonBody(post({ 'Content-Type': 'application/json' }, "{'id': 'acme'}")))).toBe('invalid_json');
    expect(await code(() => jsonBody(post({ 'Content-Type': 'application/json' }, '')))).toBe('invalid_json');
  });

  it('measures the limit in bytes, not characters', async () => {
    const characters = ADMIN_BODY_LIMIT / 2; // two bytes each in UTF-8
    expect(jsonBody(post({ 'Content-Type': 'application/json' }, `"${'é'.repeat(characters - 1)}"`))).toHaveLength(characters - 1);
    expect(await code(() => jsonBody(post({ 'Content-Type': 'application/json' }, `"${'é'.repeat(characters)}"`)))).toBe('payload_too_large');
  });
});

describe('bodyBytes with base64 bodies', () => {
  it.each([0, 1, 2])('accepts exactly the limit whatever the padding (limit ≡ %i mod 3), and refuses one byte more', async (remainder) => {
    const limit = 3 * 100 + remainder;
    const at = Buffer.alloc(limit, 0xab);
    expect(bodyBytes(post({}, at.toString('base64'), true), limit).equals(at)).toBe(true);
    expect(await code(() => bodyBytes(post({}, Buffer.alloc(limit + 1).toString('base64'), true), limit))).toBe('payload_too_large');
  });

  it('refuses a huge base64 body from its length, and counts an absent body as empty', async () => {
    expect(await code(() => bodyBytes(post({}, 'A'.repeat(4 * 1024 * 1024), true), 80 * 1024))).toBe('payload_too_large');
    expect(bodyBytes(post({}, null, true), 10)).toEqual(Buffer.alloc(0));
  });
});
