import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCertificate } from '../../../src/domain/chain';
import { crlIssuerId, issuerSerialId } from '../../../src/domain/revocation';
import { type OpensslRecipe, runOpensslRecipe, selfSignCa } from '../../support/pki-openssl';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../../support/test-idp';
import { orgApiKey, poolItems, revocationIdentityItems, revocationState, revocationsPath, revoke, trustEpoch } from './revocation-support';
import { errorOf, pemFingerprint, uploadFile } from './support';

/*
 * docs/contract.md §3.4 individual revocations over HTTP: revoke by fingerprint or by
 * PEM, list, lift. Every refusal names its rule and stores nothing (no
 * REVOKED# item, the pool's trustEpoch unmoved).
 */
describe('certificate revocations (docs/contract.md §3.4)', () => {
  let idp: TestIdp;
  let env: EnvironmentInfo;
  let recipe: OpensslRecipe;
  let orgKey: string;
  const file = (name: string) => readFileSync(join(recipe.dir, name), 'utf8');
  const list = async () => {
    const response = await idp.request(revocationsPath(env.clientPoolId));
    expect(response.status).toBe(200);
    return ((await response.json()) as { revocations: Record<string, unknown>[] }).revocations;
  };
  const refuses = async (response: Promise<Response>, status: number, error: string) => expect(await errorOf(await response)).toEqual({ status, error });
  const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

  beforeAll(async () => {
    [idp, recipe] = await Promise.all([startTestIdp(), runOpensslRecipe({ caKeyBits: 2048 })]);
    env = await idp.createEnvironment();
    expect((await uploadFile(idp, env.clientPoolId, recipe.rootPem)).status).toBe(201);
    orgKey = await orgApiKey(idp, env.orgId);
  });
  afterAll(async () => {
    recipe?.cleanup();
    await idp?.stop();
  });

  describe('revoke, list, lift', () => {
    const fingerprint = 'ab'.repeat(32);

    it('starts empty', async () => {
      expect(await list()).toEqual([]);
    });

    it('revokes by fingerprint (any hex case): 201 with exactly {id, fingerprint, reason, revokedAt, matches: [fingerprint]}, one REVOKED# item, epoch +1', async () => {
      const before = await trustEpoch(idp.tableName, env.clientPoolId);
      const response = await revoke(idp, env.clientPoolId, { fingerprint: fingerprint.toUpperCase() });
      expect(response.status).toBe(201);
      const body = await response.json();
      expect(body).toEqual({ id: fingerprint, fingerprint, reason: 'unspecified', revokedAt: expect.stringMatching(ISO), matches: ['fingerprint'] });
      expect(await revocationIdentityItems(idp.tableName, env.clientPoolId)).toEqual([]);
      expect(Math.abs(Date.parse(body.revokedAt) - Date.now())).toBeLessThan(60_000);
      expect((await poolItems(idp.tableName, env.clientPoolId, 'REVOKED#')).map((i) => i.sk)).toEqual([`REVOKED#${fingerprint}`]);
      expect(await trustEpoch(idp.tableName, env.clientPoolId)).toBe(before + 1);
    });

    it('answers 200 with the stored record when the same fingerprint is revoked again, changing nothing', async () => {
      const [stored] = await list();
      const state = await revocationState(idp, env.clientPoolId);
      const response = await revoke(idp, env.clientPoolId, { fingerprint, reason: 'superseded' });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(stored);
      expect(await revocationState(idp, env.clientPoolId)).toEqual(state);
    });

    it('revokes the recipe device certificate by PEM with a reason: subject, issuer and serial filled in, matching it whatever its encoding', async () => {
      const device = parseCertificate(recipe.device);
      const response = await revoke(idp, env.clientPoolId, { certificate: recipe.devicePem, reason: 'keyCompromise' });
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({
        id: pemFingerprint(recipe.devicePem),
        fingerprint: pemFingerprint(recipe.devicePem),
        subject: device.subjectDn,
        issuer: device.issuerDn,
        serialNumber: device.serialNumberHex,
        reason: 'keyCompromise',
        revokedAt: expect.stringMatching(ISO),
        matches: ['fingerprint', 'issuerAndSerial'],
      });
      expect(device.subjectDn).toContain('CN=device-id-or-asset-id');
      expect(device.issuerDn).toContain('CN=Device Intermediate CA');
      // A device is not a CA: its key is not revoked (a renewal with the same key is another certificate).
      expect(await revocationIdentityItems(idp.tableName, env.clientPoolId)).toEqual([
        [`REVOKEDSERIAL#${issuerSerialId(device)}`, [pemFingerprint(recipe.devicePem)]],
      ]);
    });

    it('answers 200 with the stored record for the same certificate again, by PEM or by its fingerprint', async () => {
      const stored = (await list()).find((r) => r.fingerprint === pemFingerprint(recipe.devicePem));
      for (const body of [{ certificate: recipe.devicePem }, { fingerprint: pemFingerprint(recipe.devicePem), reason: 'affiliationChanged' }]) {
        const response = await revoke(idp, env.clientPoolId, body);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual(stored);
      }
    });

    it('revokes the intermediate by PEM (every reason name but removeFromCRL is accepted), matching its subject and key too, in the same commit', async () => {
      const before = await trustEpoch(idp.tableName, env.clientPoolId);
      const response = await revoke(idp, env.clientPoolId, { certificate: recipe.intermediatePem, reason: 'cACompromise' });
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({
        fingerprint: pemFingerprint(recipe.intermediatePem),
        reason: 'cACompromise',
        matches: ['fingerprint', 'issuerAndSerial', 'subjectAndKey'],
      });
      expect(await trustEpoch(idp.tableName, env.clientPoolId)).toBe(before + 1);
      const intermediate = parseCertificate(recipe.intermediate);
      expect(await revocationIdentityItems(idp.tableName, env.clientPoolId)).toEqual(
        expect.arrayContaining([
          [`REVOKEDKEY#${crlIssuerId(intermediate)}`, [pemFingerprint(recipe.intermediatePem)]],
          [`REVOKEDSERIAL#${issuerSerialId(intermediate)}`, [pemFingerprint(recipe.intermediatePem)]],
        ]),
      );
    });

    it('lists every revocation sorted by revokedAt', async () => {
      const revocations = await list();
      expect(revocations.map((r) => r.fingerprint)).toEqual([fingerprint, pemFingerprint(recipe.devicePem), pemFingerprint(recipe.intermediatePem)]);
      const times = revocations.map((r) => String(r.revokedAt));
      expect([...times].sort()).toEqual(times);
    });

    it('lifts a revocation by id: 204, gone from the list and the table, epoch +1', async () => {
      const before = await trustEpoch(idp.tableName, env.clientPoolId);
      const response = await idp.request(`${revocationsPath(env.clientPoolId)}/${fingerprint}`, { method: 'DELETE' });
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
      expect((await list()).map((r) => r.fingerprint)).not.toContain(fingerprint);
      expect((await poolItems(idp.tableName, env.clientPoolId, 'REVOKED#')).map((i) => i.sk)).not.toContain(`REVOKED#${fingerprint}`);
      expect(await trustEpoch(idp.tableName, env.clientPoolId)).toBe(before + 1);
    });

    it('lifts a PEM revocation together with its identities, and extends a fingerprint revocation when the PEM follows (200, matches grows)', async () => {
      const deviceOnly = [[`REVOKEDSERIAL#${issuerSerialId(parseCertificate(recipe.device))}`, [pemFingerprint(recipe.devicePem)]]];
      expect((await idp.request(`${revocationsPath(env.clientPoolId)}/${pemFingerprint(recipe.intermediatePem)}`, { method: 'DELETE' })).status).toBe(204);
      expect(await revocationIdentityItems(idp.tableName, env.clientPoolId)).toEqual(deviceOnly);

      const byFingerprint = await revoke(idp, env.clientPoolId, { fingerprint: pemFingerprint(recipe.intermediatePem), reason: 'superseded' });
      expect(byFingerprint.status).toBe(201);
      const stored = await byFingerprint.json();
      const before = await trustEpoch(idp.tableName, env.clientPoolId);
      const byPem = await revoke(idp, env.clientPoolId, { certificate: recipe.intermediatePem, reason: 'cACompromise' });
      expect(byPem.status).toBe(200);
      expect(await byPem.json()).toEqual({
        ...stored,
        subject: parseCertificate(recipe.intermediate).subjectDn,
        issuer: parseCertificate(recipe.intermediate).issuerDn,
        serialNumber: parseCertificate(recipe.intermediate).serialNumberHex,
        matches: ['fingerprint', 'issuerAndSerial', 'subjectAndKey'],
      });
      expect(await trustEpoch(idp.tableName, env.clientPoolId)).toBe(before + 1);
      expect(await revocationIdentityItems(idp.tableName, env.clientPoolId)).toHaveLength(3);

      expect((await idp.request(`${revocationsPath(env.clientPoolId)}/${pemFingerprint(recipe.intermediatePem)}`, { method: 'DELETE' })).status).toBe(204);
      expect(await revocationIdentityItems(idp.tableName, env.clientPoolId)).toEqual(deviceOnly);
    });

    it('answers 404 revocation_not_found for an id not revoked (or already lifted), 400 invalid_revocation_id for one that is not 64 hex', async () => {
      const state = await revocationState(idp, env.clientPoolId);
      await refuses(idp.request(`${revocationsPath(env.clientPoolId)}/${fingerprint}`, { method: 'DELETE' }), 404, 'revocation_not_found');
      await refuses(idp.request(`${revocationsPath(env.clientPoolId)}/${'0'.repeat(64)}`, { method: 'DELETE' }), 404, 'revocation_not_found');
      await refuses(idp.request(`${revocationsPath(env.clientPoolId)}/not-a-fingerprint`, { method: 'DELETE' }), 400, 'invalid_revocation_id');
      expect(await revocationState(idp, env.clientPoolId)).toEqual(state);
    });

    it('keeps pools apart', async () => {
      const other = await idp.createEnvironment(env.orgId, 'staging');
      expect(await (await idp.request(revocationsPath(other.clientPoolId))).json()).toEqual({ revocations: [] });
    });
  });

  describe('refusals store nothing', () => {
    let before: Awaited<ReturnType<typeof revocationState>>;
    beforeEach(async () => {
      before = await revocationState(idp, env.clientPoolId);
    });
    afterEach(async () => {
      expect(await revocationState(idp, env.clientPoolId)).toEqual(before);
    });

    const post = (body: string, contentType = 'application/json', apiKey?: string) =>
      idp.request(revocationsPath(env.clientPoolId), { method: 'POST', body, headers: { 'Content-Type': contentType }, apiKey });

    it.each([
      ['malformed JSON', 'invalid_json', '{"fingerprint": '],
      ['a JSON array', 'invalid_body', '[]'],
      ['a JSON string', 'invalid_body', '"abc"'],
      ['neither fingerprint nor certificate', 'fingerprint_or_certificate_required', '{}'],
      ['only a reason', 'fingerprint_or_certificate_required', '{"reason": "keyCompromise"}'],
      ['both fingerprint and certificate', 'fingerprint_or_certificate_required', JSON.stringify({ fingerprint: 'a'.repeat(64), certificate: 'x' })],
      ['an unknown field', 'invalid_field', JSON.stringify({ fingerprint: 'a'.repeat(64), comment: 'lost' })],
      ['a fingerprint of 63 hex digits', 'invalid_fingerprint', JSON.stringify({ fingerprint: 'a'.repeat(63) })],
      ['a fingerprint with a non-hex digit', 'invalid_fingerprint', JSON.stringify({ fingerprint: `${'a'.repeat(63)}g` })],
      ['a fingerprint that is a number', 'invalid_fingerprint', JSON.stringify({ fingerprint: 12 })],
      ['a colon-separated fingerprint', 'invalid_fingerprint', JSON.stringify({ fingerprint: `${'AB:'.repeat(31)}AB` })],
      ['an unknown reason', 'invalid_reason', JSON.stringify({ fingerprint: 'a'.repeat(64), reason: 'stolen' })],
      ['a reason in the wrong case', 'invalid_reason', JSON.stringify({ fingerprint: 'a'.repeat(64), reason: 'KeyCompromise' })],
      ['a numeric reason code', 'invalid_reason', JSON.stringify({ fingerprint: 'a'.repeat(64), reason: 1 })],
      ['removeFromCRL', 'reason_not_allowed', JSON.stringify({ fingerprint: 'a'.repeat(64), reason: 'removeFromCRL' })],
      ['a certificate that is not a string', 'invalid_field', JSON.stringify({ certificate: { pem: 'x' } })],
      ['an empty certificate', 'invalid_field', JSON.stringify({ certificate: '  ' })],
      ['a certificate that is not PEM', 'pem_required', JSON.stringify({ certificate: 'MIIB...' })],
      [
        'a PEM block whose body is not base64',
        'pem_required',
        JSON.stringify({ certificate: '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n' }),
      ],
      [
        'PEM around bytes that are not a certificate',
        'malformed_certificate',
        JSON.stringify({ certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }),
      ],
    ])('refuses %s with 400 %s', async (_name, error, body) => {
      await refuses(post(body), 400, error);
    });

    it('refuses a PEM that is not exactly one certificate (the recipe ca-chain.crt) with 400 single_certificate_required', async () => {
      await refuses(revoke(idp, env.clientPoolId, { certificate: file('ca-chain.crt') }), 400, 'single_certificate_required');
    });

    it('refuses a private key, alone or after the certificate, with 400 private_key_not_allowed', async () => {
      await refuses(revoke(idp, env.clientPoolId, { certificate: recipe.deviceKeyPem }), 400, 'private_key_not_allowed');
      await refuses(revoke(idp, env.clientPoolId, { certificate: recipe.devicePem + recipe.deviceKeyPem }), 400, 'private_key_not_allowed');
    });

    it('refuses a CSR with 400 csr_not_allowed', async () => {
      await refuses(revoke(idp, env.clientPoolId, { certificate: file('device.csr') }), 400, 'csr_not_allowed');
    });

    it('refuses revoking a pool root by fingerprint or by PEM with 400 cannot_revoke_root', async () => {
      await refuses(revoke(idp, env.clientPoolId, { fingerprint: pemFingerprint(recipe.rootPem) }), 400, 'cannot_revoke_root');
      await refuses(revoke(idp, env.clientPoolId, { certificate: recipe.rootPem, reason: 'cACompromise' }), 400, 'cannot_revoke_root');
    });

    it('refuses a re-issue of the root (same subject and key, other validity) with 400 cannot_revoke_root', async () => {
      selfSignCa(recipe.dir, { keyFile: 'root-ca.key', certificateFile: 'root-reissued.crt', subject: '/C=US/ST=State/L=City/O=Organization/CN=Root CA' });
      expect(pemFingerprint(file('root-reissued.crt'))).not.toBe(pemFingerprint(recipe.rootPem));
      await refuses(revoke(idp, env.clientPoolId, { certificate: file('root-reissued.crt') }), 400, 'cannot_revoke_root');
    });

    it('refuses a body that is not JSON with 415 unsupported_media_type', async () => {
      await refuses(post(JSON.stringify({ fingerprint: 'a'.repeat(64) }), 'text/plain'), 415, 'unsupported_media_type');
    });

    it('answers an org key 403 forbidden on every route, before reading the body', async () => {
      await refuses(post('{not json', 'application/json', orgKey), 403, 'forbidden');
      await refuses(revoke(idp, env.clientPoolId, { fingerprint: 'c'.repeat(64) }, orgKey), 403, 'forbidden');
      await refuses(idp.request(revocationsPath(env.clientPoolId), { apiKey: orgKey }), 403, 'forbidden');
      const [existing] = await list();
      await refuses(idp.request(`${revocationsPath(env.clientPoolId)}/${String(existing.id)}`, { method: 'DELETE', apiKey: orgKey }), 403, 'forbidden');
    });

    it('answers 401 without a key and 404 pool_not_found for an unknown pool', async () => {
      await refuses(revoke(idp, env.clientPoolId, { fingerprint: 'c'.repeat(64) }, null), 401, 'missing_api_key');
      await refuses(revoke(idp, 'pool-doesnotexist', { fingerprint: 'c'.repeat(64) }), 404, 'pool_not_found');
      await refuses(idp.request(revocationsPath('pool-doesnotexist')), 404, 'pool_not_found');
      await refuses(idp.request(`${revocationsPath('pool-doesnotexist')}/${'c'.repeat(64)}`, { method: 'DELETE' }), 404, 'pool_not_found');
    });
  });
});
