import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCertificate } from '../../../src/domain/chain';
import { requestToken, sha256Hex } from '../../support/device-fleet';
import { malleateEcdsaSignature } from '../../support/ecdsa-malleability';
import { type OpensslCa, opensslCaFor } from '../../support/openssl-ca';
import { makeIntermediate, type TestCertificate } from '../../support/pki';
import { useTokenPool } from '../../support/token-pool';
import { makeCrl } from '../../unit/revocation/crl-builder';
import { revocationsPath, revoke, uploadCrl } from '../admin/revocation-support';
import { expectRefused, expectToken, poolCrls } from './pool-revocation';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/*
 * docs/contract.md §3.4 at the token endpoint: every certificate of the validated path
 * but the anchor is checked against the pool's revocations and CRLs, from
 * the very next request; a CRL past its nextUpdate refuses every certificate
 * of its issuer (fail closed) until a fresh one is uploaded.
 */
describe('revocation at the token endpoint (docs/contract.md §3.4)', () => {
  const pool = useTokenPool();
  let workDir: string;
  /** A second intermediate under the same root: its devices must be unaffected by what happens to the first. */
  let otherIntermediate: TestCertificate;
  let rootCa: OpensslCa;
  let intermediateCa: OpensslCa;

  const { upload, deleteCrl } = poolCrls(pool);
  const deviceUnder = (intermediate: TestCertificate) => pool.boundDevice({ intermediate });
  const lift = async (fingerprint: string) =>
    expect((await pool.idp.request(`${revocationsPath(pool.env.clientPoolId)}/${fingerprint}`, { method: 'DELETE' })).status).toBe(204);

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'revocation-effects-'));
    otherIntermediate = await makeIntermediate(pool.pki.root, { cn: 'Acme Device CA 2', o: 'Acme', basicConstraints: { ca: true, pathLen: 0 } });
    rootCa = await opensslCaFor(workDir, pool.pki.root);
    intermediateCa = await opensslCaFor(workDir, pool.pki.intermediate);
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  describe('individual revocations', () => {
    it('refuses the very next request of a device revoked by fingerprint with certificate_revoked, and lifting restores it', async () => {
      const device = await pool.boundDevice();
      expectToken(await requestToken(device, pool.env));
      const fingerprint = sha256Hex(device.device.der);
      expect((await revoke(pool.idp, pool.env.clientPoolId, { fingerprint, reason: 'keyCompromise' })).status).toBe(201);
      expectRefused(await requestToken(device, pool.env), 'certificate_revoked');
      await lift(fingerprint);
      expectToken(await requestToken(device, pool.env));
    });

    it('revoking the intermediate refuses every device below it, not a device under another intermediate; lifting restores them', async () => {
      const [first, second, elsewhere] = await Promise.all([
        deviceUnder(pool.pki.intermediate),
        deviceUnder(pool.pki.intermediate),
        deviceUnder(otherIntermediate),
      ]);
      for (const device of [first, second, elsewhere]) expectToken(await requestToken(device, pool.env));
      expect((await revoke(pool.idp, pool.env.clientPoolId, { certificate: pool.pki.intermediate.pem, reason: 'cACompromise' })).status).toBe(201);
      expectRefused(await requestToken(first, pool.env), 'certificate_revoked');
      expectRefused(await requestToken(second, pool.env), 'certificate_revoked');
      expectToken(await requestToken(elsewhere, pool.env));
      await lift(sha256Hex(pool.pki.intermediate.der));
      for (const device of [first, second, elsewhere]) expectToken(await requestToken(device, pool.env));
    });

    it('refuses a device revoked by PEM when it presents its certificate with the ECDSA signature turned into (r, n−s); a fingerprint revocation matches one encoding only', async () => {
      const device = await pool.boundDevice();
      // The malleable twin: the same signed content under another DER and fingerprint, made without any key.
      const twin = malleateEcdsaSignature(device.device.der);
      const asTwin = () => requestToken(device, pool.env, { x5c: [twin, device.intermediate.der] });
      expect(sha256Hex(twin)).not.toBe(sha256Hex(device.device.der));
      expectToken(await asTwin());
      const fingerprint = sha256Hex(device.device.der);

      const byFingerprint = await revoke(pool.idp, pool.env.clientPoolId, { fingerprint, reason: 'keyCompromise' });
      try {
        expect(await byFingerprint.json()).toMatchObject({ matches: ['fingerprint'] });
        expectRefused(await requestToken(device, pool.env), 'certificate_revoked');
        expectToken(await asTwin());

        // The PEM adds the certificate's identity to that record (200): every encoding of it is refused.
        const byPem = await revoke(pool.idp, pool.env.clientPoolId, { certificate: device.device.pem });
        expect({ status: byPem.status, body: await byPem.json() }).toMatchObject({
          status: 200,
          body: { id: fingerprint, reason: 'keyCompromise', matches: ['fingerprint', 'issuerAndSerial'] },
        });
        expectRefused(await requestToken(device, pool.env), 'certificate_revoked');
        expectRefused(await asTwin(), 'certificate_revoked');
      } finally {
        await lift(fingerprint);
      }
      expectToken(await asTwin());
    });

    it('refuses devices below an intermediate revoked by PEM when they present it malleated, or present its renewal (same subject and key); lifting serves them again', async () => {
      const [direct, viaTwin] = await Promise.all([deviceUnder(pool.pki.intermediate), deviceUnder(pool.pki.intermediate)]);
      const asTwin = () => requestToken(viaTwin, pool.env, { x5c: [viaTwin.device.der, malleateEcdsaSignature(pool.pki.intermediate.der)] });
      // A normal CA renewal: the root issues the intermediate's subject and key a new certificate (new serial, new validity).
      const renewal = await makeIntermediate(pool.pki.root, {
        cn: 'Acme Device CA',
        o: 'Acme',
        basicConstraints: { ca: true, pathLen: 0 },
        keys: pool.pki.intermediate.keys,
      });
      expect(parseCertificate(renewal.der).serialNumberHex).not.toBe(parseCertificate(pool.pki.intermediate.der).serialNumberHex);
      const renewed = await deviceUnder(renewal);
      const elsewhere = await deviceUnder(otherIntermediate);
      expectToken(await asTwin());
      expectToken(await requestToken(renewed, pool.env));

      const response = await revoke(pool.idp, pool.env.clientPoolId, { certificate: pool.pki.intermediate.pem, reason: 'cACompromise' });
      try {
        expect(await response.json()).toMatchObject({ matches: ['fingerprint', 'issuerAndSerial', 'subjectAndKey'] });
        expectRefused(await requestToken(direct, pool.env), 'certificate_revoked');
        expectRefused(await asTwin(), 'certificate_revoked');
        const refused = await requestToken(renewed, pool.env);
        expectRefused(refused, 'certificate_revoked');
        expect(refused.body.error_description).toContain('subject and key of a revoked CA certificate');
        expectToken(await requestToken(elsewhere, pool.env));
      } finally {
        await lift(sha256Hex(pool.pki.intermediate.der));
      }
      for (const answer of [await requestToken(direct, pool.env), await asTwin(), await requestToken(renewed, pool.env)]) expectToken(answer);
    });
  });

  describe('CRLs', () => {
    it("refuses a device listed in its intermediate's CRL with certificate_revoked; its unlisted siblings keep working; deleting the CRL restores it", async () => {
      const [listed, unlisted] = await Promise.all([deviceUnder(pool.pki.intermediate), deviceUnder(pool.pki.intermediate)]);
      intermediateCa.revoke(listed.device.pem, 'keyCompromise');
      const id = await upload(intermediateCa.gencrl(), pool.pki.intermediate.pem);
      const refused = await requestToken(listed, pool.env);
      expectRefused(refused, 'certificate_revoked');
      expect(refused.body.error_description).toContain('keyCompromise');
      expectToken(await requestToken(unlisted, pool.env));
      await deleteCrl(id);
      expectToken(await requestToken(listed, pool.env));
    });

    it("refuses every device below an intermediate listed in the root's CRL, not those under the other intermediate", async () => {
      const [below, elsewhere] = await Promise.all([deviceUnder(pool.pki.intermediate), deviceUnder(otherIntermediate)]);
      rootCa.revoke(pool.pki.intermediate.pem, 'cACompromise');
      const id = await upload(rootCa.gencrl({ der: true }));
      expectRefused(await requestToken(below, pool.env), 'certificate_revoked');
      expectToken(await requestToken(elsewhere, pool.env));
      await deleteCrl(id);
      expectToken(await requestToken(below, pool.env));
    });

    it('accepts a CRL with an entry no certificate can carry (a 40,000-octet serial) and leaves that entry out: 201 with ignoredCount, the listed device refused', async () => {
      const [listed, unlisted] = await Promise.all([deviceUnder(pool.pki.intermediate), deviceUnder(pool.pki.intermediate)]);
      const now = Date.now();
      const crl = await makeCrl({
        issuer: pool.pki.intermediate,
        thisUpdate: new Date(Math.floor(now / 1000) * 1000 - 60_000),
        nextUpdate: new Date(now + 3_600_000),
        crlNumber: BigInt(now),
        entries: [{ serial: new Uint8Array(40_000).fill(0x5a) }, { serial: parseCertificate(listed.device.der).serialNumber, reason: 1 }],
      });
      const response = await uploadCrl(pool.idp, pool.env.clientPoolId, Buffer.from(crl), pool.pki.intermediate.pem);
      const body = (await response.json()) as { id: string };
      expect({ status: response.status, body }).toMatchObject({ status: 201, body: { revokedCount: 1, ignoredCount: 1 } });
      expectRefused(await requestToken(listed, pool.env), 'certificate_revoked');
      expectToken(await requestToken(unlisted, pool.env));
      await deleteCrl(body.id);
    });

    it('fails closed on a stale CRL: crl_expired for every certificate of its issuer until a fresh CRL is uploaded', async () => {
      const otherCa = await opensslCaFor(workDir, otherIntermediate);
      const [first, second, elsewhere] = await Promise.all([
        deviceUnder(otherIntermediate),
        deviceUnder(otherIntermediate),
        deviceUnder(pool.pki.intermediate),
      ]);
      const uploadedAt = Date.now();
      await upload(otherCa.gencrl({ crlsec: 3 }), otherIntermediate.pem);
      expectToken(await requestToken(first, pool.env));
      expect(Date.now() - uploadedAt).toBeLessThan(3000);
      await sleep(3000 - (Date.now() - uploadedAt) + 1200);
      for (const device of [first, second]) {
        const refused = await requestToken(device, pool.env);
        expectRefused(refused, 'crl_expired');
        expect(refused.body.error_description).toContain('Acme Device CA 2');
      }
      expectToken(await requestToken(elsewhere, pool.env));
      await upload(otherCa.gencrl(), otherIntermediate.pem);
      for (const device of [first, second]) expectToken(await requestToken(device, pool.env));
    });
  });
});
