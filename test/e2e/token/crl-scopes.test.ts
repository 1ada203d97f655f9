import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { parseCertificate } from '../../../src/domain/chain';
import { crlIssuerId } from '../../../src/domain/revocation';
import { keys } from '../../../src/storage/keys';
import { requestToken, uploadRoot } from '../../support/device-fleet';
import { testDocumentClient } from '../../support/emulators';
import { type OpensslCa, opensslCaFor } from '../../support/openssl-ca';
import { makeIntermediate, makeRoot, type TestCertificate } from '../../support/pki';
import { useTokenPool } from '../../support/token-pool';
import { crlsPath, poolItems, uploadCrl } from '../admin/revocation-support';
import { expectRefused, expectToken, poolCrls } from './pool-revocation';

/*
 * Which CRLs speak for a device's issuer, over HTTP with CRLs made by
 * `openssl ca -gencrl` (RFC 5280 §6.3.3 (b)(1), (f)): every CRL whose issuer
 * is the device's issuer NAME and whose signer validates to the same pool
 * root as the device, whichever key signed it — the CA's separate
 * CRL-signing key included (PKITS 4.4.19-21) — and never one of a CA with the
 * same name under another root of the pool. A CRL stored by the previous
 * version (keyed by its signer's name and key) keeps deciding until the
 * CA's next upload replaces it.
 */
describe('CRL scopes at the token endpoint (RFC 5280 §6.3.3)', () => {
  const pool = useTokenPool();
  let workDir: string;
  let rootCa: OpensslCa;
  /** The device CA's separate CRL-signing certificate: the CA's name, another key, issued by the pool root. */
  let crlSigner: TestCertificate;
  let crlSignerCa: OpensslCa;
  /** A second root of the same pool, and under it a CA with the device CA's very name. */
  let otherRoot: TestCertificate;
  let sameName: TestCertificate;

  const requireCrl = async (on: boolean) => expect((await pool.patchEnv({ requireCrl: on })).status).toBe(200);
  const ca = (certificate: TestCertificate) => opensslCaFor(workDir, certificate);
  const { upload, deleteCrl } = poolCrls(pool);
  const listCrls = async () =>
    ((await (await pool.idp.request(crlsPath(pool.env.clientPoolId))).json()) as { crls: Array<{ id: string; issuer: string; crlNumber?: string }> }).crls;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'crl-scopes-'));
    rootCa = await ca(pool.pki.root);
    crlSigner = await makeIntermediate(pool.pki.root, { cn: 'Acme Device CA', o: 'Acme', keyUsage: ['cRLSign'] });
    expect(parseCertificate(crlSigner.der).subjectDn).toBe(parseCertificate(pool.pki.intermediate.der).subjectDn);
    crlSignerCa = await ca(crlSigner);
    otherRoot = await makeRoot({ cn: 'Other Root CA', o: 'Other' });
    sameName = await makeIntermediate(otherRoot, { cn: 'Acme Device CA', o: 'Acme', basicConstraints: { ca: true, pathLen: 0 } });
    await uploadRoot(pool.idp, pool.env.clientPoolId, otherRoot.pem, 'other-root.crt');
  });
  afterEach(async () => {
    await requireCrl(false);
    for (const crl of await listCrls()) await deleteCrl(crl.id);
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it("takes a CRL signed by the CA's separate CRL-signing key (its certificate issued by the pool root) as the CA's: it satisfies requireCrl and revokes the device it lists", async () => {
    const [listed, unlisted] = [await pool.boundDevice(), await pool.boundDevice()];
    await upload(rootCa.gencrl());
    await requireCrl(true);
    expectRefused(await requestToken(unlisted, pool.env), 'crl_missing');

    crlSignerCa.revoke(listed.device.pem, 'keyCompromise');
    const id = await upload(crlSignerCa.gencrl(), crlSigner.pem);
    const refused = await requestToken(listed, pool.env);
    expectRefused(refused, 'certificate_revoked');
    expect(refused.body.error_description).toContain('keyCompromise');
    expectToken(await requestToken(unlisted, pool.env));
    expect((await listCrls()).find((crl) => crl.id === id)).toMatchObject({ issuer: parseCertificate(pool.pki.intermediate.der).subjectDn });
  });

  it('never lets a CA of the same name under another root of the pool revoke these devices or satisfy requireCrl for them', async () => {
    const device = await pool.boundDevice();
    const own = await pool.boundDevice({ root: otherRoot, intermediate: sameName });
    const sameNameCa = await ca(sameName);
    sameNameCa.revoke(device.device.pem, 'keyCompromise');
    await upload(sameNameCa.gencrl(), `${sameName.pem}${otherRoot.pem}`);
    expectToken(await requestToken(device, pool.env));

    await upload(rootCa.gencrl());
    await upload((await ca(otherRoot)).gencrl());
    await requireCrl(true);
    const refused = await requestToken(device, pool.env);
    expectRefused(refused, 'crl_missing');
    expect(refused.body.error_description).toContain("no CRL of 'CN=Acme Device CA,O=Acme'");
    // Its own devices are covered by it.
    expectToken(await requestToken(own, pool.env));
  });

  it("keeps honouring a CRL stored by the previous version (CRL#{issuer name and key}) after the upgrade, until the CA's next upload replaces it", async () => {
    const [listed, unlisted] = [await pool.boundDevice(), await pool.boundDevice()];
    const legacyId = crlIssuerId(parseCertificate(pool.pki.intermediate.der));
    const now = Date.now();
    const crlId = `${(now - 60_000).toString(16).padStart(12, '0')}${'0'.repeat(16)}`;
    const db = testDocumentClient();
    const listedSerial = parseCertificate(listed.device.der).serialNumberHex;
    await db.send(
      new PutCommand({
        TableName: pool.idp.tableName,
        Item: {
          ...keys.crlEntries(pool.env.clientPoolId, legacyId, crlId, 0),
          type: 'crlEntries',
          crlId,
          entries: { [listedSerial]: { d: new Date(now - 60_000).toISOString(), r: 'keyCompromise' } },
        },
      }),
    );
    await db.send(
      new PutCommand({
        TableName: pool.idp.tableName,
        Item: {
          ...keys.crl(pool.env.clientPoolId, legacyId),
          type: 'crl',
          id: legacyId,
          issuer: parseCertificate(pool.pki.intermediate.der).subjectDn,
          thisUpdate: new Date(now - 60_000).toISOString(),
          nextUpdate: new Date(now + 3_600_000).toISOString(),
          crlNumber: '4096',
          crlNumberKey: '4096'.padStart(49, '0'),
          revokedCount: 1,
          sha256: 'a'.repeat(64),
          uploadedAt: new Date(now - 60_000).toISOString(),
          crlId,
          bucketCount: 1,
        },
      }),
    );
    await upload(rootCa.gencrl());
    await requireCrl(true);
    expectToken(await requestToken(unlisted, pool.env));
    expectRefused(await requestToken(listed, pool.env), 'certificate_revoked');
    expect((await listCrls()).map((crl) => crl.id)).toContain(legacyId);

    // The CA's next CRL must be newer than the stored one (cRLNumber 4096 is not), and then replaces it.
    const intermediateCa = await ca(pool.pki.intermediate);
    intermediateCa.revoke(listed.device.pem, 'keyCompromise');
    const first = await uploadCrl(pool.idp, pool.env.clientPoolId, intermediateCa.gencrl(), pool.pki.intermediate.pem);
    expect({ status: first.status, body: await first.json() }).toMatchObject({ status: 400, body: { error: 'crl_not_newer' } });
    const id = await upload(intermediateCa.gencrl(), pool.pki.intermediate.pem);
    const ids = (await listCrls()).map((crl) => crl.id);
    expect(ids).toContain(id);
    expect(ids).not.toContain(legacyId);
    expect(await poolItems(pool.idp.tableName, pool.env.clientPoolId, `CRL#${legacyId}`)).toEqual([]);
    expect(await poolItems(pool.idp.tableName, pool.env.clientPoolId, `CRLENTRIES#${legacyId}#`)).toEqual([]);
    expectRefused(await requestToken(listed, pool.env), 'certificate_revoked');
    expectToken(await requestToken(unlisted, pool.env));
  });

  // Last: it revokes the CRL-signing certificate in the root CA's database for good.
  it("refuses the CA's devices with crl_issuer_revoked once the CRL-signing certificate is on the root's CRL, until that key's CRL is deleted", async () => {
    const device = await pool.boundDevice();
    const id = await upload(crlSignerCa.gencrl(), crlSigner.pem);
    expectToken(await requestToken(device, pool.env));
    rootCa.revoke(crlSigner.pem, 'keyCompromise');
    await upload(rootCa.gencrl());
    const refused = await requestToken(device, pool.env);
    expectRefused(refused, 'crl_issuer_revoked');
    expect(refused.body.error_description).toContain("its signer 'CN=Acme Device CA,O=Acme'");
    await deleteCrl(id);
    expectToken(await requestToken(device, pool.env));
  });
});
