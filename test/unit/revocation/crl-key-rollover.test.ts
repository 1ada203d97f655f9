import { type ParsedCertificate, devicePolicy, validateChain } from '../../../src/domain/chain';
import { type ImportedCrl, checkRevocation, revocationSubjects, revocationViewOf } from '../../../src/domain/revocation';
import { TEST_NOW, type TestCertificate, makeIntermediate, makeLeaf } from '../../support/pki';
import { makeCrl } from './crl-builder';
import { type Hierarchy, importCrl, makeHierarchy } from './fixtures';

/*
 * A CA that rolled its key over: root -> CA (old key) -> self-issued CA
 * certificate (new key, signed with the old) -> device (signed with the new
 * key). The CA keeps publishing with its old key. RFC 5280 §6.3.3 (f): a CRL
 * of the device's issuer name whose issuer validates to the same trust
 * anchor speaks for it; here that issuer is on the device's own path.
 * (PKITS 4.5.1, 4.5.2, 4.6.15, 4.6.17.)
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
  it("lists, for a certificate below a self-issued CA certificate, the CA's other key on the path after its issuer's", () => {
    const subjects = revocationSubjects(path);
    expect(subjects.map((s) => [s.certificate.subjectDn, s.issuerId])).toEqual([
      ['CN=device-rolled,O=Business Unit 1', revocationSubjects([path[0], path[1]])[0].issuerId],
      ['CN=device-rolled,O=Business Unit 1', revocationSubjects([path[1], path[2]])[0].issuerId],
      ['CN=CRL Test Intermediate', revocationSubjects([path[1], path[2]])[0].issuerId],
      ['CN=CRL Test Intermediate', revocationSubjects([path[2], path[3]])[0].issuerId],
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

  it('does not let a CA of the same name off the path speak for the device', async () => {
    const impostor = await makeIntermediate(pki.root, { cn: 'CRL Test Intermediate' });
    expect(check([await crlOf(impostor, [{ serial: path[0].serialNumber }]), await crlOf(pki.intermediate), await crlOf(pki.root)], false)).toBeUndefined();
  });
});
