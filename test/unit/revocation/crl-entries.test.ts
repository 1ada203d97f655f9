import { devicePolicy, parseCertificate } from '../../../src/domain/chain';
import { checkSerialNumber } from '../../../src/domain/chain/checks/certificate-profile';
import { crlStatusOf, parseCrl } from '../../../src/domain/revocation';
import { makeLeaf } from '../../support/pki';
import { bigIntegerOctets, CRL_NOW, makeCrl } from './crl-builder';
import { type Hierarchy, importCrl, makeHierarchy } from './fixtures';

let pki: Hierarchy;

beforeAll(async () => {
  pki = await makeHierarchy();
});

// CRLReason values (RFC 5280 §5.3.1).
const KEY_COMPROMISE = 1;
const CERTIFICATE_HOLD = 6;
const REMOVE_FROM_CRL = 8;

describe('revoked entries (RFC 5280 §5.1.2.6, §5.3.1)', () => {
  it('normalises serials as ParsedCertificate.serialNumberHex does: no 0x00 sign octet, lowercase', async () => {
    const twentyOctets = new Uint8Array(Buffer.from('7f0102030405060708090a0b0c0d0e0f10111213', 'hex'));
    const crl = await makeCrl({ issuer: pki.root, entries: [{ serial: 0x7f }, { serial: 0x80 }, { serial: twentyOctets }] });
    expect((await importCrl(crl, pki)).entries.map((e) => e.serialNumberHex)).toEqual(['7f', '80', '7f0102030405060708090a0b0c0d0e0f10111213']);
  });

  it('keeps negative serials distinct from the positive serial with the same low octets, and does not store them', async () => {
    // -1 is encoded ff; 255 is encoded 00 ff and normalised to "ff".
    const crl = await makeCrl({ issuer: pki.root, entries: [{ serial: new Uint8Array([0xff]) }, { serial: new Uint8Array([0xfe, 0xff]) }, { serial: 255 }] });
    expect(parseCrl(crl).entries.map((e) => [e.serialNumberHex, e.matchable])).toEqual([
      ['-01', false],
      ['-0101', false],
      ['ff', true],
    ]);
    const imported = await importCrl(crl, pki);
    // No certificate this IDP accepts has a negative serial (checkSerialNumber): those entries could never match.
    expect(imported.entries.map((e) => e.serialNumberHex)).toEqual(['ff']);
    expect(imported.ignoredCount).toBe(2);
    expect(crlStatusOf(imported).entry('-01')).toBeUndefined();
  });

  it('leaves out (ignoredCount) every entry whose serial no accepted certificate can carry: zero, negative, over 20 octets, 40,000 octets', async () => {
    const octets = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));
    const huge = new Uint8Array(40_000).fill(0x5a);
    const crl = await makeCrl({
      issuer: pki.root,
      entries: [
        { serial: 0 },
        { serial: octets('80') },
        { serial: octets(`7f${'01'.repeat(20)}`) }, // 21 octets
        { serial: octets(`00ff${'01'.repeat(19)}`) }, // 21 octets: 20 of magnitude and the sign octet, as checkSerialNumber counts
        { serial: huge, reason: KEY_COMPROMISE },
        { serial: octets(`7f${'01'.repeat(19)}`) }, // 20 octets: kept
        { serial: 1 },
      ],
    });
    const parsed = parseCrl(crl);
    expect(parsed.entries.map((e) => e.matchable)).toEqual([false, false, false, false, false, true, true]);
    // A huge serial is shown shortened, never stored.
    expect(parsed.entries[4].serialNumberHex).toBe(`${'5a'.repeat(32)}…(40000 octets)`);
    const imported = await importCrl(crl, pki);
    expect(imported.entries.map((e) => e.serialNumberHex)).toEqual([`7f${'01'.repeat(19)}`, '01']);
    expect(imported.ignoredCount).toBe(5);
  });

  it('leaves out exactly the serials the certificate side refuses (one rule, serialNumberRefusal)', async () => {
    const cases = [
      new Uint8Array([0]),
      new Uint8Array([1]),
      new Uint8Array([0x80]),
      new Uint8Array([0x00, 0x80]),
      new Uint8Array(20).fill(0x11),
      new Uint8Array(21).fill(0x11),
    ];
    const crl = await makeCrl({ issuer: pki.root, entries: cases.map((serial) => ({ serial })) });
    const kept = parseCrl(crl).entries.map((e) => e.matchable);
    for (const [index, serial] of cases.entries()) {
      const leaf = parseCertificate((await makeLeaf(pki.intermediate, { serialNumber: serial })).der);
      const refused = checkSerialNumber(leaf, { index: 0, label: 'leaf', isLeaf: true, isAnchor: false }, devicePolicy(CRL_NOW)) !== undefined;
      expect([Buffer.from(serial).toString('hex'), kept[index]]).toEqual([Buffer.from(serial).toString('hex'), !refused]);
    }
  });

  it('keeps certificateHold entries with their reason: a held certificate is revoked until a newer CRL omits it', async () => {
    const crl = await makeCrl({ issuer: pki.root, entries: [{ serial: 5, reason: CERTIFICATE_HOLD }] });
    expect((await importCrl(crl, pki)).entries).toEqual([
      { serialNumberHex: '05', revocationDate: new Date('2030-05-01T00:00:00Z'), reason: 'certificateHold' },
    ]);
  });

  it('drops removeFromCRL entries, which in a complete CRL mean "not revoked"', async () => {
    const crl = await makeCrl({
      issuer: pki.root,
      entries: [
        { serial: 5, reason: REMOVE_FROM_CRL },
        { serial: 6, reason: KEY_COMPROMISE },
      ],
    });
    expect(parseCrl(crl).entries.map((e) => e.reason)).toEqual(['removeFromCRL', 'keyCompromise']);
    expect((await importCrl(crl, pki)).entries.map((e) => e.serialNumberHex)).toEqual(['06']);
  });

  it('accepts duplicate entries; the lookup finds the serial', async () => {
    const crl = await makeCrl({ issuer: pki.root, entries: [{ serial: 5, reason: KEY_COMPROMISE }, { serial: 5 }] });
    const imported = await importCrl(crl, pki);
    expect(imported.entries).toHaveLength(2);
    expect(crlStatusOf(imported).entry('05')).toMatchObject({ reason: 'keyCompromise' });
  });

  it('leaves the reason out of an entry without reasonCode', async () => {
    const [entry] = (await importCrl(await makeCrl({ issuer: pki.root, entries: [{ serial: 1 }] }), pki)).entries;
    expect(entry).toEqual({ serialNumberHex: '01', revocationDate: new Date('2030-05-01T00:00:00Z') });
  });

  it('imports a CRL of 30,000 entries (about 1 MiB) and looks serials up in it', async () => {
    const entries = Array.from({ length: 30_000 }, (_, i) => ({
      serial: bigIntegerOctets(0x4000_0000_0000_0000_0000_0000_0000_0000n + BigInt(i) * 7919n),
      reason: i % 3,
    }));
    const crl = await makeCrl({ issuer: pki.root, entries });
    expect(crl.byteLength).toBeGreaterThan(900_000);
    const imported = await importCrl(crl, pki);
    expect(imported.entries).toHaveLength(30_000);
    const status = crlStatusOf(imported);
    const last = Buffer.from(entries[29_999].serial).toString('hex');
    expect(status.entry(last)).toMatchObject({ serialNumberHex: last, reason: 'cACompromise' });
    expect(status.entry('4000000000000000000000000000000001')).toBeUndefined();
  });
});
