import { CLIENT_ASSERTION_TYPE, JWT_BEARER, tokenRequestBody } from '../support/device-client';
import {
  bindDevice,
  deleteRoot,
  type EnrolledDevice,
  expectTokenError,
  issueDevice,
  makeOrganisationPki,
  postToken,
  requestToken,
  sha256Hex,
  unbindDevice,
  uploadRoot,
} from '../support/device-fleet';
import { claimsFor, headerFor, signedBy } from './support/attack-kit';
import { type Attack, type RefusalRow, refusalTable, type TableContext } from './support/refusal-table';
import { deviceItem, jtiItems, provisioningOf } from './support/stored-state';

/*
 * docs/contract.md §4.1 / §4.4 / §6 over real HTTP: the request around the assertion
 * (grant types, encodings, parameters, pools), replay of one assertion
 * (sequential and concurrent) and trust changes (a root of another pool, a
 * deleted root, a removed binding), each with the stored state read back
 * from DynamoDB.
 */

const validJwt = (d: EnrolledDevice, ctx: TableContext) => signedBy(d, headerFor(d), claimsFor(d, ctx.env));
const form = (fields: [string, string][]) => new URLSearchParams(fields);
const withJwt = (build: (jwt: string, ctx: TableContext) => Attack) => async (d: EnrolledDevice, ctx: TableContext) => build(await validJwt(d, ctx), ctx);
const INVALID_REQUEST = { status: 400, error: 'invalid_request' } as const;

const rows: RefusalRow[] = [
  ...[
    'password',
    'authorization_code',
    'refresh_token',
    'urn:ietf:params:oauth:grant-type:saml2-bearer',
    JWT_BEARER.toUpperCase(),
    `${JWT_BEARER} `,
    'client_credentials\u0000',
  ].map(
    (grantType): RefusalRow => ({
      name: `unknown grant type ${JSON.stringify(grantType)}`,
      attack: withJwt((jwt) => ({
        body: form([
          ['grant_type', grantType],
          ['assertion', jwt],
        ]),
      })),
      status: 400,
      error: 'unsupported_grant_type',
      code: 'unsupported_grant_type',
    }),
  ),
  { name: 'grant_type missing', attack: withJwt((jwt) => ({ body: form([['assertion', jwt]]) })), ...INVALID_REQUEST, code: 'missing_parameter' },
  {
    name: 'grant_type twice',
    attack: withJwt((jwt) => ({ body: `${tokenRequestBody(jwt)}&grant_type=password` })),
    ...INVALID_REQUEST,
    code: 'duplicate_parameter',
  },
  {
    name: 'assertion twice',
    attack: withJwt((jwt) => ({ body: `${tokenRequestBody(jwt)}&assertion=${jwt}` })),
    ...INVALID_REQUEST,
    code: 'duplicate_parameter',
  },
  {
    name: 'assertion empty',
    attack: () => ({
      body: form([
        ['grant_type', JWT_BEARER],
        ['assertion', ''],
      ]),
    }),
    ...INVALID_REQUEST,
    code: 'missing_parameter',
  },
  {
    name: 'assertion only in the query string',
    attack: withJwt((jwt, { env }) => ({ url: `${env.tokenEndpoint}?assertion=${jwt}`, body: form([['grant_type', JWT_BEARER]]) })),
    ...INVALID_REQUEST,
    code: 'missing_parameter',
  },
  {
    name: 'JSON body (application/json)',
    attack: withJwt((jwt) => ({ body: JSON.stringify({ grant_type: JWT_BEARER, assertion: jwt }), contentType: 'application/json' })),
    ...INVALID_REQUEST,
    code: 'unsupported_media_type',
  },
  {
    name: 'JSON body labelled as a form',
    attack: withJwt((jwt) => ({ body: JSON.stringify({ grant_type: JWT_BEARER, assertion: jwt }) })),
    ...INVALID_REQUEST,
    code: 'missing_parameter',
  },
  {
    name: 'multipart/form-data body',
    attack: withJwt((jwt) => ({
      body: `--b\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\n${JWT_BEARER}\r\n--b\r\nContent-Disposition: form-data; name="assertion"\r\n\r\n${jwt}\r\n--b--\r\n`,
      contentType: 'multipart/form-data; boundary=b',
    })),
    ...INVALID_REQUEST,
    code: 'unsupported_media_type',
  },
  {
    name: 'form body sent as text/plain',
    attack: withJwt((jwt) => ({ body: tokenRequestBody(jwt), contentType: 'text/plain' })),
    ...INVALID_REQUEST,
    code: 'unsupported_media_type',
  },
  {
    name: 'form body without Content-Type',
    attack: withJwt((jwt) => ({ body: new TextEncoder().encode(tokenRequestBody(jwt).toString()), contentType: null })),
    ...INVALID_REQUEST,
    code: 'unsupported_media_type',
  },
  {
    name: 'client_credentials with a wrong client_assertion_type',
    attack: withJwt((jwt) => ({
      body: form([
        ['grant_type', 'client_credentials'],
        ['client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer'],
        ['client_assertion', jwt],
      ]),
    })),
    ...INVALID_REQUEST,
    code: 'malformed_request',
  },
  {
    name: 'client_credentials carrying `assertion` instead of `client_assertion`',
    attack: withJwt((jwt) => ({
      body: form([
        ['grant_type', 'client_credentials'],
        ['client_assertion_type', CLIENT_ASSERTION_TYPE],
        ['assertion', jwt],
      ]),
    })),
    ...INVALID_REQUEST,
    code: 'missing_parameter',
  },
  {
    name: 'unknown pool',
    attack: withJwt((jwt, { env }) => ({ url: env.tokenEndpoint.replace(env.clientPoolId, 'no-such-pool'), body: tokenRequestBody(jwt) })),
    status: 404,
    error: 'invalid_request',
    code: 'pool_not_found',
  },
  {
    name: 'pool id with path tricks',
    attack: withJwt((jwt, { env }) => ({ url: env.tokenEndpoint.replace(env.clientPoolId, `${env.clientPoolId}%2F..`), body: tokenRequestBody(jwt) })),
    status: 404,
    error: 'invalid_request',
    code: 'pool_not_found',
  },
  {
    name: 'scope with characters outside RFC 6749 §3.3',
    attack: withJwt((jwt) => ({ body: tokenRequestBody(jwt, { scope: 'device "admin"' }) })),
    status: 400,
    error: 'invalid_scope',
    code: 'malformed_scope',
  },
];

refusalTable('hostile token requests (docs/contract.md §4.1, §4.4, §6)', rows, (context) => {
  let counter = 0;
  async function boundDevice(pki = context().pki, clientAppId = 'client'): Promise<EnrolledDevice> {
    const { idp, env } = context();
    const device = await issueDevice(pki.root, pki.intermediate, { deviceId: `bound-${++counter}` });
    await bindDevice(idp, env, device.deviceId, clientAppId, ['device']);
    return device;
  }
  const stored = (deviceId: string) => deviceItem(context().idp, context().env.clientPoolId, deviceId);

  describe('replay (docs/contract.md §6)', () => {
    it('sequential: the second use of an assertion is assertion_replayed, in either request form', async () => {
      const { idp, env } = context();
      const device = await boundDevice();
      const jwt = await signedBy(device, headerFor(device), claimsFor(device, env));
      const jtisBefore = (await jtiItems(idp, env.clientPoolId)).length;
      expect((await postToken(env.tokenEndpoint, tokenRequestBody(jwt))).status).toBe(200);
      const firstSeen = provisioningOf(await stored(device.deviceId));

      expectTokenError(await postToken(env.tokenEndpoint, tokenRequestBody(jwt)), 400, 'invalid_grant', 'assertion_replayed');
      // Form 2 is client authentication: a spent client assertion is 401 invalid_client (RFC 7523 §3.2).
      expectTokenError(await postToken(env.tokenEndpoint, tokenRequestBody(jwt, { form: 'client-credentials' })), 401, 'invalid_client', 'assertion_replayed');
      expect((await jtiItems(idp, env.clientPoolId)).length).toBe(jtisBefore + 1);
      expect(provisioningOf(await stored(device.deviceId))).toEqual(firstSeen);
    });

    it('8 concurrent requests with one assertion: exactly one token, seven assertion_replayed', async () => {
      const { idp, env } = context();
      const device = await boundDevice();
      const jwt = await signedBy(device, headerFor(device), claimsFor(device, env));
      const jtisBefore = (await jtiItems(idp, env.clientPoolId)).length;

      const answers = await Promise.all(Array.from({ length: 8 }, () => postToken(env.tokenEndpoint, tokenRequestBody(jwt))));

      expect(answers.map((a) => a.status).sort()).toEqual([200, 400, 400, 400, 400, 400, 400, 400]);
      expect(answers.filter((a) => typeof a.body.access_token === 'string')).toHaveLength(1);
      for (const refused of answers.filter((a) => a.status !== 200)) expectTokenError(refused, 400, 'invalid_grant', 'assertion_replayed');
      expect(answers.map((a) => a.headers.get('cache-control'))).toEqual(Array(8).fill('no-store'));
      expect((await jtiItems(idp, env.clientPoolId)).length).toBe(jtisBefore + 1);
      expect(provisioningOf(await stored(device.deviceId)).certThumbprint).toBe(sha256Hex(device.device.der));
    });
  });

  describe('trust (docs/contract.md §4.3, §6)', () => {
    it("a chain to another pool's root is untrusted_root, even with a binding here, and provisions nothing", async () => {
      const { idp, env, otherEnv } = context();
      const foreignPki = await makeOrganisationPki('Foreign');
      await uploadRoot(idp, otherEnv.clientPoolId, foreignPki.root.pem);
      const foreign = await boundDevice(foreignPki);
      await bindDevice(idp, otherEnv, foreign.deviceId, 'client', ['device']);
      expect((await requestToken(foreign, otherEnv)).status).toBe(200); // valid where it belongs

      expectTokenError(await requestToken(foreign, env), 400, 'invalid_grant', 'untrusted_root');
      expectTokenError(
        await requestToken(foreign, env, { x5c: [foreign.device.der, foreignPki.intermediate.der, foreignPki.root.der] }),
        400,
        'invalid_grant',
        'untrusted_root',
      );
      expect(provisioningOf(await stored(foreign.deviceId))).toEqual({});
    });

    it('a deleted root refuses the very next request; provisioning stays as it was; other roots are unaffected', async () => {
      const { idp, env } = context();
      const rotated = await makeOrganisationPki('Rotated');
      await uploadRoot(idp, env.clientPoolId, rotated.root.pem);
      const [device, neverSeen, unaffected] = [await boundDevice(rotated), await boundDevice(rotated), await boundDevice()];
      expect((await requestToken(device, env)).status).toBe(200);
      const before = provisioningOf(await stored(device.deviceId));

      await deleteRoot(idp, env.clientPoolId, sha256Hex(rotated.root.der));
      expectTokenError(await requestToken(device, env), 400, 'invalid_grant', 'untrusted_root');
      expectTokenError(await requestToken(neverSeen, env), 400, 'invalid_grant', 'untrusted_root');
      expect(provisioningOf(await stored(device.deviceId))).toEqual(before);
      expect(provisioningOf(await stored(neverSeen.deviceId))).toEqual({});
      expect((await requestToken(unaffected, env)).status).toBe(200);
    });

    it('a removed binding refuses the very next request; a binding for another clientAppId does not count', async () => {
      const { idp, env } = context();
      const device = await boundDevice();
      expect((await requestToken(device, env)).status).toBe(200);
      const before = provisioningOf(await stored(device.deviceId));

      await unbindDevice(idp, env, device.deviceId, 'client');
      expectTokenError(await requestToken(device, env), 400, 'invalid_grant', 'binding_not_found');
      expect(provisioningOf(await stored(device.deviceId))).toEqual(before);

      const otherApp = await boundDevice(undefined, 'other-app');
      expectTokenError(await requestToken(otherApp, env), 400, 'invalid_grant', 'binding_not_found');
      expect(provisioningOf(await stored(otherApp.deviceId))).toEqual({});
    });

    it('a deleted device: binding_not_found and its record is not resurrected', async () => {
      const { idp, env } = context();
      const device = await boundDevice();
      expect((await requestToken(device, env)).status).toBe(200);
      const removed = await idp.request(`/api/internal/org/${env.orgId}/env/${env.envId}/device/${device.deviceId}`, { method: 'DELETE' });
      expect([200, 204]).toContain(removed.status);

      expectTokenError(await requestToken(device, env), 400, 'invalid_grant', 'binding_not_found');
      expect(await stored(device.deviceId)).toBeUndefined();
    });
  });
  /*
   * RFC 6749 §5.2: "Values for the error_description parameter MUST NOT
   * include characters outside the set %x20-21 / %x23-5B / %x5D-7E" (no
   * double quote, no backslash, nothing outside printable ASCII).
   */
  describe('error_description stays inside the RFC 6749 §5.2 character set', () => {
    const RFC6749_DESCRIPTION = /^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/;
    const descriptionOf = (result: { body: { error_description?: string } }) => result.body.error_description ?? '';

    it('for a well-formed refusal (control)', async () => {
      const { env } = context();
      const device = await boundDevice();
      const result = await requestToken(device, env, { aud: 'https://elsewhere.example' });
      expectTokenError(result, 400, 'invalid_grant', 'aud_mismatch');
      expect(descriptionOf(result)).toMatch(RFC6749_DESCRIPTION);
    });

    it('scope_not_granted and device_scope_missing (no double quotes)', async () => {
      const { idp, env } = context();
      const device = await boundDevice();
      const notGranted = await requestToken(device, env, { scope: 'admin' });
      expectTokenError(notGranted, 400, 'invalid_scope', 'scope_not_granted');
      await bindDevice(idp, env, device.deviceId, 'client', ['read']);
      const noDeviceScope = await requestToken(device, env);
      expectTokenError(noDeviceScope, 400, 'invalid_scope', 'device_scope_missing');
      expect([descriptionOf(notGranted), descriptionOf(noDeviceScope)]).toEqual([
        expect.stringMatching(RFC6749_DESCRIPTION),
        expect.stringMatching(RFC6749_DESCRIPTION),
      ]);
    });

    it('malformed_scope (no non-ASCII)', async () => {
      const { env } = context();
      const device = await boundDevice();
      const result = await requestToken(device, env, { scope: 'device\\admin' });
      expectTokenError(result, 400, 'invalid_scope', 'malformed_scope');
      expect(descriptionOf(result)).toMatch(RFC6749_DESCRIPTION);
    });

    // (build-path.ts untrusted_root detail): escaped commas bring '\\', UTF8String names bring non-ASCII.
    it('untrusted_root for certificates whose names hold a comma or non-ASCII text', async () => {
      const { env } = context();
      const stranger = await makeOrganisationPki('Bäckerei, Inc.');
      const device = await issueDevice(stranger.root, stranger.intermediate, { deviceId: `bound-${++counter}`, businessUnit: 'Zürich, CH' });
      const result = await requestToken(device, env);
      expectTokenError(result, 400, 'invalid_grant', 'untrusted_root');
      expect(descriptionOf(result)).toMatch(RFC6749_DESCRIPTION);
    });
  });
});
