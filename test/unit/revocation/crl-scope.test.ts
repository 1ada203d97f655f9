import { devicePolicy, type ParsedCertificate, parseCertificate, validateChain } from '../../../src/domain/chain';
import { checkRevocation, crlIssuerId, crlRecordId, crlScopeId, type ImportedCrl, revocationViewOf } from '../../../src/domain/revocation';
import { makeIntermediate, makeRoot, TEST_NOW, type TestCertificate } from '../../support/pki';
import { makeCrl } from './crl-builder';
import { type Hierarchy, importCrl, makeHierarchy } from './fixtures';

/*
 * CRL scopes (RFC 5280 §6.3.3 (b)(1), (f)): a complete CRL speaks for the
 * certificates of its issuer NAME when its signer validates to the same
 * trust anchor as they do, whichever key signed it. PKITS 4.4.19-21 and
 * 4.5.6-7 in miniature, and the same-name CA under another root that must
 * never speak for this one's devices.
 */
let pki: Hierarchy;
/** The CA's separate CRL-signing certificate: its name, another key, certified by the root (PKITS 4.4.19). */
let crlKey: TestCertificate;
/** A CA of the same name under another root of the same pool. */
let otherRoot: TestCertificate;
let sameNameElsewhere: TestCertificate;
let path: readonly ParsedCertificate[];

const anchors = () => [pki.root, otherRoot];
const crlOf = (
  issuer: TestCertificate,
  entries: Parameters<typeof makeCrl>[0]['entries'] = [],
  issuerChain?: TestCertificate[],
  extra: Partial<Parameters<typeof makeCrl>[0]> = {},
) =>
  makeCrl({ issuer, entries, ...extra }).then((der) =>
    importCrl(der, pki, { anchors: anchors(), issuerChain: issuerChain ?? (issuer === pki.root || issuer === otherRoot ? undefined : [issuer]) }),
  );
const check = (crls: ImportedCrl[], requireCrl: boolean, extra: Parameters<typeof revocationViewOf>[0] = {}, now = TEST_NOW) =>
  checkRevocation(path, revocationViewOf({ crls, ...extra }), { now, requireCrl });

beforeAll(async () => {
  pki = await makeHierarchy();
  crlKey = await makeIntermediate(pki.root, { cn: 'CRL Test Intermediate', keyUsage: ['cRLSign'] });
  otherRoot = await makeRoot({ cn: 'Other Root' });
  sameNameElsewhere = await makeIntermediate(otherRoot, { cn: 'CRL Test Intermediate' });
  const result = await validateChain({ chain: [pki.device.der, pki.intermediate.der], anchors: anchors().map((c) => c.der) }, devicePolicy(TEST_NOW));
  if (!result.valid) throw new Error(`fixture chain invalid: ${result.code} ${result.detail}`);
  path = result.path;
});

describe('crlScopeId: an issuer name under one trust anchor', () => {
  it('is the same for the same name under the same anchor, whatever the key or certificate of the issuer', () => {
    const [root, intermediate, separate] = [pki.root, pki.intermediate, crlKey].map((c) => parseCertificate(c.der));
    expect(crlScopeId(root, intermediate.subject)).toMatch(/^[0-9a-f]{64}$/);
    expect(crlScopeId(root, separate.subject)).toBe(crlScopeId(root, intermediate.subject));
    expect(crlScopeId(root, path[0].issuer)).toBe(crlScopeId(root, intermediate.subject));
  });

  it('differs for the same name under another anchor, and for another name under the same anchor', async () => {
    const root = parseCertificate(pki.root.der);
    const intermediate = parseCertificate(pki.intermediate.der);
    expect(crlScopeId(parseCertificate(otherRoot.der), parseCertificate(sameNameElsewhere.der).subject)).not.toBe(crlScopeId(root, intermediate.subject));
    expect(crlScopeId(root, root.subject)).not.toBe(crlScopeId(root, intermediate.subject));
    // An anchor is a name and a key: the same name with another key is another anchor.
    const sameNameOtherKey = parseCertificate((await makeRoot({ cn: 'CRL Test Root' })).der);
    expect(crlScopeId(sameNameOtherKey, intermediate.subject)).not.toBe(crlScopeId(root, intermediate.subject));
    const reissued = parseCertificate((await makeRoot({ cn: 'CRL Test Root', keys: pki.root.keys })).der);
    expect(crlScopeId(reissued, intermediate.subject)).toBe(crlScopeId(root, intermediate.subject));
  });

  it("gives an upload the scope of its signer's anchor and an id per scope and signing key", async () => {
    const byCa = await crlOf(pki.intermediate);
    const bySeparateKey = await crlOf(crlKey);
    const elsewhere = await crlOf(sameNameElsewhere);
    expect(bySeparateKey.scopeId).toBe(byCa.scopeId);
    expect(elsewhere.scopeId).not.toBe(byCa.scopeId);
    expect(bySeparateKey.id).toBe(crlRecordId(byCa.scopeId, crlIssuerId(parseCertificate(crlKey.der))));
    expect(new Set([byCa.id, bySeparateKey.id, elsewhere.id]).size).toBe(3);
    expect(bySeparateKey.signerPath.map((s) => s.subjectDn)).toEqual(['CN=CRL Test Intermediate']);
    expect((await crlOf(pki.root)).signerPath).toEqual([]);
  });
});

describe('a CRL signed by a separate key of the issuer (PKITS 4.4.19, 4.4.20)', () => {
  it('covers the device when the pool requires CRLs', async () => {
    expect(check([await crlOf(crlKey), await crlOf(pki.root)], true)).toBeUndefined();
  });

  it('revokes the device it lists: certificate_revoked', async () => {
    expect(check([await crlOf(crlKey, [{ serial: path[0].serialNumber, reason: 1 }]), await crlOf(pki.root)], false)).toMatchObject({
      code: 'certificate_revoked',
      detail: expect.stringMatching(/^certificate 'CN=device-1.*revoked by the CRL of 'CN=CRL Test Intermediate'/),
    });
  });

  it("stands beside the CA's own CRL: a serial listed on either is revoked, and a stale one refuses", async () => {
    const listed = { serial: path[0].serialNumber };
    expect(check([await crlOf(pki.intermediate), await crlOf(crlKey, [listed]), await crlOf(pki.root)], true)).toMatchObject({ code: 'certificate_revoked' });
    expect(check([await crlOf(pki.intermediate, [listed]), await crlOf(crlKey), await crlOf(pki.root)], true)).toMatchObject({ code: 'certificate_revoked' });
    const stale = await crlOf(crlKey, [], undefined, { thisUpdate: new Date('2030-06-01T00:00:00Z'), nextUpdate: new Date('2030-06-16T00:00:00Z') });
    expect(check([await crlOf(pki.intermediate), stale, await crlOf(pki.root)], true, {}, new Date('2030-06-16T00:00:01Z'))).toMatchObject({
      code: 'crl_expired',
    });
  });
});

describe('a CA of the same name under another root of the pool', () => {
  it("cannot revoke this CA's devices, nor satisfy requireCrl for them", async () => {
    const foreign = await crlOf(sameNameElsewhere, [{ serial: path[0].serialNumber }]);
    expect(check([foreign, await crlOf(pki.root)], false)).toBeUndefined();
    expect(check([foreign, await crlOf(pki.root)], true)).toMatchObject({
      code: 'crl_missing',
      detail: expect.stringContaining("no CRL of 'CN=CRL Test Intermediate'"),
    });
  });
});

describe('the signer of a CRL is checked whenever the CRL is used (PKITS 4.4.21)', () => {
  it("refuses when the separate CRL-signing certificate is on the root's CRL: crl_issuer_revoked", async () => {
    const signerSerial = parseCertificate(crlKey.der).serialNumber;
    expect(check([await crlOf(crlKey), await crlOf(pki.root, [{ serial: signerSerial, reason: 1 }])], false)).toEqual({
      valid: false,
      code: 'crl_issuer_revoked',
      detail: expect.stringMatching(
        /^certificate 'CN=device-1.*covered by the CRL of 'CN=CRL Test Intermediate', which cannot be relied on: its signer 'CN=CRL Test Intermediate' .*revoked by the CRL of 'CN=CRL Test Root'/,
      ),
    });
  });

  it('refuses when the operator revoked the signing certificate, by PEM or by fingerprint', async () => {
    const crls = [await crlOf(crlKey), await crlOf(pki.root)];
    expect(check(crls, false, { revokedCertificates: [parseCertificate(crlKey.der)] })).toMatchObject({ code: 'crl_issuer_revoked' });
    expect(check(crls, false, { revokedFingerprints: [parseCertificate(crlKey.der).sha256Hex] })).toMatchObject({ code: 'crl_issuer_revoked' });
    // The device's own CA revoked by the operator is the device's refusal, not the CRL's.
    expect(
      check([await crlOf(pki.intermediate), await crlOf(pki.root)], false, { revokedCertificates: [parseCertificate(pki.intermediate.der)] }),
    ).toMatchObject({
      code: 'certificate_revoked',
      detail: expect.stringMatching(/^intermediate #1/),
    });
  });

  it("refuses when the signer's own issuer has a stale CRL, or none while the pool requires one", async () => {
    const signingCa = await makeIntermediate(pki.root, { cn: 'CRL Signing CA' });
    const delegated = await makeIntermediate(signingCa, { cn: 'CRL Test Intermediate', keyUsage: ['cRLSign'] });
    const crl = await crlOf(delegated, [], [delegated, signingCa]);
    expect(check([crl, await crlOf(pki.root)], false)).toBeUndefined();
    expect(check([crl, await crlOf(pki.root)], true)).toMatchObject({
      code: 'crl_missing',
      detail: expect.stringContaining("its signer 'CN=CRL Test Intermediate'"),
    });
    const staleSigningCaCrl = await crlOf(signingCa, [], [signingCa], {
      thisUpdate: new Date('2030-06-01T00:00:00Z'),
      nextUpdate: new Date('2030-06-16T00:00:00Z'),
    });
    expect(check([crl, staleSigningCaCrl, await crlOf(pki.root)], false, {}, new Date('2030-06-16T00:00:01Z'))).toMatchObject({
      code: 'crl_expired',
      detail: expect.stringContaining("the CRL of 'CN=CRL Signing CA' expired"),
    });
  });

  it('ends at a self-issued CRL key whose status is on the CRL it signed (PKITS 4.5.6, 4.5.7): listed, it vouches for nothing', async () => {
    const selfIssued = await makeIntermediate(pki.intermediate, { cn: 'CRL Test Intermediate', keyUsage: ['cRLSign'] });
    const chain = [selfIssued, pki.intermediate];
    expect(check([await crlOf(selfIssued, [], chain), await crlOf(pki.root)], true)).toBeUndefined();
    expect(check([await crlOf(selfIssued, [{ serial: path[0].serialNumber }], chain), await crlOf(pki.root)], true)).toMatchObject({
      code: 'certificate_revoked',
    });
    const listsItself = await crlOf(selfIssued, [{ serial: parseCertificate(selfIssued.der).serialNumber }], chain);
    expect(check([listsItself, await crlOf(pki.root)], true)).toMatchObject({ code: 'crl_issuer_revoked' });
  });
});
