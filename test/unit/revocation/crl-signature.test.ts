import { makeRoot } from '../../support/pki';
import { generateKeys } from '../../support/pki-keys';
import { makeCrl } from './crl-builder';
import { type Hierarchy, importCrl, importOutcome, importRefusal, makeHierarchy } from './fixtures';

// RSA key generation is slow on a loaded machine.
jest.setTimeout(120_000);

let ec: Hierarchy;
let rsa: Hierarchy;

beforeAll(async () => {
  ec = await makeHierarchy();
  const root = await makeRoot({ cn: 'RSA CRL Root', keyAlgorithm: 'RSA-2048' });
  rsa = { ...ec, root };
});

describe('CRL signature (RFC 5280 §5.1.1.2, §6.3.3 (g))', () => {
  it.each([
    ['pkcs1', 'SHA-256'],
    ['pkcs1', 'SHA-384'],
    ['pkcs1', 'SHA-512'],
    ['pss', 'SHA-256'],
    ['pss', 'SHA-512'],
  ] as const)('accepts RSA %s with %s', async (scheme, hash) => {
    const crl = await makeCrl({ issuer: rsa.root, signature: { scheme, hash } });
    expect(await importOutcome(importCrl(crl, rsa))).toBe('imported');
  });

  it.each(['SHA-256', 'SHA-384', 'SHA-512'] as const)('accepts ECDSA with %s', async (hash) => {
    const crl = await makeCrl({ issuer: ec.root, signature: { scheme: 'ecdsa', hash } });
    expect(await importOutcome(importCrl(crl, ec))).toBe('imported');
  });

  it('refuses SHA-1 signatures, RSA and ECDSA: crl_weak_signature_algorithm', async () => {
    expect(await importOutcome(importCrl(await makeCrl({ issuer: rsa.root, signature: { scheme: 'pkcs1', hash: 'SHA-1' } }), rsa))).toBe(
      'crl_weak_signature_algorithm',
    );
    expect(await importOutcome(importCrl(await makeCrl({ issuer: ec.root, signature: { scheme: 'ecdsa', hash: 'SHA-1' } }), ec))).toBe(
      'crl_weak_signature_algorithm',
    );
  });

  it('refuses an MD5 signature algorithm identifier: crl_weak_signature_algorithm', async () => {
    const sha256 = await makeCrl({ issuer: rsa.root, signature: { scheme: 'pkcs1', hash: 'SHA-256' } });
    // md5WithRSAEncryption (1.2.840.113549.1.1.4) in both algorithm fields; the signature itself no longer matters.
    const md5 = replaceAll(sha256, '2a864886f70d01010b', '2a864886f70d010104');
    expect(await importRefusal(importCrl(md5, rsa))).toMatchObject({ code: 'crl_weak_signature_algorithm', message: expect.stringContaining('MD5') });
  });

  it('refuses an algorithm outside the policy that is not a broken hash (SHA-224): crl_unsupported_signature_algorithm', async () => {
    const sha256 = await makeCrl({ issuer: rsa.root, signature: { scheme: 'pkcs1', hash: 'SHA-256' } });
    // sha224WithRSAEncryption (1.2.840.113549.1.1.14) in both algorithm fields.
    const sha224 = replaceAll(sha256, '2a864886f70d01010b', '2a864886f70d01010e');
    expect(await importRefusal(importCrl(sha224, rsa))).toEqual({
      code: 'crl_unsupported_signature_algorithm',
      message: 'CRL signature algorithm 1.2.840.113549.1.1.14 refused (SHA-224 is not in the accepted set)',
    });
  });

  it('refuses an outer algorithm that differs from tbsCertList.signature: crl_signature_algorithm_mismatch', async () => {
    const crl = await makeCrl({ issuer: ec.root, signature: { scheme: 'ecdsa', hash: 'SHA-256' }, innerAlgorithm: { scheme: 'ecdsa', hash: 'SHA-384' } });
    expect(await importOutcome(importCrl(crl, ec))).toBe('crl_signature_algorithm_mismatch');
  });

  it("refuses a CRL signed by another key under the root's name: crl_bad_signature", async () => {
    const crl = await makeCrl({ issuer: ec.root, signWith: await generateKeys('EC-P256') });
    expect(await importRefusal(importCrl(crl, ec))).toMatchObject({ code: 'crl_bad_signature', message: expect.stringContaining('CN=CRL Test Root') });
  });

  it('refuses a CRL whose signed bytes were altered after signing: crl_bad_signature', async () => {
    const crl = await makeCrl({ issuer: ec.root, entries: [{ serial: 0x41 }] });
    const altered = replaceAll(crl, '020141', '020142');
    expect(await importOutcome(importCrl(altered, ec))).toBe('crl_bad_signature');
  });
});

function replaceAll(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const hex = Buffer.from(bytes).toString('hex');
  if (!hex.includes(from)) throw new Error(`pattern ${from} not found`);
  return new Uint8Array(Buffer.from(hex.split(from).join(to), 'hex'));
}
