import { parseCertificate } from '../../../src/domain/chain';
import {
  CRL_REASONS,
  crlIssuerId,
  crlScopeId,
  crlStatusOf,
  isCrlReason,
  isNewerCrl,
  issuerSerialId,
  REVOCATION_ERROR_CODES,
  revocationSubjects,
  revocationViewOf,
} from '../../../src/domain/revocation';
import { malleateEcdsaSignature } from '../../support/ecdsa-malleability';
import { makeIntermediate, makeLeaf, makeRoot } from '../../support/pki';
import { makeCrl } from './crl-builder';
import { type Hierarchy, importCrl, makeHierarchy } from './fixtures';

let pki: Hierarchy;

beforeAll(async () => {
  pki = await makeHierarchy();
});

const t = (iso: string): Date => new Date(iso);

describe('isNewerCrl: a newer CRL replaces an older one, an older one is refused', () => {
  it('compares cRLNumber when both have one, as integers', () => {
    expect(isNewerCrl({ crlNumber: '10', thisUpdate: t('2030-01-01T00:00:00Z') }, { crlNumber: '9', thisUpdate: t('2030-02-01T00:00:00Z') })).toBe(true);
    expect(isNewerCrl({ crlNumber: '9', thisUpdate: t('2030-02-01T00:00:00Z') }, { crlNumber: '10', thisUpdate: t('2030-01-01T00:00:00Z') })).toBe(false);
    const big = (2n ** 159n).toString();
    expect(
      isNewerCrl({ crlNumber: big, thisUpdate: t('2030-01-01T00:00:00Z') }, { crlNumber: (2n ** 159n - 1n).toString(), thisUpdate: t('2030-01-01T00:00:00Z') }),
    ).toBe(true);
  });

  it('does not count the same CRL again as newer', () => {
    const crl = { crlNumber: '3', thisUpdate: t('2030-01-01T00:00:00Z') };
    expect(isNewerCrl(crl, crl)).toBe(false);
    expect(isNewerCrl({ thisUpdate: crl.thisUpdate }, { thisUpdate: crl.thisUpdate })).toBe(false);
  });

  it('falls back to thisUpdate when either has no cRLNumber', () => {
    expect(isNewerCrl({ thisUpdate: t('2030-01-02T00:00:00Z') }, { crlNumber: '7', thisUpdate: t('2030-01-01T00:00:00Z') })).toBe(true);
    expect(isNewerCrl({ crlNumber: '8', thisUpdate: t('2029-12-31T00:00:00Z') }, { thisUpdate: t('2030-01-01T00:00:00Z') })).toBe(false);
  });
});

describe('revocation views', () => {
  it('keeps the newest CRL of each scope and signing key (its id), whatever the order given', async () => {
    const older = await importCrl(await makeCrl({ issuer: pki.root, crlNumber: 1n, entries: [{ serial: 1 }] }), pki);
    const newer = await importCrl(await makeCrl({ issuer: pki.root, crlNumber: 2n }), pki);
    expect(newer.id).toBe(older.id);
    for (const crls of [
      [older, newer],
      [newer, older],
    ]) {
      expect(
        revocationViewOf({ crls })
          .crls(newer.scopeId)
          .map((c) => c.entry('01')),
      ).toEqual([undefined]);
    }
    expect(
      revocationViewOf({ crls: [older] })
        .crls(older.scopeId)[0]
        ?.entry('01'),
    ).toMatchObject({ serialNumberHex: '01' });
    expect(revocationViewOf({}).crls(older.scopeId)).toEqual([]);
  });

  it('keeps the current CRL of every signing key of a scope side by side, and those stored before scopes by their signer', async () => {
    const crlKey = await makeIntermediate(pki.root, { cn: 'CRL Test Intermediate', keyUsage: ['cRLSign'] });
    const byCa = await importCrl(await makeCrl({ issuer: pki.intermediate, entries: [{ serial: 1 }] }), pki, { issuerChain: [pki.intermediate] });
    const byCrlKey = await importCrl(await makeCrl({ issuer: crlKey, entries: [{ serial: 2 }] }), pki, { issuerChain: [crlKey] });
    expect(byCrlKey.scopeId).toBe(byCa.scopeId);
    expect(byCrlKey.id).not.toBe(byCa.id);
    const view = revocationViewOf({ crls: [byCa, byCrlKey], legacyCrls: [byCa] });
    expect(view.crls(byCa.scopeId).map((c) => [c.entry('01')?.serialNumberHex, c.entry('02')?.serialNumberHex])).toEqual([
      ['01', undefined],
      [undefined, '02'],
    ]);
    expect(view.legacyCrl(byCa.issuerId)?.entry('01')).toMatchObject({ serialNumberHex: '01' });
    expect(view.legacyCrl(byCa.issuerId)?.signerPath).toEqual([]);
    expect(view.legacyCrl(byCrlKey.issuerId)).toBeUndefined();
  });

  it('looks serials up case-insensitively and exposes the CRL times and issuer', async () => {
    const imported = await importCrl(await makeCrl({ issuer: pki.root, entries: [{ serial: 0xab }] }), pki);
    const status = crlStatusOf(imported);
    expect(status.entry('AB')).toMatchObject({ serialNumberHex: 'ab' });
    expect(status).toMatchObject({ issuerDn: 'CN=CRL Test Root', thisUpdate: imported.thisUpdate, nextUpdate: imported.nextUpdate });
  });
});

describe('crlIssuerId and revocationSubjects', () => {
  it('identifies an issuer by name and key: another key or another name gives another id', async () => {
    const root = parseCertificate(pki.root.der);
    const sameNameOtherKey = parseCertificate((await makeRoot({ cn: 'CRL Test Root' })).der);
    const sameKeyOtherName = parseCertificate((await makeRoot({ cn: 'CRL Test Root 2', keys: pki.root.keys })).der);
    const reissued = parseCertificate((await makeRoot({ cn: 'CRL Test Root', keys: pki.root.keys })).der);
    expect(crlIssuerId(root)).toMatch(/^[0-9a-f]{64}$/);
    expect(crlIssuerId(sameNameOtherKey)).not.toBe(crlIssuerId(root));
    expect(crlIssuerId(sameKeyOtherName)).not.toBe(crlIssuerId(root));
    // A re-issued certificate of the same CA (same name, same key) keeps its CRLs.
    expect(crlIssuerId(reissued)).toBe(crlIssuerId(root));
  });

  it("lists each certificate of the path but the anchor with its issuer's scope and key, serial, fingerprint and its encoding-independent ids", () => {
    const path = [pki.device, pki.intermediate, pki.root].map((c) => parseCertificate(c.der));
    const ids = (c: (typeof path)[number]) => ({
      issuerSerialId: issuerSerialId(c),
      keyId: crlIssuerId(c),
      subjectDn: c.subjectDn,
      issuerDn: c.issuerDn,
      delegatesRevocation: false,
    });
    expect(revocationSubjects(path)).toEqual([
      {
        scopeId: crlScopeId(path[2], path[0].issuer),
        legacyIssuerIds: [crlIssuerId(path[1])],
        serialNumberHex: path[0].serialNumberHex,
        fingerprint: path[0].sha256Hex,
        ...ids(path[0]),
      },
      {
        scopeId: crlScopeId(path[2], path[1].issuer),
        legacyIssuerIds: [crlIssuerId(path[2])],
        serialNumberHex: path[1].serialNumberHex,
        fingerprint: path[1].sha256Hex,
        ...ids(path[1]),
      },
    ]);
    expect(revocationSubjects(path.slice(2))).toEqual([]);
    expect(revocationSubjects([])).toEqual([]);
  });

  it('identifies a certificate by issuer name and serial whatever its encoding: another serial or another issuer name gives another id', async () => {
    const device = parseCertificate(pki.device.der);
    const reencoded = parseCertificate(malleateEcdsaSignature(pki.device.der));
    expect(reencoded.sha256Hex).not.toBe(device.sha256Hex);
    expect(issuerSerialId(reencoded)).toBe(issuerSerialId(device));
    expect(issuerSerialId(device)).toMatch(/^[0-9a-f]{64}$/);
    const sameSerialOtherIssuer = parseCertificate((await makeLeaf(await makeRoot({ cn: 'Other Root' }), { serialNumber: device.serialNumber })).der);
    const sameIssuerOtherSerial = parseCertificate((await makeLeaf(pki.intermediate, { cn: 'device-1' })).der);
    expect(issuerSerialId(sameSerialOtherIssuer)).not.toBe(issuerSerialId(device));
    expect(issuerSerialId(sameIssuerOtherSerial)).not.toBe(issuerSerialId(device));
    // Framed: the issuer name and the serial cannot trade characters.
    expect(issuerSerialId(device)).not.toBe(crlIssuerId(device));
  });
});

describe('registries', () => {
  it('names the RFC 5280 §5.3.1 reasons and the revocation codes', () => {
    // Deliberate restatement: the RFC 5280 §5.3.1 names, independent of src/domain/revocation/crl-reasons.ts, so a wrong entry there fails here.
    expect(CRL_REASONS).toEqual([
      'unspecified',
      'keyCompromise',
      'cACompromise',
      'affiliationChanged',
      'superseded',
      'cessationOfOperation',
      'certificateHold',
      'removeFromCRL',
      'privilegeWithdrawn',
      'aACompromise',
    ]);
    expect(isCrlReason('keyCompromise')).toBe(true);
    expect(isCrlReason('compromised')).toBe(false);
    expect(REVOCATION_ERROR_CODES).toEqual(['certificate_revoked', 'crl_expired', 'crl_missing', 'crl_issuer_revoked']);
  });
});
