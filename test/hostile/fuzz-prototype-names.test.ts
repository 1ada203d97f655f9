import fc from 'fast-check';
import { tokenRequestBody } from '../support/device-client';
import { deviceAssertion, type EnrolledDevice } from '../support/device-fleet';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../support/test-idp';
import { createTrustedPool, enrolDevice, type OrganisationPki } from '../support/trusted-pool';
import { fuzzParameters, fuzzTimeout } from './support/fuzz-settings';
import { failOnUnhandledRejections } from './support/rejection-watch';

/*
 * Every map built from caller input — JSON objects, header names, query
 * parameters, multipart field names, token form fields — is keyed by names
 * the caller chooses. Named like members of Object.prototype (`__proto__`,
 * `constructor`, `toString`…), they are plain names: one property per input
 * surface, each run mixing such names with ordinary ones. Never a 5xx, never
 * an unhandled rejection; the answer is the one the request gets without
 * them, or (tags and metadata only) 400 invalid_field with nothing stored.
 */
const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  '__defineGetter__',
  '__lookupSetter__',
  'toLocaleString',
] as const;
/** Map keys the product refuses outright (src/domain/fields.ts). */
const RESERVED_MAP_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAP_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;

/** A name from Object.prototype, or an ordinary lower-case name that no route gives a meaning. */
const hostileName = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.stringMatching(/^x[a-z0-9]{0,8}$/));
const names = fc.uniqueArray(hostileName, { minLength: 1, maxLength: 6 });
const value = fc.stringMatching(/^[A-Za-z0-9 ._-]{0,12}$/);
const entries = fc.uniqueArray(fc.tuple(hostileName, value), { minLength: 1, maxLength: 6, selector: ([name]) => name });

/** JSON text from entries: an object literal would set a prototype instead of a key named `__proto__`. */
const jsonObject = (pairs: ReadonlyArray<readonly [string, unknown]>) => `{${pairs.map(([name, item]) => `${JSON.stringify(name)}:${item}`).join(',')}}`;
const jsonMap = (pairs: ReadonlyArray<readonly [string, string]>) => jsonObject(pairs.map(([name, item]) => [name, JSON.stringify(item)] as const));

describe('fuzz: caller-chosen names shaped like Object.prototype members, every input surface', () => {
  const RUNS = 25;
  let idp: TestIdp;
  let env: EnvironmentInfo;
  let pki: OrganisationPki;
  let device: EnrolledDevice;
  const devicePath = () => `/api/internal/org/${env.orgId}/env/${env.envId}/device/${device.deviceId}`;
  const answerOf = async (response: Response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> });

  failOnUnhandledRejections();
  beforeAll(async () => {
    idp = await startTestIdp();
    ({ env, pki } = await createTrustedPool(idp, { pkiName: 'Prototype Fuzz' }));
    device = await enrolDevice(idp, env, pki, { deviceId: 'prototype-fuzz-device' });
  });
  afterAll(() => idp?.stop());

  it(
    'JSON bodies: tags and metadata keys are stored as given, or refused with 400 invalid_field and nothing changed',
    async () => {
      const property = fc.asyncProperty(fc.constantFrom('tags', 'metadata'), entries, async (field, pairs) => {
        const before = await answerOf(await idp.request(devicePath()));
        const response = await idp.request(devicePath(), {
          method: 'PATCH',
          body: jsonObject([[field, jsonMap(pairs)]]),
          headers: { 'Content-Type': 'application/json' },
        });
        const answer = await answerOf(response);
        const refused = pairs.some(([name]) => RESERVED_MAP_KEYS.has(name) || !MAP_KEY.test(name));
        if (refused) {
          expect({ status: answer.status, error: answer.body.error }).toEqual({ status: 400, error: 'invalid_field' });
          expect(await answerOf(await idp.request(devicePath()))).toEqual(before);
        } else {
          expect(answer.status).toBe(200);
          const stored = (await answerOf(await idp.request(devicePath()))).body[field] as Record<string, unknown>;
          expect(Object.entries(stored).sort()).toEqual([...pairs].map(([name, item]) => [name, item]).sort());
        }
      });
      await fc.assert(property, fuzzParameters(RUNS));
    },
    fuzzTimeout(RUNS),
  );

  it(
    'JSON bodies: top-level names of every admin body answer 400 or as without them, never a 5xx',
    async () => {
      const property = fc.asyncProperty(names, async (extra) => {
        const pairs = extra.map((name) => [name, '"x"'] as const);
        const bodies: Array<[string, string, string]> = [
          ['PATCH', devicePath(), jsonObject([['status', '"active"'], ...pairs])],
          ['POST', `${devicePath()}/app`, jsonObject([['clientAppId', '"client"'], ['scopes', '["device"]'], ...pairs])],
          ['PATCH', `/api/internal/org/${env.orgId}/env/${env.envId}`, jsonObject(pairs)],
          ['POST', '/api/internal/org', jsonObject([['id', '"proto-org"'], ['name', '"Proto"'], ...pairs])],
        ];
        for (const [method, path, body] of bodies) {
          const answer = await answerOf(await idp.request(path, { method, body, headers: { 'Content-Type': 'application/json' } }));
          expect(answer.status).toBeLessThan(500);
          if (answer.status >= 400) expect(typeof answer.body.error).toBe('string');
        }
        // Nothing was poisoned: the device reads back as a plain object, and still gets tokens.
        const read = await answerOf(await idp.request(devicePath()));
        expect({ status: read.status, deviceId: read.body.deviceId }).toEqual({ status: 200, deviceId: device.deviceId });
      });
      await fc.assert(property, fuzzParameters(RUNS));
    },
    fuzzTimeout(RUNS),
  );

  it(
    'headers and query parameters: the same answer as without them, on a public and an authenticated route',
    async () => {
      const jwksPath = `/pools/${env.clientPoolId}/.well-known/jwks.json`;
      const envPath = `/api/internal/org/${env.orgId}/env/${env.envId}`;
      const [jwks, environment] = [await answerOf(await fetch(`${idp.baseUrl}${jwksPath}`)), await answerOf(await idp.request(envPath))];
      const property = fc.asyncProperty(entries, entries, async (headerPairs, queryPairs) => {
        const headers = new Headers();
        for (const [name, item] of headerPairs) headers.append(name, item);
        const query = `?${new URLSearchParams(queryPairs.map(([name, item]) => [name, item])).toString()}`;
        expect(await answerOf(await fetch(`${idp.baseUrl}${jwksPath}${query}`, { headers }))).toEqual(jwks);
        expect(await answerOf(await idp.request(`${envPath}${query}`, { headers }))).toEqual(environment);
      });
      await fc.assert(property, fuzzParameters(RUNS));
    },
    fuzzTimeout(RUNS),
  );

  it(
    'multipart field names: the upload answers as without them (the root is already trusted: 200)',
    async () => {
      // At most three more parts: the upload takes at most four files (busboy limits, src/http/multipart.ts).
      const parts = fc.uniqueArray(fc.tuple(hostileName, value), { minLength: 1, maxLength: 3, selector: ([name]) => name });
      const property = fc.asyncProperty(parts, fc.boolean(), async (pairs, asFiles) => {
        const form = new FormData();
        for (const [name, item] of pairs) {
          if (asFiles) form.append(name, new Blob([item], { type: 'text/plain' }), `${name}.txt`);
          else form.append(name, item);
        }
        form.append('certificate', new Blob([pki.root.pem], { type: 'application/x-pem-file' }), 'root-ca.crt');
        const answer = await answerOf(await idp.request(`/api/internal/${env.clientPoolId}/certificates`, { method: 'POST', body: form }));
        expect({ status: answer.status, message: answer.body.message }).toEqual({ status: 200, message: 'Certificate already uploaded' });
      });
      await fc.assert(property, fuzzParameters(RUNS));
      const listed = (await answerOf(await idp.request(`/api/internal/${env.clientPoolId}/certificates`))).body.certificates as unknown[];
      expect(listed).toHaveLength(1);
    },
    fuzzTimeout(RUNS),
  );

  it(
    'token form fields: a token as without them, in both request forms',
    async () => {
      const property = fc.asyncProperty(entries, fc.constantFrom('jwt-bearer', 'client-credentials' as const), async (pairs, form) => {
        const { jwt } = await deviceAssertion(device, env);
        const body = tokenRequestBody(jwt, { form });
        for (const [name, item] of pairs) body.append(name, item);
        const response = await fetch(env.tokenEndpoint, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: body.toString(),
        });
        const answer = await answerOf(response);
        expect({ status: answer.status, error: answer.body.error, tokenType: answer.body.token_type }).toEqual({
          status: 200,
          error: undefined,
          tokenType: 'Bearer',
        });
      });
      await fc.assert(property, fuzzParameters(RUNS));
    },
    fuzzTimeout(RUNS),
  );
});
