import { openApiDocument } from '../../../src/http/openapi/document';
import { OpenApiRecorder } from '../../support/openapi-recorder';

/* The recorder the coverage test relies on refuses what it should (no server needed: answers are built here). */
describe('OpenApiRecorder', () => {
  const recorder = new OpenApiRecorder(openApiDocument());
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
    status,
    headers: new Headers({ 'Content-Type': 'application/json', ...headers }),
    text: JSON.stringify(body),
  });
  const ORG = 'POST /api/internal/org';
  const organisation = { id: 'acme', name: 'Acme', createdAt: '2030-01-01T00:00:00.000Z' };

  it('accepts a documented answer and counts the pair as produced', () => {
    expect(recorder.notProduced()).toContain(`${ORG} 201`);
    expect(recorder.check(ORG, json(201, organisation)).body).toEqual(organisation);
    expect(recorder.notProduced()).not.toContain(`${ORG} 201`);
  });

  it.each([
    ['an undocumented status', ORG, json(404, { error: 'org_not_found', message: 'm' }), /does not list/],
    ['a 500, which only `default` describes', ORG, json(500, { error: 'internal_error', message: 'm' }), /does not list/],
    ['a route the description does not have', 'GET /api/internal/org', json(200, {}), /not in the OpenAPI description/],
    ['a missing required field', ORG, json(201, { id: 'acme', name: 'Acme' }), /must have required property 'createdAt'/],
    ['a field it does not describe', ORG, json(201, { ...organisation, secret: 'x' }), /must NOT have additional properties/],
    ['a value of the wrong format', ORG, json(201, { ...organisation, createdAt: 'yesterday' }), /must match format "date-time"/],
    ['another media type', ORG, { ...json(201, organisation), headers: new Headers({ 'Content-Type': 'text/html' }) }, /content type text\/html/],
    ['a body that is not JSON', ORG, { ...json(201, organisation), text: '<html>' }, /not JSON/],
    ['a body on a 204', 'DELETE /api/internal/org/{orgId}/api-keys/{keyId}', json(204, {}), /a body where none is documented/],
    ['a 503 without Retry-After', ORG, json(503, { error: 'service_unavailable', message: 'm' }), /missing header Retry-After/],
    ['an admin error shaped as an OAuth one', ORG, json(400, { error: 'invalid_request', error_description: 'd' }), /additional properties/],
    [
      'a token answer that may be cached',
      'POST /pools/{clientPoolId}/oauth2/token',
      json(200, { access_token: 'a', token_type: 'Bearer', expires_in: 60, scope: 'device' }, { 'Cache-Control': 'max-age=60' }),
      /header Cache-Control/,
    ],
  ])('refuses %s', (_what, route, observed, message) => {
    expect(() => recorder.check(route, observed)).toThrow(message);
  });
});
