import { tokenRequestBody } from '../../support/device-client';
import { bindDevice, deviceAssertion, issueDevice, makeOrganisationPki } from '../../support/device-fleet';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../../support/test-idp';

/*
 * Names chosen by the caller (header names, query parameters, form and
 * multipart field names) become keys of maps on the way to the handlers. Named
 * `__proto__` or `constructor`, they must be plain names: every request below
 * answers exactly as it does without them.
 */
const PROTO_QUERY = '?__proto__=1&constructor=2&toString=3';
const PROTO_HEADERS: Array<[string, string]> = [
  ['__proto__', 'x'],
  ['constructor', 'y'],
  ['hasOwnProperty', 'z'],
];

describe('inputs named like Object.prototype members', () => {
  let idp: TestIdp;
  let env: EnvironmentInfo;

  beforeAll(async () => {
    idp = await startTestIdp();
    env = await idp.createEnvironment();
  });
  afterAll(async () => idp?.stop());

  /** Pairs, not an object literal: `{ __proto__: 'x' }` would set a prototype, not a name. */
  const protoHeaders = (extra: Record<string, string> = {}): Headers => {
    const headers = new Headers(extra);
    for (const [name, value] of PROTO_HEADERS) headers.append(name, value);
    return headers;
  };

  it('headers and query parameters on a public route (JWKS): the same answer', async () => {
    const plain = await fetch(`${idp.baseUrl}/pools/${env.clientPoolId}/.well-known/jwks.json`);
    const hostile = await fetch(`${idp.baseUrl}/pools/${env.clientPoolId}/.well-known/jwks.json${PROTO_QUERY}`, { headers: protoHeaders() });
    expect(plain.status).toBe(200);
    expect({ status: hostile.status, body: await hostile.json() }).toEqual({ status: 200, body: await plain.json() });
  });

  it('a header alone, and a query alone, on an authenticated admin route: the same answer', async () => {
    const path = `/api/internal/org/${env.orgId}/env/${env.envId}`;
    const plain = await idp.request(path);
    expect(plain.status).toBe(200);
    const body = await plain.json();
    const headerOnly = await idp.request(path, { headers: protoHeaders() });
    const queryOnly = await idp.request(`${path}${PROTO_QUERY}`);
    expect({ status: headerOnly.status, body: await headerOnly.json() }).toEqual({ status: 200, body });
    expect({ status: queryOnly.status, body: await queryOnly.json() }).toEqual({ status: 200, body });
    // Authentication still reads the real X-API-Key: without it, 401 as ever.
    const anonymous = await idp.request(`${path}${PROTO_QUERY}`, { apiKey: null, headers: protoHeaders() });
    expect({ status: anonymous.status, error: ((await anonymous.json()) as { error: string }).error }).toEqual({ status: 401, error: 'missing_api_key' });
  });

  it('multipart field names: the certificate upload stores the root as without them', async () => {
    const pki = await makeOrganisationPki('Proto');
    const form = new FormData();
    form.append('__proto__', 'x');
    form.append('constructor', new Blob(['y'], { type: 'text/plain' }), 'constructor.txt');
    form.append('certificate', new Blob([pki.root.pem], { type: 'application/x-pem-file' }), 'root-ca.crt');
    const upload = await idp.request(`/api/internal/${env.clientPoolId}/certificates${PROTO_QUERY}`, { method: 'POST', body: form, headers: protoHeaders() });
    expect(upload.status).toBe(201);
    expect(await upload.json()).toMatchObject({ success: true, filename: 'root-ca.crt' });
    const listed = (await (await idp.request(`/api/internal/${env.clientPoolId}/certificates`)).json()) as { certificates: unknown[] };
    expect(listed.certificates).toHaveLength(1);
  });

  it('form fields, headers and query on the token endpoint: a token as without them', async () => {
    const pki = await makeOrganisationPki('ProtoToken');
    const upload = new FormData();
    upload.append('certificate', new Blob([pki.root.pem]), 'root-ca.crt');
    expect((await idp.request(`/api/internal/${env.clientPoolId}/certificates`, { method: 'POST', body: upload })).status).toBe(201);
    const device = await issueDevice(pki.root, pki.intermediate, { deviceId: 'proto-device' });
    await bindDevice(idp, env, device.deviceId, 'client', ['device']);
    const { jwt } = await deviceAssertion(device, env);
    const body = tokenRequestBody(jwt);
    body.append('__proto__', '1');
    body.append('constructor', '2');
    const answer = await fetch(`${env.tokenEndpoint}${PROTO_QUERY}`, {
      method: 'POST',
      headers: protoHeaders({ 'Content-Type': 'application/x-www-form-urlencoded' }),
      body: body.toString(),
    });
    const json = (await answer.json()) as Record<string, unknown>;
    expect({ status: answer.status, tokenType: json.token_type, hasToken: typeof json.access_token === 'string' }).toEqual({
      status: 200,
      tokenType: 'Bearer',
      hasToken: true,
    });
  });
});
