import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { DEFAULT_ALGORITHM_POLICY, parseCertificate } from '../../../src/domain/chain';
import {
  type HashAlgorithm,
  type KeyAlgorithm,
  makeIntermediate,
  makeLeaf,
  makeRoot,
  type SignatureScheme,
  signatureAlgorithmIdentifier,
  type TestCertificate,
} from '../../support/pki';
import { expectCode, validate } from './helpers';

// Key generation (RSA-4096, OpenSSL) and child processes are slow on a loaded machine.
jest.setTimeout(60_000);

/* docs/contract.md §4.3 algorithm policy: which signatures and keys are accepted anywhere in the path. */
describe('algorithm policy', () => {
  let rsaRoot: TestCertificate;
  let ecRoot: TestCertificate;

  beforeAll(async () => {
    rsaRoot = await makeRoot({ keyAlgorithm: 'RSA-2048' });
    ecRoot = await makeRoot({ keyAlgorithm: 'EC-P384' });
  });

  describe('accepted device keys', () => {
    it.each<KeyAlgorithm>(['RSA-2048', 'RSA-4096', 'EC-P256', 'EC-P384', 'EC-P521'])('accepts a %s device key', async (keyAlgorithm) => {
      const ica = await makeIntermediate(ecRoot);
      const leaf = await makeLeaf(ica, { keyAlgorithm });
      await expectCode(validate([leaf, ica], [ecRoot]), 'valid');
      expect(parseCertificate(leaf.der).publicKey.kind).toBe(keyAlgorithm.startsWith('RSA') ? 'rsa' : 'ec');
    });
  });

  describe('accepted signature algorithms (RSA PKCS#1 v1.5, RSA-PSS, ECDSA with SHA-256/384/512)', () => {
    const cases: [SignatureScheme, HashAlgorithm, string][] = [
      ['pkcs1', 'SHA-256', 'rsa-pkcs1-sha256'],
      ['pkcs1', 'SHA-384', 'rsa-pkcs1-sha384'],
      ['pkcs1', 'SHA-512', 'rsa-pkcs1-sha512'],
      ['pss', 'SHA-256', 'rsa-pss-sha256'],
      ['pss', 'SHA-384', 'rsa-pss-sha384'],
      ['pss', 'SHA-512', 'rsa-pss-sha512'],
      ['ecdsa', 'SHA-256', 'ecdsa-sha256'],
      ['ecdsa', 'SHA-384', 'ecdsa-sha384'],
      ['ecdsa', 'SHA-512', 'ecdsa-sha512'],
    ];
    it.each(cases)('accepts an intermediate signed with %s/%s', async (scheme, hash, name) => {
      const issuer = scheme === 'ecdsa' ? ecRoot : rsaRoot;
      const ica = await makeIntermediate(issuer, { signature: { scheme, hash } });
      const leaf = await makeLeaf(ica);
      expect(parseCertificate(ica.der).signatureAlgorithm).toMatchObject({ supported: true, algorithm: { name } });
      await expectCode(validate([leaf, ica], [issuer]), 'valid');
    });

    it('accepts ECDSA signatures by a P-521 CA', async () => {
      const p521 = await makeRoot({ keyAlgorithm: 'EC-P521' });
      const leaf = await makeLeaf(p521, { signature: { hash: 'SHA-512' } });
      await expectCode(validate([leaf], [p521]), 'valid');
    });

    it('honours a narrower policy: an ECDSA-only relying party refuses RSA signatures', async () => {
      const ica = await makeIntermediate(rsaRoot);
      const leaf = await makeLeaf(ica);
      const algorithms = { ...DEFAULT_ALGORITHM_POLICY, signatureAlgorithms: ['ecdsa-sha256', 'ecdsa-sha384'] as const };
      await expectCode(validate([leaf, ica], [rsaRoot], { algorithms }), 'unsupported_signature_algorithm');
    });
  });

  describe('refused', () => {
    it('refuses a SHA-1 signed device certificate', async () => {
      const ica = await makeIntermediate(rsaRoot, { keyAlgorithm: 'RSA-2048' });
      const leaf = await makeLeaf(ica, { signature: { hash: 'SHA-1' } });
      await expectCode(validate([leaf, ica], [rsaRoot]), 'unsupported_signature_algorithm', /^leaf .*SHA-1/);
    });

    it('refuses a SHA-1 signed intermediate', async () => {
      const ica = await makeIntermediate(rsaRoot, { signature: { hash: 'SHA-1' } });
      await expectCode(validate([await makeLeaf(ica), ica], [rsaRoot]), 'unsupported_signature_algorithm');
    });

    it('refuses ECDSA with SHA-1', async () => {
      const leaf = await makeLeaf(ecRoot, { signature: { hash: 'SHA-1' } });
      await expectCode(validate([leaf], [ecRoot]), 'unsupported_signature_algorithm');
    });

    it('refuses md5WithRSAEncryption before verifying anything', async () => {
      const md5 = new pkijs.AlgorithmIdentifier({
        algorithmId: '1.2.840.113549.1.1.4',
        algorithmParams: signatureAlgorithmIdentifier('pkcs1', 'SHA-256').algorithmParams,
      });
      const leaf = await makeLeaf(rsaRoot, {
        tamper: (c) => {
          c.signature = md5;
          c.signatureAlgorithm = md5;
        },
      });
      await expectCode(validate([leaf], [rsaRoot]), 'unsupported_signature_algorithm', /MD5/);
    });

    it('refuses an RSA-1024 device key', async () => {
      const leaf = await makeLeaf(ecRoot, { keyAlgorithm: 'RSA-1024' });
      await expectCode(validate([leaf], [ecRoot]), 'unsupported_public_key', /1024 bits/);
    });

    it('refuses an RSA-1024 intermediate key', async () => {
      const ica = await makeIntermediate(ecRoot, { keyAlgorithm: 'RSA-1024' });
      await expectCode(validate([await makeLeaf(ica), ica], [ecRoot]), 'unsupported_public_key');
    });

    it('refuses a curve the policy does not list', async () => {
      const leaf = await makeLeaf(ecRoot, { keyAlgorithm: 'EC-P521' });
      const algorithms = { ...DEFAULT_ALGORITHM_POLICY, ecCurves: ['P-256', 'P-384'] as const };
      await expectCode(validate([leaf], [ecRoot], { algorithms }), 'unsupported_public_key');
    });

    it('refuses an RSA-PSS signature whose MGF1 hash differs from the signature hash', async () => {
      const hash = (oid: string) => new pkijs.AlgorithmIdentifier({ algorithmId: oid, algorithmParams: new asn1js.Null() });
      const params = new pkijs.RSASSAPSSParams({
        hashAlgorithm: hash('2.16.840.1.101.3.4.2.1'),
        maskGenAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.113549.1.1.8', algorithmParams: hash('2.16.840.1.101.3.4.2.3').toSchema() }),
        saltLength: 32,
      });
      const leaf = await makeLeaf(rsaRoot, {
        signature: { scheme: 'pss' },
        tamper: (c) => {
          c.signature = new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.113549.1.1.10', algorithmParams: params.toSchema() });
          c.signatureAlgorithm = c.signature;
        },
      });
      await expectCode(validate([leaf], [rsaRoot]), 'unsupported_signature_algorithm', /MGF1/);
    });
  });
});
