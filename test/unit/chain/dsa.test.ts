import { createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { DEFAULT_ALGORITHM_POLICY, parseCertificate } from '../../../src/domain/chain';
import { openssl, pemToDer } from '../../support/pki-openssl';
import { expectCode, validate } from './helpers';

// DSA parameter generation and child processes are slow on a loaded machine.
jest.setTimeout(120_000);

/*
 * DSA (RFC 3279 §2.2.2, §2.3.2) exists for relying-party profiles that must
 * validate legacy paths (PKITS 4.1.4-4.1.6); the device profile never accepts
 * it. Certificates from the OpenSSL CLI; the one whose key inherits its
 * parameters is re-signed here, because no CLI option leaves Dss-Parms out.
 */
describe('DSA signatures and keys', () => {
  let dir: string;
  const run = (...args: string[]) => openssl(args, dir);
  const der = (name: string) => pemToDer(readFileSync(join(dir, name), 'utf8'));
  let root: Uint8Array;
  let dsaCa: Uint8Array;
  let leaf: Uint8Array;
  let inheritingCa: Uint8Array;
  let inheritingLeaf: Uint8Array;
  let orphanCa: Uint8Array;
  // The certificates are made in beforeAll, just before now.
  const now = () => new Date(Date.now() + 1000);
  const dsaPolicy = {
    algorithms: {
      ...DEFAULT_ALGORITHM_POLICY,
      signatureAlgorithms: [...DEFAULT_ALGORITHM_POLICY.signatureAlgorithms, 'dsa-sha256' as const],
      minDsaPrimeBits: 2048,
    },
  };

  function issue(key: string, cn: string, caCrt: string, caKey: string, out: string, ...extra: string[]): void {
    run('req', '-new', '-key', key, '-subj', `/CN=${cn}`, '-out', `${out}.csr`);
    run('x509', '-req', '-in', `${out}.csr`, '-CA', caCrt, '-CAkey', caKey, '-CAcreateserial', '-days', '30', '-sha256', '-out', out, ...extra);
  }

  /** The certificate with Dss-Parms removed from its SubjectPublicKeyInfo, re-signed with the issuer's key (SHA-256). */
  function withoutParameters(certificateDer: Uint8Array, issuerKeyPem: string): Uint8Array {
    const certificate = pkijs.Certificate.fromBER(new Uint8Array(certificateDer));
    certificate.subjectPublicKeyInfo.algorithm = new pkijs.AlgorithmIdentifier({ algorithmId: certificate.subjectPublicKeyInfo.algorithm.algorithmId });
    const tbs = new Uint8Array(certificate.encodeTBS().toBER(false));
    certificate.tbsView = tbs;
    const signature = sign('sha256', tbs, createPrivateKey(issuerKeyPem));
    certificate.signatureValue = new asn1js.BitString({ valueHex: new Uint8Array(signature).buffer });
    return new Uint8Array(certificate.toSchema(false).toBER(false));
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chain-dsa-'));
    writeFileSync(join(dir, 'ca.ext'), 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n');
    run('genrsa', '-out', 'root.key', '2048');
    run('req', '-x509', '-new', '-key', 'root.key', '-subj', '/CN=RSA Root', '-days', '30', '-out', 'root.crt');
    run('genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:2048', '-out', 'dsa.param');
    for (const key of ['ca', 'inheriting', 'leaf', 'leaf2']) run('genpkey', '-paramfile', 'dsa.param', '-out', `${key}.key`);
    issue('ca.key', 'DSA CA', 'root.crt', 'root.key', 'ca.crt', '-extfile', 'ca.ext');
    issue('leaf.key', 'dsa-device', 'ca.crt', 'ca.key', 'leaf.crt');
    issue('inheriting.key', 'Inheriting CA', 'ca.crt', 'ca.key', 'inheriting.crt', '-extfile', 'ca.ext');
    issue('leaf2.key', 'inheriting-device', 'inheriting.crt', 'inheriting.key', 'leaf2.crt');
    issue('inheriting.key', 'Inheriting CA', 'root.crt', 'root.key', 'orphan.crt', '-extfile', 'ca.ext');
    [root, dsaCa, leaf, inheritingLeaf] = ['root.crt', 'ca.crt', 'leaf.crt', 'leaf2.crt'].map(der);
    inheritingCa = withoutParameters(der('inheriting.crt'), readFileSync(join(dir, 'ca.key'), 'utf8'));
    orphanCa = withoutParameters(der('orphan.crt'), readFileSync(join(dir, 'root.key'), 'utf8'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads DSA keys and dsa-with-SHA256 signatures', () => {
    expect(parseCertificate(dsaCa).publicKey).toMatchObject({ kind: 'dsa', primeBits: 2048 });
    expect(parseCertificate(inheritingCa).publicKey).toMatchObject({ kind: 'dsa', primeBits: undefined, parametersDer: undefined });
    expect(parseCertificate(leaf).signatureAlgorithm).toMatchObject({ supported: true, algorithm: { name: 'dsa-sha256', scheme: 'dsa' } });
  });

  it('refuses DSA under the device profile: unsupported_signature_algorithm', async () => {
    await expectCode(validate([leaf, dsaCa], [root], { now: now() }), 'unsupported_signature_algorithm', /dsa-sha256 is not allowed by the policy/);
  });

  it('refuses DSA keys unless the policy sizes them: unsupported_public_key', async () => {
    const algorithms = { ...dsaPolicy.algorithms, minDsaPrimeBits: undefined };
    await expectCode(validate([leaf, dsaCa], [root], { now: now(), algorithms }), 'unsupported_public_key', /DSA keys are not allowed/);
    await expectCode(
      validate([leaf, dsaCa], [root], { now: now(), algorithms: { ...dsaPolicy.algorithms, minDsaPrimeBits: 3072 } }),
      'unsupported_public_key',
      /2048-bit prime/,
    );
  });

  it('accepts a DSA path when the policy allows DSA', async () => {
    await expectCode(validate([leaf, dsaCa], [root], { now: now(), ...dsaPolicy }), 'valid');
  });

  it('verifies with parameters inherited from the DSA key above (RFC 5280 §6.1.4 (f))', async () => {
    await expectCode(validate([inheritingLeaf, inheritingCa, dsaCa], [root], { now: now(), ...dsaPolicy }), 'valid');
  });

  it('refuses a parameterless DSA key with no DSA key above it to inherit from: bad_signature', async () => {
    // The same key and name, certified directly by the RSA root: an RSA key lends no DSA parameters.
    await expectCode(validate([inheritingLeaf, orphanCa], [root], { now: now(), ...dsaPolicy }), 'bad_signature', /no parameters to inherit/);
  });
});
