import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AcceptedRoot, assessRootCertificateUpload } from '../../../src/domain/root-certificate-policy';
import { DomainError } from '../../../src/errors';
import { type CertificateSpec, makeIntermediate, makeLeaf, makeRoot, TEST_NOW, type TestCertificate, toPem } from '../../support/pki';
import { openssl } from '../../support/pki-openssl';

/* docs/contract.md §3.1: each upload rule on its own, with its own code; time frozen at TEST_NOW. */
const assess = (content: string | Uint8Array, now = TEST_NOW): AcceptedRoot | string => {
  try {
    return assessRootCertificateUpload(Buffer.from(content), now);
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
};
const codeFor = async (spec: CertificateSpec, now = TEST_NOW) => assess((await makeRoot(spec)).pem, now);

describe('assessRootCertificateUpload', () => {
  let root: TestCertificate;
  let csrPem: string;

  beforeAll(async () => {
    root = await makeRoot({
      subject: [
        ['C', 'US'],
        ['O', 'Organization'],
        ['CN', 'Root CA'],
      ],
    });
    const dir = mkdtempSync(join(tmpdir(), 'root-policy-'));
    try {
      openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'r.csr', '-subj', '/CN=x'], dir);
      csrPem = readFileSync(join(dir, 'r.csr'), 'utf8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('accepts', () => {
    it('a self-signed CA and describes it: fingerprint = SHA-256 of the DER, subject, validity, canonical PEM', () => {
      const accepted = assess(root.pem) as AcceptedRoot;
      expect(accepted.fingerprint).toBe(createHash('sha256').update(root.der).digest('hex'));
      expect(Buffer.from(accepted.der).equals(Buffer.from(root.der))).toBe(true);
      expect(accepted.pem).toBe(root.pem);
      expect(accepted.subject).toContain('CN=Root CA');
      expect(accepted.subject).toContain('O=Organization');
      expect(accepted.notBefore.toISOString()).toBe('2000-01-01T00:00:00.000Z');
      expect(accepted.notAfter.toISOString()).toBe('2099-12-31T23:59:59.000Z');
    });

    it('CRLF line endings and surrounding whitespace', () => {
      expect(assess(`\r\n  ${root.pem.replace(/\n/g, '\r\n')}\n\n`)).toMatchObject({ fingerprint: expect.any(String) });
    });

    it.each([['RSA-2048' as const], ['EC-P256' as const], ['EC-P384' as const]])('a root with a %s key', async (keyAlgorithm) => {
      expect(typeof (await codeFor({ keyAlgorithm }))).toBe('object');
    });

    it('an RSA-PSS signed root, a root with no keyUsage, and a non-critical basicConstraints', async () => {
      expect(typeof (await codeFor({ keyAlgorithm: 'RSA-2048', signature: { scheme: 'pss', hash: 'SHA-384' } }))).toBe('object');
      expect(typeof (await codeFor({ keyUsage: 'absent' }))).toBe('object');
      expect(typeof (await codeFor({ basicConstraints: { ca: true, critical: false } }))).toBe('object');
    });

    it('on the first and the last instant of its validity', async () => {
      const notBefore = new Date('2030-01-01T00:00:00Z');
      const notAfter = new Date('2031-01-01T00:00:00Z');
      const pem = (await makeRoot({ notBefore, notAfter })).pem;
      expect(typeof assess(pem, notBefore)).toBe('object');
      expect(typeof assess(pem, notAfter)).toBe('object');
      expect(assess(pem, new Date(notBefore.getTime() - 1000))).toBe('certificate_not_yet_valid');
      expect(assess(pem, new Date(notAfter.getTime() + 1000))).toBe('certificate_expired');
    });
  });

  describe('file content rules', () => {
    it('empty_file: nothing or whitespace only', () => {
      expect(assess('')).toBe('empty_file');
      expect(assess(' \r\n\t')).toBe('empty_file');
    });

    it('private_key_not_allowed: PKCS#8, traditional RSA/EC, encrypted, or a key next to the certificate', () => {
      const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      expect(assess(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)).toBe('private_key_not_allowed');
      expect(assess(rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string)).toBe('private_key_not_allowed');
      expect(assess(ec.privateKey.export({ type: 'sec1', format: 'pem' }) as string)).toBe('private_key_not_allowed');
      const encrypted = ec.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'p' }) as string;
      expect(assess(encrypted)).toBe('private_key_not_allowed');
      expect(assess(`${root.pem}${ec.privateKey.export({ type: 'pkcs8', format: 'pem' })}`)).toBe('private_key_not_allowed');
    });

    it('csr_not_allowed: a PKCS#10 request', () => {
      expect(assess(csrPem)).toBe('csr_not_allowed');
    });

    it('pem_required: DER, a public key, text, bad base64 (text outside the block is ignored, RFC 7468 §2)', () => {
      const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
      expect(assess(root.der)).toBe('pem_required');
      expect(assess(spki)).toBe('pem_required');
      expect(assess('not a certificate')).toBe('pem_required');
      expect(assess(`${root.pem}extra`)).toMatchObject({ der: root.der });
      expect(assess(`garbage\n${root.pem}`)).toMatchObject({ der: root.der });
      expect(assess('-----BEGIN CERTIFICATE-----\nAB$D\n-----END CERTIFICATE-----\n')).toBe('pem_required');
      expect(assess('-----BEGIN CERTIFICATE-----\nABC\n-----END CERTIFICATE-----\n')).toBe('pem_required');
    });

    it('single_certificate_required: a chain or the same root twice', async () => {
      const intermediate = await makeIntermediate(root);
      expect(assess(`${intermediate.pem}${root.pem}`)).toBe('single_certificate_required');
      expect(assess(`${root.pem}${root.pem}`)).toBe('single_certificate_required');
    });

    it('malformed_certificate: base64 of something that is not a certificate, or a truncated one', () => {
      expect(assess(toPem(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])))).toBe('malformed_certificate');
      expect(assess(toPem(root.der.slice(0, root.der.length - 10)))).toBe('malformed_certificate');
    });
  });

  describe('certificate rules', () => {
    it('not_a_ca_certificate: an end-entity certificate, cA=FALSE, or a v1 self-signed certificate', async () => {
      expect(assess((await makeLeaf(root)).pem)).toBe('not_a_ca_certificate');
      expect(await codeFor({ basicConstraints: { ca: false }, keyUsage: ['digitalSignature'] })).toBe('not_a_ca_certificate');
      expect(await codeFor({ basicConstraints: 'absent', keyUsage: 'absent' })).toBe('not_a_ca_certificate');
      expect(await codeFor({ version: 1 })).toBe('not_a_ca_certificate');
    });

    it('not_self_signed: an intermediate, and a self-issued forgery signed by another key', async () => {
      expect(assess((await makeIntermediate(root)).pem)).toBe('not_self_signed');
      const other = await makeRoot({ cn: 'Other' });
      expect(
        await codeFor({
          subject: [
            ['C', 'US'],
            ['O', 'Organization'],
            ['CN', 'Root CA'],
          ],
          signWith: other.keys,
        }),
      ).toBe('not_self_signed');
    });

    it('certificate_expired and certificate_not_yet_valid', async () => {
      expect(await codeFor({ notBefore: new Date('2001-01-01Z'), notAfter: new Date('2030-06-15T11:59:59Z') })).toBe('certificate_expired');
      expect(await codeFor({ notBefore: new Date('2030-06-15T12:00:01Z') })).toBe('certificate_not_yet_valid');
    });

    it('weak_key: RSA below 2048 bits, and EC curves other than P-256/P-384 (docs/contract.md §3.1)', async () => {
      expect(await codeFor({ keyAlgorithm: 'RSA-1024' })).toBe('weak_key');
      expect(await codeFor({ keyAlgorithm: 'EC-P521' })).toBe('weak_key');
    });

    it('weak_signature_algorithm: SHA-1 with RSA or ECDSA (refused as weak, not as "not self-signed")', async () => {
      expect(await codeFor({ keyAlgorithm: 'RSA-2048', signature: { hash: 'SHA-1' } })).toBe('weak_signature_algorithm');
      expect(await codeFor({ signature: { hash: 'SHA-1' } })).toBe('weak_signature_algorithm');
    });

    it('unknown_critical_extension, while an unknown non-critical one is fine', async () => {
      const extension = { oid: '1.3.6.1.4.1.55555.1', value: new Uint8Array([0x05, 0x00]) };
      expect(await codeFor({ extensions: [{ ...extension, critical: true }] })).toBe('unknown_critical_extension');
      expect(typeof (await codeFor({ extensions: [{ ...extension, critical: false }] }))).toBe('object');
    });

    it('missing_key_cert_sign: a keyUsage that does not allow certificate signing', async () => {
      expect(await codeFor({ keyUsage: ['digitalSignature', 'cRLSign'] })).toBe('missing_key_cert_sign');
      expect(await codeFor({ keyUsage: ['cRLSign'] })).toBe('missing_key_cert_sign');
    });
  });
});
