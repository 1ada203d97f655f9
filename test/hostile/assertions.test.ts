import { base64Der, base64urlJson, signAssertion } from '../support/device-client';
import { bindDevice, getDevice, issueDevice, makeOrganisationPki } from '../support/device-fleet';
import { b64url, claimsFor, es256DerSigned, headerFor, hmacSigned, publicMaterial, signedBy, unsecured, withSegment } from './support/attack-kit';
import { type RefusalRow, refusalTable, send } from './support/refusal-table';

/*
 * docs/contract.md §4.2 / §4.3 hostile assertions over real HTTP, one row per attack on
 * the JOSE layer: algorithm, signature, compact serialisation, x5c shape and
 * size. Claim attacks are in assertion-claims.test.ts. Every row is refused
 * with its exact code before any lookup that could provision a device.
 */

const GRANT = 'invalid_grant';
const P256_ORDER = 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551';
const MALFORMED = { status: 400, error: GRANT, code: 'assertion_malformed' } as const;
const ALG = { status: 400, error: GRANT, code: 'alg_not_allowed' } as const;
const BAD_SIGNATURE = { status: 400, error: GRANT, code: 'assertion_signature_invalid' } as const;

/** A valid assertion of the device whose `index` segment is replaced by `segment`. */
const segmentRow = (part: string, index: 0 | 1 | 2, what: string, segment: string): RefusalRow => ({
  name: `${part}: ${what}`,
  attack: async (device, { env }) => withSegment(await signedBy(device, headerFor(device), claimsFor(device, env)), index, segment),
  ...(index === 2 && segment !== '' && /^[A-Za-z0-9_-]*$/.test(segment) && segment.length % 4 !== 1 ? BAD_SIGNATURE : MALFORMED),
});

const rows: RefusalRow[] = [
  // alg: none and friends (RFC 7519 §6 unsecured JWTs)
  { name: 'alg none, empty signature', attack: (d, { env }) => unsecured(headerFor(d, { alg: 'none' }), claimsFor(d, env)), ...ALG },
  { name: 'alg "None", empty signature', attack: (d, { env }) => unsecured(headerFor(d, { alg: 'None' }), claimsFor(d, env)), ...ALG },
  {
    name: 'alg "NONE" carrying a real ES256 signature',
    attack: async (d, { env }) => withSegment(await signedBy(d, headerFor(d), claimsFor(d, env)), 0, base64urlJson(headerFor(d, { alg: 'NONE' }))),
    ...ALG,
  },
  { name: 'alg header missing', attack: (d, { env }) => signedBy(d, headerFor(d, { alg: undefined }), claimsFor(d, env)), ...ALG },
  { name: 'alg as an array ["ES256"]', attack: (d, { env }) => signedBy(d, headerFor(d, { alg: ['ES256'] }), claimsFor(d, env)), ...ALG },
  { name: 'alg "es256" (case variant)', attack: (d, { env }) => signedBy(d, headerFor(d, { alg: 'es256' }), claimsFor(d, env)), ...ALG },
  { name: 'alg EdDSA', attack: (d, { env }) => signedBy(d, headerFor(d, { alg: 'EdDSA' }), claimsFor(d, env)), ...ALG },
  { name: 'ES256 header, empty signature (unsigned)', attack: (d, { env }) => unsecured(headerFor(d), claimsFor(d, env)), ...BAD_SIGNATURE },
  {
    name: 'unsecured JWT with two parts only',
    attack: (d, { env }) => `${base64urlJson(headerFor(d, { alg: 'none' }))}.${base64urlJson(claimsFor(d, env))}`,
    ...MALFORMED,
  },

  // HS* key confusion: HMAC keyed with the device's *public* material
  ...(['spkiPem', 'spkiDer', 'certificatePem', 'certificateDer'] as const).map(
    (material): RefusalRow => ({
      name: `HS256 keyed with the RSA device's ${material} (RS256→HS256 confusion)`,
      keyAlgorithm: 'RSA-2048',
      attack: async (d, { env }) => hmacSigned(256, (await publicMaterial(d))[material], headerFor(d, { alg: 'HS256' }), claimsFor(d, env)),
      ...ALG,
    }),
  ),
  {
    name: 'HS256 keyed with the EC device SPKI PEM',
    attack: async (d, { env }) => hmacSigned(256, (await publicMaterial(d)).spkiPem, headerFor(d, { alg: 'HS256' }), claimsFor(d, env)),
    ...ALG,
  },
  {
    name: 'HS512 keyed with the RSA device SPKI PEM',
    keyAlgorithm: 'RSA-2048',
    attack: async (d, { env }) => hmacSigned(512, (await publicMaterial(d)).spkiPem, headerFor(d, { alg: 'HS512' }), claimsFor(d, env)),
    ...ALG,
  },
  {
    name: 'RS256 header with an HMAC-SHA256 (SPKI PEM) signature',
    keyAlgorithm: 'RSA-2048',
    attack: async (d, { env }) => hmacSigned(256, (await publicMaterial(d)).spkiPem, headerFor(d, { alg: 'RS256' }), claimsFor(d, env)),
    ...BAD_SIGNATURE,
  },

  // Signatures that are real, but not by the device certificate's key
  {
    name: 'signed by another device key (same CN, another certificate)',
    attack: async (d, { env, pki }) => {
      const twin = await issueDevice(pki.root, pki.intermediate, { deviceId: d.deviceId });
      return signedBy(d, headerFor(d), claimsFor(d, env), 'ES256', twin.device.keys.privateKey);
    },
    ...BAD_SIGNATURE,
  },
  {
    name: "signed by the intermediate CA's key",
    attack: (d, { env, pki }) => signedBy(d, headerFor(d), claimsFor(d, env), 'ES256', pki.intermediate.keys.privateKey),
    ...BAD_SIGNATURE,
  },
  {
    name: 'ES384 header over a P-256 device key',
    attack: (d, { env }) => signedBy(d, headerFor(d, { alg: 'ES384' }), claimsFor(d, env), 'ES384'),
    ...BAD_SIGNATURE,
  },
  { name: 'RS256 header over an EC device key', attack: (d, { env }) => signedBy(d, headerFor(d, { alg: 'RS256' }), claimsFor(d, env)), ...BAD_SIGNATURE },
  {
    name: 'ES256 "psychic signature": r = s = 0 (CVE-2022-21449)',
    attack: async (d, { env }) => withSegment(await signedBy(d, headerFor(d), claimsFor(d, env)), 2, b64url(Buffer.alloc(64))),
    ...BAD_SIGNATURE,
  },
  {
    name: 'ES256 signature with r = s = the P-256 group order n',
    attack: async (d, { env }) => withSegment(await signedBy(d, headerFor(d), claimsFor(d, env)), 2, b64url(Buffer.from(P256_ORDER + P256_ORDER, 'hex'))),
    ...BAD_SIGNATURE,
  },
  {
    name: 'ES256 signature in ASN.1 DER form instead of JOSE r‖s',
    attack: (d, { env }) => es256DerSigned(d, headerFor(d), claimsFor(d, env)),
    ...BAD_SIGNATURE,
  },
  {
    name: 'valid signature, then the payload swapped for another sub',
    attack: async (d, { env }) => withSegment(await signedBy(d, headerFor(d), claimsFor(d, env)), 1, base64urlJson(claimsFor(d, env, { sub: 'someone-else' }))),
    ...BAD_SIGNATURE,
  },
  {
    name: 'valid signature, then x5c swapped in the header',
    attack: async (d, { env, pki }) => {
      const other = await issueDevice(pki.root, pki.intermediate, { deviceId: d.deviceId });
      const jwt = await signedBy(d, headerFor(d), claimsFor(d, env));
      return withSegment(jwt, 0, base64urlJson(headerFor(d, { x5c: [base64Der(other.device.der), base64Der(pki.intermediate.der)] })));
    },
    ...BAD_SIGNATURE,
  },

  // Compact serialisation: malformed base64url / JSON in each part
  ...(
    [
      ['header', 0],
      ['payload', 1],
    ] as const
  ).flatMap(([part, index]) => [
    segmentRow(part, index, 'characters outside base64url', '!!!!'),
    segmentRow(part, index, 'standard base64 with padding', Buffer.from('{"a":1}').toString('base64')),
    segmentRow(part, index, 'impossible length (4n+1)', 'eyJhb'),
    segmentRow(part, index, 'empty', ''),
    segmentRow(part, index, 'truncated JSON', b64url('{"alg":"ES256","x5c":[')),
    segmentRow(part, index, 'a JSON array', b64url('["ES256"]')),
    segmentRow(part, index, 'JSON null', b64url('null')),
    segmentRow(part, index, 'a JSON string', b64url('"ES256"')),
    segmentRow(part, index, 'bytes that are not UTF-8 JSON', b64url(Buffer.from([0xff, 0xfe, 0x7b, 0x00]))),
  ]),
  segmentRow('signature', 2, 'characters outside base64url', '!!!!'),
  segmentRow('signature', 2, 'standard base64 with padding', Buffer.alloc(64, 1).toString('base64')),
  segmentRow('signature', 2, 'impossible length (4n+1)', 'AAAAA'),
  segmentRow('signature', 2, 'valid base64url of the wrong length', b64url(Buffer.alloc(63, 7))),
  segmentRow('signature', 2, 'base64url of a JSON object', b64url('{"sig":"x"}')),
  { name: 'four parts', attack: async (d, { env }) => `${await signedBy(d, headerFor(d), claimsFor(d, env))}.AAAA`, ...MALFORMED },
  {
    name: 'five parts (JWE shape)',
    attack: (d) => `${base64urlJson({ alg: 'RSA-OAEP', enc: 'A256GCM', x5c: headerFor(d).x5c })}.AAAA.AAAA.AAAA.AAAA`,
    ...MALFORMED,
  },
  {
    name: 'crit header',
    attack: (d, { env }) => signedBy(d, headerFor(d, { crit: ['exp'] }), claimsFor(d, env)),
    status: 400,
    error: GRANT,
    code: 'crit_not_supported',
  },
  { name: 'b64:false header (RFC 7797)', attack: (d, { env }) => signedBy(d, headerFor(d, { b64: false }), claimsFor(d, env)), ...MALFORMED },

  // x5c shape and size
  {
    name: 'x5c missing',
    attack: (d, { env }) => signedBy(d, headerFor(d, { x5c: undefined }), claimsFor(d, env)),
    status: 400,
    error: GRANT,
    code: 'x5c_missing',
  },
  {
    name: 'x5c a string, not an array',
    attack: (d, { env }) => signedBy(d, headerFor(d, { x5c: base64Der(d.device.der) }), claimsFor(d, env)),
    status: 400,
    error: GRANT,
    code: 'x5c_malformed',
  },
  {
    name: 'x5c empty array',
    attack: (d, { env }) => signedBy(d, headerFor(d, { x5c: [] }), claimsFor(d, env)),
    status: 400,
    error: GRANT,
    code: 'x5c_malformed',
  },
  {
    name: 'x5c entry base64url instead of base64',
    attack: (d, { env }) =>
      signedBy(d, headerFor(d, { x5c: [`${Buffer.from(d.device.der).toString('base64url')}-_`, base64Der(d.intermediate.der)] }), claimsFor(d, env)),
    status: 400,
    error: GRANT,
    code: 'x5c_base64url',
  },
  {
    name: 'x5c entry as PEM text',
    attack: (d, { env }) => signedBy(d, headerFor(d, { x5c: [d.device.pem, base64Der(d.intermediate.der)] }), claimsFor(d, env)),
    status: 400,
    error: GRANT,
    code: 'x5c_malformed',
  },
  {
    name: 'x5c entry a number',
    attack: (d, { env }) => signedBy(d, headerFor(d, { x5c: [42] }), claimsFor(d, env)),
    status: 400,
    error: GRANT,
    code: 'x5c_malformed',
  },
  {
    name: 'x5c entry base64 of garbage',
    attack: (d, { env }) => signedBy(d, headerFor(d, { x5c: [b64std('not a certificate'), base64Der(d.intermediate.der)] }), claimsFor(d, env)),
    status: 400,
    error: GRANT,
    code: 'malformed_certificate',
  },
  {
    name: 'x5c with the intermediate twice',
    attack: (d, { env }) =>
      signedBy(d, headerFor(d, { x5c: [base64Der(d.device.der), base64Der(d.intermediate.der), base64Der(d.intermediate.der)] }), claimsFor(d, env)),
    status: 400,
    error: GRANT,
    code: 'duplicate_certificate',
  },
  {
    name: 'oversize x5c: 6 real certificates',
    attack: async (d, { env, pki }) => {
      const other = await makeOrganisationPki('Other');
      const sibling = await issueDevice(pki.root, pki.intermediate, { deviceId: `${d.deviceId}-sibling` });
      const six = [d.device, d.intermediate, pki.root, other.intermediate, other.root, sibling.device].map((c) => base64Der(c.der));
      return signedBy(d, headerFor(d, { x5c: six }), claimsFor(d, env));
    },
    status: 400,
    error: GRANT,
    code: 'chain_too_long',
  },
  {
    name: 'oversize assertion: 16 KiB + 1 byte, body under the 24 KiB form limit',
    attack: async (d, { env }) => {
      const jwt = await sizedAssertion(d, env, 16 * 1024 + 1);
      expect(jwt.length).toBe(16 * 1024 + 1);
      return jwt;
    },
    status: 400,
    error: GRANT,
    code: 'assertion_too_large',
  },
  {
    name: 'oversize body: a 30 KiB assertion',
    attack: (d, { env }) => signedBy(d, headerFor(d), claimsFor(d, env, { pad: 'x'.repeat(22_000) })),
    status: 400,
    error: 'invalid_request',
    code: 'payload_too_large',
  },
  // Boundary control: the largest allowed assertion gets past every JOSE check and only fails on the missing binding.
  {
    name: 'control: an assertion of exactly 16 KiB is parsed and verified',
    attack: (d, { env }) => sizedAssertion(d, env, 16 * 1024),
    status: 400,
    error: GRANT,
    code: 'binding_not_found',
  },
];

function b64std(text: string): string {
  return Buffer.from(text).toString('base64');
}

/** A correctly signed assertion of exactly `bytes` characters (a `pad` claim and a `kid` header fill it up). */
async function sizedAssertion(device: Parameters<RefusalRow['attack']>[0], env: Parameters<typeof claimsFor>[1], bytes: number): Promise<string> {
  const claims = claimsFor(device, env);
  for (let kid = 0; kid < 4; kid++) {
    const header = headerFor(device, { kid: 'k'.repeat(kid + 1) });
    const fixed = base64urlJson(header).length + base64urlJson({ ...claims, pad: '' }).length + 2 + 86;
    const pad = 'x'.repeat(Math.max(0, Math.floor(((bytes - fixed) * 3) / 4)));
    const jwt = await signedBy(device, header, { ...claims, pad });
    if (jwt.length === bytes) return jwt;
    for (const delta of [-2, -1, 1, 2]) {
      const adjusted = await signedBy(device, header, { ...claims, pad: 'x'.repeat(pad.length + delta) });
      if (adjusted.length === bytes) return adjusted;
    }
  }
  throw new Error(`could not build an assertion of exactly ${bytes} bytes`);
}

refusalTable('hostile assertions: JOSE layer (docs/contract.md §4.2, §4.3)', rows, (ctx) => {
  it('control: the same building blocks, unmodified, give a bound device its token', async () => {
    const { idp, env, pki } = ctx();
    const device = await issueDevice(pki.root, pki.intermediate, { deviceId: 'control-device' });
    await bindDevice(idp, env, device.deviceId, 'client', ['device']);
    const result = await send(env, await signedBy(device, headerFor(device), claimsFor(device, env)));
    expect({ status: result.status, tokenType: result.body.token_type, cacheControl: result.headers.get('cache-control') }).toEqual({
      status: 200,
      tokenType: 'Bearer',
      cacheControl: 'no-store',
    });
    expect((await getDevice(idp, env, device.deviceId))?.provisioning?.thumbprint).toBeDefined();

    const rsa = await issueDevice(pki.root, pki.intermediate, { deviceId: 'control-rsa', keyAlgorithm: 'RSA-2048' });
    await bindDevice(idp, env, rsa.deviceId, 'client', ['device']);
    const { jwt } = await signAssertion({
      alg: 'RS256',
      privateKey: rsa.device.keys.privateKey,
      x5c: [rsa.device.der, rsa.intermediate.der],
      iss: 'client',
      sub: rsa.deviceId,
      aud: env.tokenEndpoint,
    });
    expect((await send(env, jwt)).status).toBe(200);
  });
});
