import { crlStatusOf, parseCrl } from '../../../src/domain/revocation';
import { bigIntegerOctets, makeCrl } from './crl-builder';
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
    const twentyOctets = new Uint8Array(Buffer.from('00ff0102030405060708090a0b0c0d0e0f10111213', 'hex'));
    const crl = await makeCrl({ issuer: pki.root, entries: [{ serial: 0x7f }, { serial: 0x80 }, { serial: twentyOctets }] });
    expect((await importCrl(crl, pki)).entries.map((e) => e.serialNumberHex)).toEqual(['7f', '80', 'ff0102030405060708090a0b0c0d0e0f10111213']);
  });

  it('keeps negative serials distinct from the positive serial with the same low octets', async () => {
    // -1 is encoded ff; 255 is encoded 00 ff and normalised to "ff".
    const crl = await makeCrl({ issuer: pki.root, entries: [{ serial: new Uint8Array([0xff]) }, { serial: new Uint8Array([0xfe, 0xff]) }] });
    const imported = await importCrl(crl, pki);
    expect(imported.entries.map((e) => e.serialNumberHex)).toEqual(['-01', '-0101']);
    expect(crlStatusOf(imported).entry('ff')).toBeUndefined();
    expect(crlStatusOf(imported).entry('-01')).toMatchObject({ serialNumberHex: '-01' });
  });

  it('keeps certificateHold entries with their reason: a held certificate is revoked until a newer CRL omits it', async () => {
    const crl = await makeCrl({ issuer: pki.root, entries: [{ serial: 5, reason: CERTIFICATE_HOLD }] });
    expect((await importCrl(crl, pki)).entries).toEqual([{ serialNumberHex: '05', revocationDate: new Date('2030-05-01T00:00:00Z'), reason: 'certificateHold' }]);
  });

  it('drops removeFromCRL entries, which in a complete CRL mean "not revoked"', async () => {
    const crl = await makeCrl({ issuer: pki.root, entries: [{ serial: 5, reason: REMOVE_FROM_CRL }, { serial: 6, reason: KEY_COMPROMISE }] });
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
