import { devicePolicy, type ParsedCertificate, parseCertificate, validateChain } from '../../../src/domain/chain';
import { checkRevocation, type ImportedCrl, revocationViewOf } from '../../../src/domain/revocation';
import { malleateEcdsaSignature } from '../../support/ecdsa-malleability';
import { adoptCertificate, makeIntermediate, makeLeaf, subjectNameOf, TEST_NOW, type TestCertificate } from '../../support/pki';
import { makeCrl, sequence, tlv } from './crl-builder';
import { type Hierarchy, importCrl, makeHierarchy } from './fixtures';

let pki: Hierarchy;
let path: readonly ParsedCertificate[];
let deviceSerial: string;
let intermediateSerial: string;

const validPath = async (...chain: TestCertificate[]): Promise<readonly ParsedCertificate[]> => {
  const result = await validateChain({ chain: chain.map((c) => c.der), anchors: [pki.root.der] }, devicePolicy(TEST_NOW));
  if (!result.valid) throw new Error(`fixture chain invalid: ${result.code} ${result.detail}`);
  return result.path;
};
const crlOf = (
  issuer: TestCertificate,
  entries: Parameters<typeof makeCrl>[0]['entries'] = [],
  extra: Partial<Parameters<typeof makeCrl>[0]> = {},
): Promise<ImportedCrl> =>
  makeCrl({ issuer, entries, ...extra }).then((der) => importCrl(der, pki, { issuerChain: issuer === pki.root ? undefined : [issuer] }));
const check = (crls: ImportedCrl[], requireCrl = false, revokedFingerprints: string[] = [], p = path) =>
  checkRevocation(p, revocationViewOf({ crls, revokedFingerprints }), { now: TEST_NOW, requireCrl });

beforeAll(async () => {
  pki = await makeHierarchy();
  path = await validPath(pki.device, pki.intermediate);
  deviceSerial = path[0].serialNumberHex;
  intermediateSerial = path[1].serialNumberHex;
});

describe('checkRevocation: every certificate of the path except the anchor, device first', () => {
  it("passes a path whose issuers' current CRLs do not list it", async () => {
    expect(check([await crlOf(pki.intermediate, [{ serial: 0x11 }]), await crlOf(pki.root)], true)).toBeUndefined();
  });

  it("refuses a device listed on its issuer's CRL, naming subject, serial and reason: certificate_revoked", async () => {
    const crl = await crlOf(pki.intermediate, [{ serial: path[0].serialNumber, reason: 1 }]);
    expect(check([crl])).toEqual({
      valid: false,
      code: 'certificate_revoked',
      detail: `certificate 'CN=device-1,O=Business Unit 1' (serial ${deviceSerial}) is revoked by the CRL of 'CN=CRL Test Intermediate' since 2030-05-01T00:00:00.000Z, reason keyCompromise`,
    });
  });

  it("refuses an intermediate listed on the root's CRL: certificate_revoked", async () => {
    const refusal = check([await crlOf(pki.root, [{ serial: path[1].serialNumber, reason: 2 }])]);
    expect(refusal).toMatchObject({
      code: 'certificate_revoked',
      detail: expect.stringContaining(`intermediate #1 'CN=CRL Test Intermediate' (serial ${intermediateSerial})`),
    });
    expect(refusal?.detail).toContain('reason cACompromise');
  });

  it('reports the device first when device and intermediate are both revoked', async () => {
    const crls = [await crlOf(pki.root, [{ serial: path[1].serialNumber }]), await crlOf(pki.intermediate, [{ serial: path[0].serialNumber }])];
    expect(check(crls)).toMatchObject({ code: 'certificate_revoked', detail: expect.stringMatching(/^certificate 'CN=device-1/) });
  });

  it('refuses a certificate the operator revoked by fingerprint, without any CRL: certificate_revoked', () => {
    expect(check([], false, [path[1].sha256Hex.toUpperCase()])).toMatchObject({
      code: 'certificate_revoked',
      detail: expect.stringContaining('revoked by the operator'),
    });
    // The anchor's own fingerprint is not checked: trusting it is the operator's choice.
    expect(check([], false, [path[2].sha256Hex])).toBeUndefined();
  });

  describe('operator revocations by PEM match the certificate, not only its encoding', () => {
    const byPem = (p: readonly ParsedCertificate[], ...revoked: TestCertificate[]) =>
      checkRevocation(p, revocationViewOf({ revokedCertificates: revoked.map((c) => parseCertificate(c.der)) }), { now: TEST_NOW, requireCrl: false });
    const byFingerprint = (p: readonly ParsedCertificate[], ...revoked: TestCertificate[]) =>
      checkRevocation(p, revocationViewOf({ revokedFingerprints: revoked.map((c) => parseCertificate(c.der).sha256Hex) }), {
        now: TEST_NOW,
        requireCrl: false,
      });
    const twin = (certificate: TestCertificate) => adoptCertificate(malleateEcdsaSignature(certificate.der), certificate.keys);

    it('refuses a device whose ECDSA signature was turned into (r, n−s): another fingerprint, same issuer and serial', async () => {
      const malleated = await validPath(twin(pki.device), pki.intermediate);
      expect(malleated[0].sha256Hex).not.toBe(path[0].sha256Hex);
      expect(byPem(malleated, pki.device)).toEqual({
        valid: false,
        code: 'certificate_revoked',
        detail: `certificate 'CN=device-1,O=Business Unit 1' (serial ${deviceSerial}) is revoked by the operator (matched by issuer and serial number)`,
      });
      // A revocation given as a fingerprint matches that encoding only (README: give the PEM).
      expect(byFingerprint(malleated, pki.device)).toBeUndefined();
      expect(byFingerprint(path, pki.device)).toMatchObject({ code: 'certificate_revoked' });
    });

    it('refuses every device below an intermediate revoked by PEM when the intermediate is presented malleated', async () => {
      const malleated = await validPath(pki.device, twin(pki.intermediate));
      expect(byPem(malleated, pki.intermediate)).toMatchObject({
        code: 'certificate_revoked',
        detail: expect.stringContaining("intermediate #1 'CN=CRL Test Intermediate'"),
      });
      expect(byFingerprint(malleated, pki.intermediate)).toBeUndefined();
    });

    it('refuses a renewal of a revoked intermediate (same subject and key, another serial) and the devices it issues', async () => {
      const renewed = await makeIntermediate(pki.root, { cn: 'CRL Test Intermediate', keys: pki.intermediate.keys });
      const below = await makeLeaf(renewed, { cn: 'device-9' });
      const renewedPath = await validPath(below, renewed);
      expect(renewedPath[1].serialNumberHex).not.toBe(intermediateSerial);
      expect(byPem(renewedPath, pki.intermediate)).toMatchObject({
        code: 'certificate_revoked',
        detail: expect.stringContaining('it has the subject and key of a revoked CA certificate'),
      });
      // A CA of the same name with another key is another CA.
      const other = await makeIntermediate(pki.root, { cn: 'CRL Test Intermediate' });
      expect(byPem(await validPath(await makeLeaf(other, { cn: 'device-9' }), other), pki.intermediate)).toBeUndefined();
    });

    it('does not revoke the key of a device revoked by PEM: its renewal with the same key is served', async () => {
      const renewed = await makeLeaf(pki.intermediate, { cn: 'device-1', keys: pki.device.keys });
      expect(byPem(await validPath(renewed, pki.intermediate), pki.device)).toBeUndefined();
    });
  });

  it('refuses every certificate of an issuer whose CRL is stale, listed or not: crl_expired', async () => {
    const stale = await crlOf(pki.intermediate, [], { thisUpdate: new Date('2030-06-01T00:00:00Z'), nextUpdate: new Date('2030-06-20T00:00:00Z') });
    const at = (now: string) => checkRevocation(path, revocationViewOf({ crls: [stale] }), { now: new Date(now), requireCrl: false });
    expect(at('2030-06-20T00:00:00Z')).toBeUndefined();
    expect(at('2030-06-20T00:00:01Z')).toEqual({
      valid: false,
      code: 'crl_expired',
      detail: expect.stringContaining("the CRL of 'CN=CRL Test Intermediate' expired at 2030-06-20T00:00:00.000Z"),
    });
  });

  it('does not check a certificate whose issuer has no CRL, unless the pool requires one: crl_missing', async () => {
    expect(check([])).toBeUndefined();
    expect(check([], true)).toEqual({
      valid: false,
      code: 'crl_missing',
      detail: expect.stringContaining("no CRL of 'CN=CRL Test Intermediate' is in the pool"),
    });
    // The device is covered; the intermediate's issuer (the root) is not.
    expect(check([await crlOf(pki.intermediate)], true)).toMatchObject({
      code: 'crl_missing',
      detail: expect.stringContaining("no CRL of 'CN=CRL Test Root'"),
    });
  });

  it('treats certificateHold as revoked until a newer CRL omits it', async () => {
    const held = await crlOf(pki.intermediate, [{ serial: path[0].serialNumber, reason: 6 }], { crlNumber: 5n });
    const released = await crlOf(pki.intermediate, [], { crlNumber: 6n });
    expect(check([held])).toMatchObject({ code: 'certificate_revoked', detail: expect.stringContaining('reason certificateHold') });
    expect(check([released, held])).toBeUndefined();
  });

  it('does not confuse serial 255 (00 ff) with serial -1 (ff)', async () => {
    const serial255 = await makeLeaf(pki.intermediate, { serialNumber: new Uint8Array([0x00, 0xff]) });
    const p = [parseCertificate(serial255.der), ...path.slice(1)];
    expect(check([await crlOf(pki.intermediate, [{ serial: new Uint8Array([0xff]) }])], false, [], p)).toBeUndefined();
    expect(check([await crlOf(pki.intermediate, [{ serial: 255 }])], false, [], p)).toMatchObject({
      code: 'certificate_revoked',
      detail: expect.stringContaining('(serial ff)'),
    });
  });

  it("does not let the issuer's CRL vouch for a certificate that names another CRL issuer (cRLDistributionPoints cRLIssuer)", async () => {
    const crlIssuer = (name: Uint8Array) => [{ oid: '2.5.29.31', critical: false, value: sequence(sequence(tlv(0xa2, tlv(0xa4, name)))) }];
    const delegated = await makeLeaf(pki.intermediate, { cn: 'device-2', extensions: crlIssuer(subjectNameOf(pki.root)) });
    const own = await makeLeaf(pki.intermediate, { cn: 'device-3', extensions: crlIssuer(subjectNameOf(pki.intermediate)) });
    const crls = [await crlOf(pki.intermediate), await crlOf(pki.root)];
    const delegatedPath = await validPath(delegated, pki.intermediate);
    expect(checkRevocation(delegatedPath, revocationViewOf({ crls }), { now: TEST_NOW, requireCrl: true })).toMatchObject({
      code: 'crl_missing',
      detail: expect.stringContaining('names another CRL issuer'),
    });
    expect(checkRevocation(delegatedPath, revocationViewOf({ crls }), { now: TEST_NOW, requireCrl: false })).toBeUndefined();
    expect(checkRevocation(await validPath(own, pki.intermediate), revocationViewOf({ crls }), { now: TEST_NOW, requireCrl: true })).toBeUndefined();
  });
});
