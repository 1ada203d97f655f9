import { json, noContent } from '../../../src/http/responses';

/* The two answer shapes every route builds on (src/http/responses.ts). */
describe('responses', () => {
  it('json: the body serialised, JSON and nosniff headers, extra headers added', () => {
    expect(json(201, { id: 'acme' }, { 'Cache-Control': 'no-store' })).toEqual({
      statusCode: 201,
      headers: { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' },
      body: '{"id":"acme"}',
    });
  });

  it('noContent: 204 with an empty body and no Content-Type', () => {
    expect(noContent()).toEqual({ statusCode: 204, headers: { 'X-Content-Type-Options': 'nosniff' }, body: '' });
  });
});
