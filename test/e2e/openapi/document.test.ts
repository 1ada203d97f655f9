import { ENV } from '../../../src/config-names';
import { openApiDocument } from '../../../src/http/openapi/document';
import { SCHEMA_NAMES } from '../../../src/http/openapi/responses';
import type { OpenApiDocument, OperationObject } from '../../../src/http/openapi/types';
import { OPENAPI_RESOURCE, ROUTES, routeKey } from '../../../src/http/routes';
import { OpenApiRecorder } from '../../support/openapi-recorder';
import { startTestIdp, type TestIdp } from '../../support/test-idp';
import { validateOpenApi } from './validate-openapi';

const METHODS = ['get', 'post', 'patch', 'delete'] as const;

function operations(document: OpenApiDocument): Array<[string, OperationObject]> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method] !== undefined).map((method) => [`${method.toUpperCase()} ${path}`, item[method]!] as [string, OperationObject]),
  );
}

describe('the OpenAPI description at GET /api/openapi.json', () => {
  let idp: TestIdp;
  let text: string;
  let served: OpenApiDocument;

  beforeAll(async () => {
    idp = await startTestIdp();
    const response = await idp.request(OPENAPI_RESOURCE, { apiKey: null });
    expect({ status: response.status, type: response.headers.get('content-type'), cache: response.headers.get('cache-control') }).toEqual({
      status: 200,
      type: 'application/json',
      cache: 'public, max-age=300',
    });
    text = await response.text();
    served = JSON.parse(text) as OpenApiDocument;
  });
  afterAll(() => idp?.stop());

  it('is public, and is the document the code builds, naming this API as its server', async () => {
    expect(served).toEqual(openApiDocument({ serverUrl: idp.baseUrl }));
    expect(served.servers).toEqual([{ url: idp.baseUrl }]);
    // A key, even a wrong one, changes nothing; other methods are not routed.
    const withWrongKey = await idp.request(OPENAPI_RESOURCE, { apiKey: 'not-a-key-of-this-idp' });
    expect([withWrongKey.status, await withWrongKey.text()]).toEqual([200, text]);
    expect((await idp.request(OPENAPI_RESOURCE, { method: 'POST', apiKey: null })).status).toBe(405);
  });

  it('is a valid OpenAPI 3.1 document for @seriousme/openapi-schema-validator, which refuses broken copies', async () => {
    expect(served.openapi).toBe('3.1.1');
    const undescribed = structuredClone(served);
    delete (undescribed.paths[OPENAPI_RESOURCE].get!.responses['200'] as { description?: string }).description;
    const optionalPathParameter = structuredClone(served);
    optionalPathParameter.paths['/health/{clientPoolId}'] = {
      parameters: [{ ...served.paths['/pools/{clientPoolId}/oauth2/token'].parameters![0], required: false }],
    };
    const danglingRef = structuredClone(served);
    delete (danglingRef.components.schemas as Record<string, unknown>).Device;
    const verdicts = await Promise.all([served, undescribed, optionalPathParameter, danglingRef].map(validateOpenApi));
    expect(verdicts.map((verdict) => verdict.valid)).toEqual([true, false, false, false]);
    expect(verdicts[0]).toEqual({ valid: true });
  });

  it('describes exactly the routes of src/http/routes.ts, which include the description itself', () => {
    expect(
      operations(served)
        .map(([key]) => key)
        .sort(),
    ).toEqual(ROUTES.map(routeKey).sort());
    expect(ROUTES.filter((route) => route.resource === OPENAPI_RESOURCE)).toEqual([{ method: 'GET', resource: OPENAPI_RESOURCE, function: 'admin' }]);
  });

  it('asks for X-API-Key exactly where the functions do, and documents 401 and 503 there', () => {
    const byKey = new Map(operations(served));
    for (const route of ROUTES) {
      const operation = byKey.get(routeKey(route))!;
      const isPublic = route.function === 'token' || route.resource === OPENAPI_RESOURCE;
      expect([routeKey(route), operation.security]).toEqual([routeKey(route), isPublic ? [] : [{ apiKey: [] }]]);
      if (!isPublic) expect([routeKey(route), Object.keys(operation.responses)]).toEqual([routeKey(route), expect.arrayContaining(['401', '503'])]);
      expect([routeKey(route), Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status))]).toEqual([routeKey(route), true]);
    }
    expect(served.components.securitySchemes).toEqual({ apiKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }) });
  });

  it('declares each path parameter of every template, and gives every operation its own id', () => {
    for (const [path, item] of Object.entries(served.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
      expect([path, (item.parameters ?? []).map((parameter) => [parameter.name, parameter.in, parameter.required])]).toEqual([
        path,
        names.map((name) => [name, 'path', true]),
      ]);
    }
    const ids = operations(served).map(([, operation]) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('compiles under ajv strict mode; its components are exactly the named schemas, each one used', () => {
    expect(() => new OpenApiRecorder(served)).not.toThrow();
    expect(Object.keys(served.components.schemas).sort()).toEqual([...SCHEMA_NAMES].sort());
    const { components, ...rest } = served;
    const outside = JSON.stringify(rest) + JSON.stringify(components.schemas);
    for (const name of SCHEMA_NAMES) expect([name, outside.includes(`"#/components/schemas/${name}"`)]).toEqual([name, true]);
  });

  it('holds no secret and no deployment detail', () => {
    const secrets = [
      idp.adminApiKey,
      idp.tableName,
      idp.runtimeTableName,
      idp.bucketName,
      process.env[ENV.kmsKeyId],
      idp.endpoints.dynamodb,
      idp.endpoints.s3,
      idp.endpoints.kms,
    ];
    for (const secret of secrets) {
      expect(secret).toBeTruthy();
      expect(text.includes(String(secret))).toBe(false);
    }
    expect(text).not.toMatch(/arn:aws|AKIA|secretsmanager/i);
  });
});
