import { createHash, verify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  CertificateParseError,
  decodePemCertificates,
  encodePemCertificate,
  parseCertificate,
  publicKeyObject,
  tryParseCertificate,
} from '../../../src/domain/chain';
import { der, makeLeaf, makeRoot, type TestCertificate } from '../../support/pki';
import { expectCode, validate } from './helpers';

describe('parseCertificate', () => {
  let root: TestCertificate;

  beforeAll(async () => {
    root = await makeRoot({ keyAlgorithm: 'EC-P384' });
  });

  it('exposes the fields the token endpoint and the device record use', async () => {
    const leaf = await makeLeaf(root, {
      subject: [
        ['C', 'US'],
        ['O', 'Retail EU'],
        ['CN', 'till-0042'],
      ],
      serialNumber: new Uint8Array([0x00, 0x9f, 0x01]),
      keyAlgorithm: 'EC-P256',
    });
    const parsed = parseCertificate(leaf.der);
    const digest = createHash('sha256').update(leaf.der).digest();
    expect(parsed).toMatchObject({
      version: 3,
      subjectCN: 'till-0042',
      subjectO: 'Retail EU',
      subjectDn: 'CN=till-0042,O=Retail EU,C=US',
      issuerDn: 'CN=Test Root CA',
      serialNumberHex: '9f01',
      sha256Hex: digest.toString('hex'),
      sha256Base64Url: digest.toString('base64url'),
      isCA: false,
      publicKey: { kind: 'ec', curve: 'P-256' },
      signatureAlgorithm: { supported: true, algorithm: { name: 'ecdsa-sha256' } },
    });
    expect(parsed.subject.rdns.map((rdn) => rdn.map((attribute) => attribute.value))).toEqual([['US'], ['Retail EU'], ['till-0042']]);
    expect(parseCertificate(root.der)).toMatchObject({ isCA: true, selfIssued: true, publicKey: { kind: 'ec', curve: 'P-384' } });
  });

  it('leaves subjectCN undefined when it is ambiguous', async () => {
    const leaf = await makeLeaf(root, {
      subject: [
        ['CN', 'device-a'],
        ['CN', 'device-b'],
      ],
    });
    expect(parseCertificate(leaf.der).subjectCN).toBeUndefined();
  });

  it('escapes RFC 4514 special characters in DN strings', async () => {
    const leaf = await makeLeaf(root, {
      subject: [
        ['O', 'Smith, Jones + Co'],
        ['CN', '#1 device '],
      ],
    });
    expect(parseCertificate(leaf.der).subjectDn).toBe('CN=\\#1 device\\ ,O=Smith\\, Jones \\+ Co');
  });

  it('throws CertificateParseError (code malformed_certificate) from parseCertificate, never from tryParseCertificate', () => {
    expect(() => parseCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]))).toThrow(CertificateParseError);
    expect(tryParseCertificate(new Uint8Array([0x30]))).toMatchObject({ ok: false, code: 'malformed_certificate' });
    expect(tryParseCertificate(null as unknown as Uint8Array)).toMatchObject({ ok: false });
  });

  it('refuses a malformed validity time instead of guessing a date', async () => {
    const leaf = await makeLeaf(root, { notBefore: new Date('2001-01-01T00:00:00Z') });
    const text = Buffer.from(leaf.der).toString('latin1').replace('010101000000Z', '01013100000 Z');
    expect(tryParseCertificate(new Uint8Array(Buffer.from(text, 'latin1')))).toMatchObject({ ok: false, detail: expect.stringContaining('UTCTime') });
  });

  it('refuses invalid UTF-8 in a name (the CN becomes an identity)', async () => {
    const badName = der(
      new asn1js.Sequence({
        value: [
          new asn1js.Set({
            value: [
              new asn1js.Sequence({
                value: [
                  new asn1js.ObjectIdentifier({ value: '2.5.4.3' }),
                  new asn1js.Primitive({ idBlock: { tagClass: 1, tagNumber: 12 }, valueHex: new Uint8Array([0xc3, 0x28]) }),
                ],
              }),
            ],
          }),
        ],
      }),
    );
    const leaf = await makeLeaf(root, {
      tamper: (c) => {
        c.subject = pkijs.RelativeDistinguishedNames.fromBER(badName);
      },
    });
    expect(tryParseCertificate(leaf.der)).toMatchObject({ ok: false, detail: expect.stringContaining('UTF-8') });
  });

  it('compares names per RFC 5280 §7.1: case and white space in PrintableString/UTF8String do not matter', async () => {
    const ca = await makeRoot({
      subject: [
        ['C', 'US'],
        ['CN', 'Device  CA'],
      ],
    });
    const issuerName = der(
      new asn1js.Sequence({
        value: [
          new asn1js.Set({
            value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: '2.5.4.6' }), new asn1js.Utf8String({ value: 'us' })] })],
          }),
          new asn1js.Set({
            value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: '2.5.4.3' }), new asn1js.PrintableString({ value: ' DEVICE CA ' })] })],
          }),
        ],
      }),
    );
    const leaf = await makeLeaf(ca, { issuerName });
    await expectCode(validate([leaf], [ca]), 'valid');
  });

  it('round-trips PEM', () => {
    const decoded = decodePemCertificates(`subject=CN=x\n${encodePemCertificate(root.der)}${root.pem}`);
    expect(decoded).toMatchObject({ ok: true, certificates: [root.der, root.der] });
    expect(decodePemCertificates('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')).toMatchObject({ ok: false });
    expect(decodePemCertificates('-----BEGIN CERTIFICATE-----\nAA*A\n-----END CERTIFICATE-----\n')).toMatchObject({ ok: false });
    expect(decodePemCertificates('nothing here')).toMatchObject({ ok: false });
  });
});

describe('the leaf key, for verifying the assertion signature', () => {
  it('gives a KeyObject that verifies what the device key signed', async () => {
    const ca = await makeRoot();
    for (const keyAlgorithm of ['EC-P256', 'EC-P384', 'EC-P521', 'RSA-2048'] as const) {
      const leaf = await makeLeaf(ca, { keyAlgorithm });
      const parsed = parseCertificate(leaf.der);
      const key = publicKeyObject(parsed);
      expect(key?.asymmetricKeyType).toBe(keyAlgorithm.startsWith('EC') ? 'ec' : 'rsa');
      const signature = new Uint8Array(
        await crypto.subtle.sign(
          keyAlgorithm.startsWith('EC') ? { name: 'ECDSA', hash: 'SHA-256' } : 'RSASSA-PKCS1-v1_5',
          leaf.keys.privateKey,
          Buffer.from('header.payload'),
        ),
      );
      const verified = verify(
        'sha256',
        Buffer.from('header.payload'),
        keyAlgorithm.startsWith('EC') ? { key: key!, dsaEncoding: 'ieee-p1363' } : key!,
        signature,
      );
      expect(verified).toBe(true);
    }
  });

  it('imports the same key the certificate carries, whichever route it takes (components or SPKI)', async () => {
    const ca = await makeRoot();
    for (const keyAlgorithm of ['EC-P256', 'EC-P384', 'EC-P521', 'RSA-2048'] as const) {
      const parsed = parseCertificate((await makeLeaf(ca, { keyAlgorithm })).der);
      const exported = publicKeyObject(parsed)?.export({ type: 'spki', format: 'der' });
      expect(exported && Buffer.from(exported).equals(Buffer.from(parsed.spkiDer))).toBe(true);
    }
  });

  it('describes keys precisely enough for the policy to refuse weak ones', async () => {
    const ca = await makeRoot();
    const weak = await makeLeaf(ca, { keyAlgorithm: 'RSA-1024' });
    expect(parseCertificate(weak.der).publicKey).toMatchObject({ kind: 'rsa', modulusBits: 1024, publicExponent: 65537n, pssOnly: false });
  });
});
