import { generateKeyPairSync } from 'node:crypto';
import { CRL_IMPORT_ERROR_CODES, MAX_CRL_BYTES, parseCrl } from '../../../src/domain/revocation';
import { makeCrl, sequence, tlv, toPemCrl } from './crl-builder';
import { type Hierarchy, importCrl, importOutcome, importRefusal, makeHierarchy } from './fixtures';

let pki: Hierarchy;
let crl: Uint8Array;

beforeAll(async () => {
  pki = await makeHierarchy();
  crl = await makeCrl({ issuer: pki.root, entries: [{ serial: 7, reason: 1 }] });
});

const codeOf = (input: Uint8Array | string): Promise<string> =>
  importOutcome(importCrl(typeof input === 'string' ? new Uint8Array(Buffer.from(input, 'latin1')) : input, pki));

describe('CRL input: PEM or DER (RFC 7468 §5)', () => {
  it('imports the same CRL as DER and as PEM with text around the block', async () => {
    const fromDer = await importCrl(crl, pki);
    const fromPem = await importCrl(new Uint8Array(Buffer.from(`Certificate Revocation List\n${toPemCrl(crl)}trailing notes\n`)), pki);
    expect(fromPem).toEqual(fromDer);
    expect(fromDer.entries).toEqual([{ serialNumberHex: '07', revocationDate: new Date('2030-05-01T00:00:00Z'), reason: 'keyCompromise' }]);
  });

  it('refuses empty input and input that is neither DER nor PEM as crl_malformed', async () => {
    expect(await codeOf(new Uint8Array(0))).toBe('crl_malformed');
    expect(await codeOf('hello, this is not a CRL')).toBe('crl_malformed');
    expect(await codeOf(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]))).toBe('crl_malformed');
  });

  it('refuses a truncated CRL and trailing bytes as crl_malformed', async () => {
    expect(await codeOf(crl.subarray(0, crl.length - 10))).toBe('crl_malformed');
    expect(await codeOf(new Uint8Array([...crl, 0x00]))).toBe('crl_malformed');
  });

  it('refuses BER that is not DER (indefinite or non-minimal lengths)', async () => {
    const header = crl[1] < 0x80 ? 2 : 2 + (crl[1] & 0x7f);
    const indefinite = new Uint8Array([0x30, 0x80, ...crl.subarray(header), 0x00, 0x00]);
    expect(await importRefusal(importCrl(indefinite, pki))).toMatchObject({ code: 'crl_malformed', message: expect.stringContaining('not DER') });
    // A 1-byte length written in long form.
    const nonMinimal = new Uint8Array([0x30, 0x82, 0x00, 0x05, 0x02, 0x01, 0x01, 0x05, 0x00]);
    expect(await codeOf(nonMinimal)).toBe('crl_malformed');
  });

  it('refuses invalid base64 inside the X509 CRL block', async () => {
    expect(await codeOf('-----BEGIN X509 CRL-----\nMIIB*not*base64\n-----END X509 CRL-----\n')).toBe('crl_malformed');
  });

  it('refuses a certificate given instead of a CRL, as DER and as PEM: crl_is_certificate', async () => {
    expect(await codeOf(pki.device.der)).toBe('crl_is_certificate');
    expect(await codeOf(pki.device.pem)).toBe('crl_is_certificate');
    expect(() => parseCrl(pki.root.der)).toThrow(expect.objectContaining({ code: 'crl_is_certificate' }));
  });

  it('refuses a PEM file carrying a private key, whatever else it has: crl_private_key_not_allowed', async () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(await codeOf(toPemCrl(crl) + key)).toBe('crl_private_key_not_allowed');
    expect(await codeOf(key)).toBe('crl_private_key_not_allowed');
  });

  it('refuses several CRL blocks in one file: crl_multiple_not_allowed', async () => {
    expect(await codeOf(toPemCrl(crl) + toPemCrl(crl))).toBe('crl_multiple_not_allowed');
  });

  it('refuses a CRL next to a certificate (a bundle) and other block types as crl_malformed', async () => {
    expect(await codeOf(toPemCrl(crl) + pki.root.pem)).toBe('crl_malformed');
    expect(await codeOf('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n')).toBe('crl_malformed');
  });

  it('refuses a PEM block without its END line, and many of them (scanned once, not backtracked): crl_malformed', async () => {
    expect(await importRefusal(importCrl(new Uint8Array(Buffer.from(toPemCrl(crl).replace('-----END X509 CRL-----', ''))), pki))).toEqual({
      code: 'crl_malformed',
      message: 'PEM block "X509 CRL" has no END line',
    });
    expect(await codeOf('-----BEGIN X509 CRL-----\n'.repeat(100_000))).toBe('crl_malformed');
  });

  it('refuses input over MAX_CRL_BYTES before decoding it: crl_too_large', async () => {
    expect(await codeOf(new Uint8Array(MAX_CRL_BYTES + 1).fill(0x30))).toBe('crl_too_large');
  });
});

describe('CertificateList structure (RFC 5280 §5.1)', () => {
  it('imports a v1 CRL (no version, no extensions) and a v2 CRL', async () => {
    const v1 = await makeCrl({ issuer: pki.root, version: 1, entries: [{ serial: 3 }] });
    expect(parseCrl(v1)).toMatchObject({ version: 1, extensions: { all: [] } });
    expect(await importCrl(v1, pki)).toMatchObject({ entries: [{ serialNumberHex: '03' }] });
    expect((await importCrl(v1, pki)).crlNumber).toBeUndefined();
    expect(parseCrl(crl)).toMatchObject({ version: 2, issuerDn: 'CN=CRL Test Root' });
  });

  it('refuses extensions in a v1 CRL and an explicit version other than v2', async () => {
    const v1WithExtensions = await makeCrl({ issuer: pki.root, version: 1, extensions: [{ oid: '2.5.29.20', value: tlv(0x02, new Uint8Array([1])) }] });
    expect(await codeOf(v1WithExtensions)).toBe('crl_malformed');
    const v1EntryExtensions = await makeCrl({ issuer: pki.root, version: 1, entries: [{ serial: 1, reason: 1 }] });
    expect(await codeOf(v1EntryExtensions)).toBe('crl_malformed');
    const v3 = await makeCrl({ issuer: pki.root, tamperTbs: (tbs) => replaceFirst(tbs, [0x02, 0x01, 0x01], [0x02, 0x01, 0x02]) });
    expect(await codeOf(v3)).toBe('crl_malformed');
  });

  it('refuses a reasonCode that is not a CRLReason (7 is unused, 11 undefined)', async () => {
    expect(await codeOf(await makeCrl({ issuer: pki.root, entries: [{ serial: 1, reason: 7 }] }))).toBe('crl_malformed');
    expect(await codeOf(await makeCrl({ issuer: pki.root, entries: [{ serial: 1, reason: 11 }] }))).toBe('crl_malformed');
  });

  it('refuses a non-minimal serial number INTEGER in an entry', async () => {
    const crlWithBadSerial = await makeCrl({ issuer: pki.root, entries: [{ serial: new Uint8Array([0x00, 0x05]) }] });
    expect(await importRefusal(importCrl(crlWithBadSerial, pki))).toMatchObject({ code: 'crl_malformed', message: expect.stringContaining('INTEGER') });
  });

  it('refuses an empty SEQUENCE where the CRL should be', async () => {
    expect(await codeOf(sequence())).toBe('crl_malformed');
  });

  it('lists every import code once', () => {
    expect(new Set(CRL_IMPORT_ERROR_CODES).size).toBe(CRL_IMPORT_ERROR_CODES.length);
  });
});

function replaceFirst(bytes: Uint8Array, from: number[], to: number[]): Uint8Array {
  const hex = Buffer.from(bytes).toString('hex');
  const index = hex.indexOf(Buffer.from(from).toString('hex'));
  if (index < 0 || index % 2 !== 0) throw new Error('pattern not found');
  return new Uint8Array(Buffer.from(hex.slice(0, index) + Buffer.from(to).toString('hex') + hex.slice(index + from.length * 2), 'hex'));
}
