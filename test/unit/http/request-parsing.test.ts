import type { APIGatewayProxyEvent } from 'aws-lambda';
import { DomainError } from '../../../src/errors';
import { parseMultipart } from '../../../src/http/multipart';
import { ADMIN_BODY_LIMIT, bodyBytes, header, jsonBody, pathParameter } from '../../../src/http/request';
import { json } from '../../../src/http/responses';
import { createRouter } from '../../../src/http/router';

const event = (overrides: Partial<APIGatewayProxyEvent>): APIGatewayProxyEvent =>
  ({ headers: {}, body: null, isBase64Encoded: false, ...overrides }) as APIGatewayProxyEvent;
const codeOf = async (run: () => unknown): Promise<string> => {
  try {
    await run();
    return 'ok';
  } catch (error) {
    return error instanceof DomainError ? error.code : `not a DomainError: ${String(error)}`;
  }
};

describe('request helpers', () => {
  it('reads headers case-insensitively', () => {
    expect(header(event({ headers: { 'x-api-key': 'k' } }), 'X-API-Key')).toBe('k');
    expect(header(event({ headers: { 'X-Api-KEY': 'k' } }), 'x-api-key')).toBe('k');
    expect(header(event({ headers: {} }), 'x-api-key')).toBeUndefined();
  });

  it('jsonBody parses application/json (with parameters) and nothing else', async () => {
    expect(jsonBody(event({ headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: '{"a":1}' }))).toEqual({ a: 1 });
    expect(await codeOf(() => jsonBody(event({ headers: { 'Content-Type': 'text/plain' }, body: '{}' })))).toBe('unsupported_media_type');
    expect(await codeOf(() => jsonBody(event({ body: '{}' })))).toBe('unsupported_media_type');
    expect(await codeOf(() => jsonBody(event({ headers: { 'content-type': 'application/json' }, body: '{"a":' })))).toBe('invalid_json');
    expect(await codeOf(() => jsonBody(event({ headers: { 'content-type': 'application/json' }, body: null })))).toBe('invalid_json');
  });

  it('jsonBody refuses a body over 16 KiB with payload_too_large, and accepts one at the limit', async () => {
    const at = (size: number) => event({ headers: { 'content-type': 'application/json' }, body: `"${'x'.repeat(size - 2)}"` });
    expect(jsonBody(at(ADMIN_BODY_LIMIT))).toHaveLength(ADMIN_BODY_LIMIT - 2);
    expect(await codeOf(() => jsonBody(at(ADMIN_BODY_LIMIT + 1)))).toBe('payload_too_large');
  });

  it('bodyBytes decodes base64 bodies and measures decoded bytes', async () => {
    const bytes = Buffer.from([0, 1, 2, 255]);
    expect(bodyBytes(event({ body: bytes.toString('base64'), isBase64Encoded: true }), 4).equals(bytes)).toBe(true);
    expect(await codeOf(() => bodyBytes(event({ body: Buffer.alloc(5).toString('base64'), isBase64Encoded: true }), 4))).toBe('payload_too_large');
    expect(await codeOf(() => bodyBytes(event({ body: 'é'.repeat(3) }), 5))).toBe('payload_too_large');
  });

  it('pathParameter decodes the value and reports a missing one as route_not_found', async () => {
    expect(pathParameter(event({ pathParameters: { deviceId: 'AA%3ABB' } }), 'deviceId')).toBe('AA:BB');
    expect(pathParameter(event({ pathParameters: { deviceId: '%E0%A4%A' } }), 'deviceId')).toBe('%E0%A4%A');
    expect(await codeOf(() => pathParameter(event({ pathParameters: null }), 'deviceId'))).toBe('route_not_found');
  });
});

describe('createRouter', () => {
  const route = createRouter<'GET /api/internal/{clientPoolId}/crls', unknown>({
    'GET /api/internal/{clientPoolId}/crls': async () => json(200, { ok: true }),
  });

  it('dispatches on method and resource template', async () => {
    expect((await route(event({ httpMethod: 'GET', resource: '/api/internal/{clientPoolId}/crls' }), {})).statusCode).toBe(200);
  });

  it('tells method_not_allowed from route_not_found', async () => {
    expect(await codeOf(() => route(event({ httpMethod: 'DELETE', resource: '/api/internal/{clientPoolId}/crls' }), {}))).toBe('method_not_allowed');
    expect(await codeOf(() => route(event({ httpMethod: 'GET', resource: '/other' }), {}))).toBe('route_not_found');
  });
});

describe('parseMultipart', () => {
  const boundary = 'XyZ';
  const form = (...parts: Array<{ field: string; content: string | Buffer; filename?: string }>) =>
    Buffer.concat([
      ...parts.map((part) =>
        Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="${part.field}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}\r\n\r\n`,
          ),
          Buffer.from(part.content),
          Buffer.from('\r\n'),
        ]),
      ),
      Buffer.from(`--${boundary}--\r\n`),
    ]);
  const parse = (body: Buffer, maxFileBytes = 10) =>
    parseMultipart(body, `multipart/form-data; boundary=${boundary}`, { maxFileBytes, maxFiles: 2, maxFields: 2 });

  it('returns file parts with their field, filename and bytes; plain fields are not files', async () => {
    const files = await parse(form({ field: 'certificate', content: 'PEM', filename: 'root-ca.crt' }, { field: 'note', content: 'hi' }));
    expect(files).toEqual([{ field: 'certificate', filename: 'root-ca.crt', data: Buffer.from('PEM') }]);
  });

  it('accepts a file of exactly maxFileBytes and refuses one byte more with file_too_large', async () => {
    expect((await parse(form({ field: 'certificate', content: 'x'.repeat(10), filename: 'a' })))[0].data).toHaveLength(10);
    expect(await codeOf(() => parse(form({ field: 'certificate', content: 'x'.repeat(11), filename: 'a' })))).toBe('file_too_large');
  });

  it('keeps an empty file part (so the policy can say empty_file)', async () => {
    expect(await parse(form({ field: 'certificate', content: '', filename: 'empty.crt' }))).toEqual([
      { field: 'certificate', filename: 'empty.crt', data: Buffer.alloc(0) },
    ]);
  });

  it('refuses more files than allowed with too_many_files', async () => {
    const part = { field: 'certificate', content: 'x', filename: 'a' };
    expect(await codeOf(() => parse(form(part, part, part)))).toBe('too_many_files');
  });

  it('refuses a missing boundary and a malformed body with malformed_multipart', async () => {
    expect(await codeOf(() => parseMultipart(Buffer.from('x'), 'multipart/form-data', { maxFileBytes: 10, maxFiles: 1, maxFields: 1 }))).toBe(
      'malformed_multipart',
    );
    expect(
      await codeOf(() => parse(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="certificate"; filename="a"\r\n\r\nunterminated`))),
    ).toBe('malformed_multipart');
  });
});
