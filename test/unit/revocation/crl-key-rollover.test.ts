import { devicePolicy, type ParsedCertificate, validateChain } from '../../../src/domain/chain';
import { checkRevocation, crlIssuerId, crlScopeId, type ImportedCrl, revocationSubjects, revocationViewOf } from '../../../src/domain/revocation';
import { makeIntermediate, makeLeaf, TEST_NOW, type TestCertificate } from '../../support/pki';
import { makeCrl } from './crl-builder';
import { type Hierarchy, importCrl, makeHierarchy } from './fixtures';

/*
 * A CA that rolled its key over: root -> CA (old key) -> self-issued CA
 * certificate (new key, signed with the old) -> device (signed with the new
 * key). The CA keeps publishing with its old key. RFC 5280 §6.3.3 (f): a CRL
 * of the device's issuer name whose issuer validates to the same trust
 * anchor speaks for it, whichever key signed it. (PKITS 4.5.1, 4.5.2,
 * 4.6.15, 4.6.17.)
 */
let pki: Hierarchy;
let rollover: TestCertificate;
let device: TestCertificate;
let path: readonly ParsedCertificate[];

const crlOf = (
  issuer: TestCertificate,
  entries: Parameters<typeof makeCrl>[0]['entries'] = [],
  extra: Partial<Parameters<typeof makeCrl>[0]> = {},
): Promise<ImportedCrl> =>
  makeCrl({ issuer, entries, ...extra }).then((der) =>
    importCrl(der, pki, { issuerChain: issuer === pki.root ? undefined : issuer === rollover ? [rollover, pki.intermediate] : [issuer] }),
  );
const check = (crls: ImportedCrl[], requireCrl: boolean, now = TEST_NOW) => checkRevocation(path, revocationViewOf({ crls }), { now, requireCrl });

beforeAll(async () => {
  pki = await makeHierarchy();
  rollover = await makeIntermediate(pki.intermediate, { cn: 'CRL Test Intermediate' });
  device = await makeLeaf(rollover, { cn: 'device-rolled' });
  const result = await validateChain({ chain: [device.der, rollover.der, pki.intermediate.der], anchors: [pki.root.der] }, devicePolicy(TEST_NOW));
  if (!result.valid) throw new Error(`fixture chain invalid: ${result.code} ${result.detail}`);
  path = result.path;
});

describe('CRLs across a CA key rollover (self-issued certificates)', () => {
  it("puts every key of the CA in the scope of its name, and lists the path's keys of it for CRLs stored before scopes", () => {
    const subjects = revocationSubjects(path);
    expect(subjects.map((s) => [s.subjectDn, s.scopeId, s.legacyIssuerIds])).toEqual([
      ['CN=device-rolled,O=Business Unit 1', crlScopeId(path[3], path[1].subject), [crlIssuerId(path[1]), crlIssuerId(path[2])]],
      ['CN=CRL Test Intermediate', crlScopeId(path[3], path[1].subject), [crlIssuerId(path[2])]],
      ['CN=CRL Test Intermediate', crlScopeId(path[3], path[3].subject), [crlIssuerId(path[3])]],
    ]);
  });

  it("refuses a device revoked on the CRL signed with the CA's old key: certificate_revoked", async () => {
    const crl = await crlOf(pki.intermediate, [{ serial: path[0].serialNumber, reason: 1 }]);
    expect(check([crl, await crlOf(pki.root)], false)).toMatchObject({
      code: 'certificate_revoked',
      detail: expect.stringMatching(/^certificate 'CN=device-rolled.*revoked by the CRL of 'CN=CRL Test Intermediate'/),
    });
  });

  it('takes that CRL as covering the device when the pool requires CRLs', async () => {
    expect(check([await crlOf(pki.intermediate), await crlOf(pki.root)], true)).toBeUndefined();
    expect(check([await crlOf(pki.root)], true)).toMatchObject({ code: 'crl_missing', detail: expect.stringContaining("certificate 'CN=device-rolled") });
  });

  it("refuses when any of the CA's CRLs is stale: crl_expired", async () => {
    const soonStale = await crlOf(pki.intermediate, [], { thisUpdate: new Date('2030-06-01T00:00:00Z'), nextUpdate: new Date('2030-06-20T00:00:00Z') });
    const crls = [await crlOf(rollover), soonStale, await crlOf(pki.root)];
    expect(check(crls, false)).toBeUndefined();
    expect(check(crls, false, new Date('2030-06-20T00:00:01Z'))).toMatchObject({ code: 'crl_expired', detail: expect.stringContaining('device-rolled') });
  });

  it('lets a CA of the same name off the path, certified by the same root, speak for the device: by RFC 5280 it is the same CA', async () => {
    const sameName = await makeIntermediate(pki.root, { cn: 'CRL Test Intermediate' });
    expect(check([await crlOf(sameName, [{ serial: path[0].serialNumber }]), await crlOf(pki.intermediate), await crlOf(pki.root)], false)).toMatchObject({
      code: 'certificate_revoked',
      detail: expect.stringMatching(/^certificate 'CN=device-rolled/),
    });
  });

  it('matches a CRL stored before scopes existed by the keys of the CA on the path, old and new', async () => {
    const legacy = (crls: ImportedCrl[], requireCrl: boolean) => checkRevocation(path, revocationViewOf({ legacyCrls: crls }), { now: TEST_NOW, requireCrl });
    expect(legacy([await crlOf(pki.intermediate, [{ serial: path[0].serialNumber }]), await crlOf(pki.root)], false)).toMatchObject({
      code: 'certificate_revoked',
    });
    expect(legacy([await crlOf(rollover, [{ serial: path[0].serialNumber }]), await crlOf(pki.root)], false)).toMatchObject({ code: 'certificate_revoked' });
    expect(legacy([await crlOf(pki.intermediate), await crlOf(pki.root)], true)).toBeUndefined();
    // Not by name alone: another key of that name was never on this path.
    const sameName = await makeIntermediate(pki.root, { cn: 'CRL Test Intermediate' });
    expect(legacy([await crlOf(sameName, [{ serial: path[0].serialNumber }]), await crlOf(pki.root)], true)).toMatchObject({ code: 'crl_missing' });
  });
});
