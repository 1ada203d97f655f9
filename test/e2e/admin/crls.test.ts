import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCertificate } from '../../../src/domain/chain';
import { crlIssuerId, crlRecordId, crlScopeId } from '../../../src/domain/revocation';
import { crlAttribute } from '../../../src/storage/crl-items';
import { type OpensslCa, opensslCa } from '../../support/openssl-ca';
import { type OpensslRecipe, openssl, runOpensslRecipe, selfSignCa } from '../../support/pki-openssl';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../../support/test-idp';
import { crlsPath, curlCrl, orgApiKey, poolItems, revocationState, trustEpoch, uploadCrl, uploadCrlParts } from './revocation-support';
import { errorOf, uploadFile } from './support';

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/*
 * docs/contract.md §3.4 CRL uploads over HTTP, with CRLs made the way an operator makes
 * them: `openssl ca -revoke` then `openssl ca -gencrl` in a CA directory.
 */
describe('CRL upload, list and delete (docs/contract.md §3.4)', () => {
  let idp: TestIdp;
  let env: EnvironmentInfo;
  let recipe: OpensslRecipe;
  let rootCa: OpensslCa;
  let intermediateCa: OpensslCa;
  let orgKey: string;
  const file = (name: string) => readFileSync(join(recipe.dir, name));
  const refuses = async (response: Promise<Response>, status: number, error: string) => expect(await errorOf(await response)).toEqual({ status, error });
  /** Each CA's CRL scope (its name under the pool root), its signing key, and the id of its CRL (crl-scope-id.ts). */
  const scopes = () => {
    const [root, intermediate] = [recipe.root, recipe.intermediate].map((der) => parseCertificate(der));
    return { root: crlScopeId(root, root.subject), intermediate: crlScopeId(root, intermediate.subject) };
  };
  const signers = () => ({ root: crlIssuerId(parseCertificate(recipe.root)), intermediate: crlIssuerId(parseCertificate(recipe.intermediate)) });
  const ids = () => ({ root: crlRecordId(scopes().root, signers().root), intermediate: crlRecordId(scopes().intermediate, signers().intermediate) });
  /** The stored CRL of a CA: the attribute of its signing key in its scope's item. */
  const storedCrl = async (ca: 'root' | 'intermediate') => {
    const [scope] = await poolItems(idp.tableName, env.clientPoolId, `CRLSCOPE#${scopes()[ca]}`);
    return scope?.[crlAttribute(signers()[ca])] as Record<string, unknown> | undefined;
  };
  const list = async (clientPoolId = env.clientPoolId) => {
    const response = await idp.request(crlsPath(clientPoolId));
    expect(response.status).toBe(200);
    return ((await response.json()) as { crls: Record<string, unknown>[] }).crls;
  };

  beforeAll(async () => {
    [idp, recipe] = await Promise.all([startTestIdp(), runOpensslRecipe({ caKeyBits: 2048 })]);
    env = await idp.createEnvironment();
    expect((await uploadFile(idp, env.clientPoolId, recipe.rootPem)).status).toBe(201);
    rootCa = opensslCa(recipe.dir, recipe.rootPem, file('root-ca.key').toString());
    intermediateCa = opensslCa(recipe.dir, recipe.intermediatePem, file('intermediate-ca.key').toString());
    orgKey = await orgApiKey(idp, env.orgId);
  });
  afterAll(async () => {
    recipe?.cleanup();
    await idp?.stop();
  });

  describe('upload, list, replace, delete', () => {
    let firstIntermediateCrl: Buffer;

    it('starts with no CRL', async () => {
      expect(await list()).toEqual([]);
    });

    it("accepts the intermediate's CRL listing the revoked device, sent with the README curl command and its issuer: 201 and the exact body", async () => {
      intermediateCa.revoke(recipe.devicePem, 'keyCompromise');
      firstIntermediateCrl = intermediateCa.gencrl();
      writeFileSync(join(recipe.dir, 'crl.pem'), firstIntermediateCrl);
      const before = await trustEpoch(idp.tableName, env.clientPoolId);
      const { status, body } = await curlCrl(idp, env.clientPoolId, recipe.dir, { crl: 'crl.pem', issuer: 'intermediate-ca.crt' });
      expect(status).toBe(201);
      expect(body).toEqual({
        id: ids().intermediate,
        issuer: parseCertificate(recipe.intermediate).subjectDn,
        thisUpdate: expect.stringMatching(/\.000Z$/),
        nextUpdate: expect.stringMatching(/\.000Z$/),
        crlNumber: '4096',
        revokedCount: 1,
      });
      expect(Date.parse(String(body.nextUpdate)) - Date.parse(String(body.thisUpdate))).toBe(7 * 24 * 3600 * 1000);
      expect(Math.abs(Date.parse(String(body.thisUpdate)) - Date.now())).toBeLessThan(60_000);
      expect(await trustEpoch(idp.tableName, env.clientPoolId)).toBe(before + 1);
    });

    it('stores the CRL item and the device serial in a bucket of that CRL, with its reason', async () => {
      const crl = await storedCrl('intermediate');
      expect(crl).toMatchObject({ id: ids().intermediate, crlNumber: '4096', revokedCount: 1, bucketCount: 1, signerId: signers().intermediate });
      const buckets = await poolItems(idp.tableName, env.clientPoolId, `CRLSCOPEENTRIES#${scopes().intermediate}#${String(crl?.crlId)}#`);
      expect(buckets).toHaveLength(1);
      expect(buckets[0].entries).toEqual({ [parseCertificate(recipe.device).serialNumberHex]: { d: expect.stringMatching(/Z$/), r: 'keyCompromise' } });
    });

    it("accepts the root's CRL listing the revoked intermediate, as DER without an issuer part (the root is a pool anchor)", async () => {
      rootCa.revoke(recipe.intermediatePem, 'cACompromise');
      const response = await uploadCrl(idp, env.clientPoolId, rootCa.gencrl({ der: true }));
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({ id: ids().root, issuer: parseCertificate(recipe.root).subjectDn, crlNumber: '4096', revokedCount: 1 });
      const crl = await storedCrl('root');
      const [bucket] = await poolItems(idp.tableName, env.clientPoolId, `CRLSCOPEENTRIES#${scopes().root}#${String(crl?.crlId)}#`);
      expect(Object.keys(bucket.entries as object)).toEqual([parseCertificate(recipe.intermediate).serialNumberHex]);
    });

    it('lists both with exactly {id, issuer, thisUpdate, nextUpdate, crlNumber, revokedCount, stale}', async () => {
      const crls = await list();
      expect(crls.map((c) => c.id).sort()).toEqual([ids().root, ids().intermediate].sort());
      for (const crl of crls) {
        expect(Object.keys(crl).sort()).toEqual(['crlNumber', 'id', 'issuer', 'nextUpdate', 'revokedCount', 'stale', 'thisUpdate']);
        expect(crl.stale).toBe(false);
      }
    });

    it("replaces the intermediate's CRL with a newer one (cRLNumber 4097), and the old buckets are gone", async () => {
      const old = await storedCrl('intermediate');
      const response = await uploadCrl(idp, env.clientPoolId, intermediateCa.gencrl(), recipe.intermediatePem);
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({ crlNumber: '4097', revokedCount: 1 });
      const current = await storedCrl('intermediate');
      const buckets = await poolItems(idp.tableName, env.clientPoolId, `CRLSCOPEENTRIES#${scopes().intermediate}#`);
      expect(buckets.map((b) => b.crlId)).toEqual([current?.crlId]);
      expect(current?.crlId).not.toBe(old?.crlId);
    });

    it('refuses the older CRL after the newer, and the newer again, with 400 crl_not_newer, storing nothing', async () => {
      const state = await revocationState(idp, env.clientPoolId);
      await refuses(uploadCrl(idp, env.clientPoolId, firstIntermediateCrl, recipe.intermediatePem), 400, 'crl_not_newer');
      await refuses(uploadCrl(idp, env.clientPoolId, readFileSync(join(intermediateCa.dir, 'crl.pem')), recipe.intermediatePem), 400, 'crl_not_newer');
      expect(await revocationState(idp, env.clientPoolId)).toEqual(state);
      expect((await list()).find((c) => c.id === ids().intermediate)?.crlNumber).toBe('4097');
    });

    it('accepts the issuer as a plain form field, and a CRL without cRLNumber (compared by thisUpdate): no crlNumber in the answer', async () => {
      await sleep(1100); // thisUpdate has one-second precision
      const unnumbered = opensslCa(recipe.dir, recipe.intermediatePem, file('intermediate-ca.key').toString(), { crlNumber: false });
      unnumbered.revoke(recipe.devicePem, 'keyCompromise');
      const response = await uploadCrlParts(idp, env.clientPoolId, [
        { field: 'crl', content: unnumbered.gencrl(), filename: 'crl.pem' },
        { field: 'issuer', content: recipe.intermediatePem },
      ]);
      expect(response.status).toBe(201);
      const body = await response.json();
      expect(body).toEqual({
        id: ids().intermediate,
        issuer: expect.any(String),
        thisUpdate: expect.any(String),
        nextUpdate: expect.any(String),
        revokedCount: 1,
      });
      expect((await list()).find((c) => c.id === ids().intermediate)).not.toHaveProperty('crlNumber');
    });

    it('marks a CRL whose nextUpdate has passed as stale in the listing', async () => {
      const response = await uploadCrl(idp, env.clientPoolId, rootCa.gencrl({ crlsec: 2 }));
      expect(response.status).toBe(201);
      expect((await list()).find((c) => c.id === ids().root)?.stale).toBe(false);
      await sleep(2600);
      expect((await list()).find((c) => c.id === ids().root)?.stale).toBe(true);
      expect((await list()).find((c) => c.id === ids().intermediate)?.stale).toBe(false);
    });

    it('deletes a CRL by id: 204, its item and buckets are gone, epoch +1; then 404 crl_not_found', async () => {
      const before = await trustEpoch(idp.tableName, env.clientPoolId);
      const response = await idp.request(`${crlsPath(env.clientPoolId)}/${ids().intermediate.toUpperCase()}`, { method: 'DELETE' });
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
      expect(await storedCrl('intermediate')).toBeUndefined();
      expect(await poolItems(idp.tableName, env.clientPoolId, `CRLSCOPEENTRIES#${scopes().intermediate}#`)).toEqual([]);
      expect(await trustEpoch(idp.tableName, env.clientPoolId)).toBe(before + 1);
      expect((await list()).map((c) => c.id)).toEqual([ids().root]);
      await refuses(idp.request(`${crlsPath(env.clientPoolId)}/${ids().intermediate}`, { method: 'DELETE' }), 404, 'crl_not_found');
      await refuses(idp.request(`${crlsPath(env.clientPoolId)}/not-an-id`, { method: 'DELETE' }), 400, 'invalid_crl_id');
      expect(await trustEpoch(idp.tableName, env.clientPoolId)).toBe(before + 1);
    });
  });

  describe('refusals store nothing', () => {
    let pool: EnvironmentInfo;
    let other: OpensslRecipe;
    let before: Awaited<ReturnType<typeof revocationState>>;
    const post = (crl: string | Uint8Array, issuer?: string | Uint8Array) => uploadCrl(idp, pool.clientPoolId, crl, issuer);
    const deviceCrl = () => readFileSync(join(intermediateCa.dir, 'crl.pem'));

    beforeAll(async () => {
      other = await runOpensslRecipe({ caKeyBits: 2048 });
      pool = await idp.createEnvironment(env.orgId, 'refusals');
      expect((await uploadFile(idp, pool.clientPoolId, recipe.rootPem)).status).toBe(201);
    });
    afterAll(() => other?.cleanup());
    beforeEach(async () => {
      before = await revocationState(idp, pool.clientPoolId);
    });
    afterEach(async () => {
      expect(await revocationState(idp, pool.clientPoolId)).toEqual(before);
      expect(before.crls).toEqual([]);
    });

    it('refuses a certificate (PEM or DER) with 400 crl_is_certificate', async () => {
      await refuses(post(recipe.devicePem), 400, 'crl_is_certificate');
      await refuses(post(recipe.device), 400, 'crl_is_certificate');
    });

    it('refuses a truncated CRL (DER or PEM), garbage and an empty part with 400 crl_malformed', async () => {
      const der = intermediateCa.gencrl({ der: true });
      await refuses(post(der.subarray(0, der.length - 40), recipe.intermediatePem), 400, 'crl_malformed');
      const pem = deviceCrl().toString();
      await refuses(post(pem.slice(0, pem.length - 80), recipe.intermediatePem), 400, 'crl_malformed');
      await refuses(post('this is not a CRL at all'), 400, 'crl_malformed');
      await refuses(post(new Uint8Array([0x30, 0x82, 0xff, 0xff, 0x01])), 400, 'crl_malformed');
      await refuses(post(''), 400, 'crl_malformed');
    });

    it('refuses a private key as the CRL with 400 crl_private_key_not_allowed', async () => {
      await refuses(post(file('intermediate-ca.key')), 400, 'crl_private_key_not_allowed');
    });

    it("refuses another pool's CA's CRL: a root unknown here, a root of the same name and another key, an intermediate not chaining here", async () => {
      openssl(['genrsa', '-out', 'stranger.key', '2048'], other.dir);
      selfSignCa(other.dir, { keyFile: 'stranger.key', certificateFile: 'stranger.crt', subject: '/C=US/O=Elsewhere/CN=Stranger Root CA' });
      const stranger = opensslCa(other.dir, readFileSync(join(other.dir, 'stranger.crt')).toString(), readFileSync(join(other.dir, 'stranger.key')).toString());
      await refuses(post(stranger.gencrl()), 400, 'crl_issuer_unknown');
      const otherRoot = opensslCa(other.dir, other.rootPem, readFileSync(join(other.dir, 'root-ca.key')).toString());
      const otherIntermediate = opensslCa(other.dir, other.intermediatePem, readFileSync(join(other.dir, 'intermediate-ca.key')).toString());
      await refuses(post(otherRoot.gencrl()), 400, 'crl_bad_signature'); // same root name as this pool's, another key
      await refuses(post(otherIntermediate.gencrl(), other.intermediatePem), 400, 'crl_issuer_untrusted');
      await refuses(post(otherIntermediate.gencrl(), `${other.intermediatePem}${other.rootPem}`), 400, 'crl_issuer_untrusted');
    });

    it("refuses a CRL signed by the wrong key (an impostor CA with the intermediate's name) with 400 crl_bad_signature", async () => {
      openssl(['genrsa', '-out', 'impostor.key', '2048'], recipe.dir);
      selfSignCa(recipe.dir, {
        keyFile: 'impostor.key',
        certificateFile: 'impostor.crt',
        subject: '/C=US/ST=State/L=City/O=Organization/CN=Device Intermediate CA',
      });
      const impostor = opensslCa(recipe.dir, file('impostor.crt').toString(), file('impostor.key').toString());
      await refuses(post(impostor.gencrl(), recipe.intermediatePem), 400, 'crl_bad_signature');
    });

    it('refuses a CRL whose issuer part names another CA (400 crl_issuer_name_mismatch), or an intermediate CRL without issuer (400 crl_issuer_unknown)', async () => {
      await refuses(post(deviceCrl(), recipe.rootPem), 400, 'crl_issuer_name_mismatch');
      await refuses(post(deviceCrl()), 400, 'crl_issuer_unknown');
    });

    it('refuses a CRL whose nextUpdate has passed with 400 crl_expired', async () => {
      await refuses(post(intermediateCa.gencrl({ lastUpdate: '20200101000000Z', nextUpdate: '20200108000000Z' }), recipe.intermediatePem), 400, 'crl_expired');
    });

    it('refuses an issuer part that holds a private key (400 private_key_not_allowed) or is not PEM (400 issuer_pem_required)', async () => {
      await refuses(post(deviceCrl(), `${recipe.intermediatePem}${file('intermediate-ca.key').toString()}`), 400, 'private_key_not_allowed');
      await refuses(post(deviceCrl(), recipe.intermediate), 400, 'issuer_pem_required');
      await refuses(post(deviceCrl(), 'garbage'), 400, 'issuer_pem_required');
    });

    it('draws the line at 2 MiB: 2 MiB reach the CRL rules, one byte more is 413 file_too_large, a body over the limit 413 payload_too_large', async () => {
      await refuses(post(Buffer.alloc(2 * MiB, 0x41)), 400, 'crl_malformed');
      await refuses(post(Buffer.alloc(2 * MiB + 1, 0x41)), 413, 'file_too_large');
      await refuses(post(Buffer.alloc(3 * MiB, 0x41)), 413, 'payload_too_large');
      await refuses(post(deviceCrl(), Buffer.alloc(64 * 1024 + 1, 0x41)), 413, 'file_too_large');
    });

    it('refuses a form without a "crl" file (400 missing_crl_field), two of them (400 crl_multiple_not_allowed), two issuer parts (400 single_issuer_required), and a JSON body (400 multipart_required)', async () => {
      await refuses(uploadCrlParts(idp, pool.clientPoolId, [{ field: 'file', content: deviceCrl(), filename: 'crl.pem' }]), 400, 'missing_crl_field');
      await refuses(uploadCrlParts(idp, pool.clientPoolId, [{ field: 'crl', content: deviceCrl().toString() }]), 400, 'missing_crl_field');
      const part = { field: 'crl', content: deviceCrl(), filename: 'crl.pem' };
      await refuses(uploadCrlParts(idp, pool.clientPoolId, [part, part]), 400, 'crl_multiple_not_allowed');
      const issuer = { field: 'issuer', content: recipe.intermediatePem };
      await refuses(uploadCrlParts(idp, pool.clientPoolId, [part, issuer, issuer]), 400, 'single_issuer_required');
      await refuses(idp.request(crlsPath(pool.clientPoolId), { method: 'POST', json: { crl: deviceCrl().toString() } }), 400, 'multipart_required');
    });

    it('answers an org key 403 forbidden on upload, list and delete', async () => {
      await refuses(uploadCrl(idp, pool.clientPoolId, deviceCrl(), recipe.intermediatePem, orgKey), 403, 'forbidden');
      await refuses(idp.request(crlsPath(pool.clientPoolId), { apiKey: orgKey }), 403, 'forbidden');
      await refuses(idp.request(`${crlsPath(env.clientPoolId)}/${ids().root}`, { method: 'DELETE', apiKey: orgKey }), 403, 'forbidden');
      expect((await list()).map((c) => c.id)).toContain(ids().root);
    });

    it('answers 404 pool_not_found for an unknown pool on upload, list and delete', async () => {
      await refuses(uploadCrl(idp, 'pool-doesnotexist', deviceCrl(), recipe.intermediatePem), 404, 'pool_not_found');
      await refuses(idp.request(crlsPath('pool-doesnotexist')), 404, 'pool_not_found');
      await refuses(idp.request(`${crlsPath('pool-doesnotexist')}/${ids().root}`, { method: 'DELETE' }), 404, 'pool_not_found');
    });
  });
});
