import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initCa } from '../../../src/client/ca/ca-init';
import { issueDevice } from '../../../src/client/ca/ca-issue';
import { readPkcs12 } from '../../../src/client/pkcs12-reader';
import { decodePemCertificates, devicePolicy, parseCertificate, validateChain } from '../../../src/domain/chain';
import { codeOf } from './helpers';

/*
 * `ca init` and `ca issue` as a library: what they write, judged by the
 * token endpoint's own chain validator and parser, and by OpenSSL.
 */

jest.setTimeout(60_000);

const NOW = new Date('2030-06-15T12:00:00Z');
const pem = (path: string): Uint8Array[] => {
  const decoded = decodePemCertificates(readFileSync(path, 'utf8'));
  if (!decoded.ok) throw new Error(decoded.reason);
  return decoded.certificates;
};
const mode = (path: string): number => lstatSync(path).mode & 0o777;

describe('CA tooling', () => {
  let work: string;
  let ca: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'client-ca-'));
    ca = join(work, 'ca');
    initCa({ outDir: ca, organization: 'Acme Retail', country: 'de', keyType: 'ec-p256', now: NOW });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('ca init writes the recipe file names: keys 0600, certificates 0644, in a 0700 directory', () => {
    expect(readdirSync(ca).sort()).toEqual(['ca-chain.crt', 'intermediate-ca.crt', 'intermediate-ca.key', 'root-ca.crt', 'root-ca.key']);
    expect(mode(ca)).toBe(0o700);
    expect([mode(join(ca, 'root-ca.key')), mode(join(ca, 'intermediate-ca.key'))]).toEqual([0o600, 0o600]);
    expect([mode(join(ca, 'root-ca.crt')), mode(join(ca, 'intermediate-ca.crt')), mode(join(ca, 'ca-chain.crt'))]).toEqual([0o644, 0o644, 0o644]);
    expect(pem(join(ca, 'ca-chain.crt')).map((c) => Buffer.from(c))).toEqual(
      [...pem(join(ca, 'intermediate-ca.crt')), ...pem(join(ca, 'root-ca.crt'))].map((c) => Buffer.from(c)),
    );
  });

  it('ca init: a self-signed CA root and a pathlen:0 intermediate with keyCertSign, a two-letter country', () => {
    const [root] = pem(join(ca, 'root-ca.crt')).map(parseCertificate);
    const [intermediate] = pem(join(ca, 'intermediate-ca.crt')).map(parseCertificate);
    expect(root.subjectDn).toBe('CN=Acme Retail Root CA,O=Acme Retail,C=DE');
    expect(root.selfIssued).toBe(true);
    expect(root.extensions.basicConstraints).toEqual({ ca: true, pathLen: undefined });
    expect(intermediate.subjectDn).toBe('CN=Acme Retail Device Intermediate CA,O=Acme Retail,C=DE');
    expect(intermediate.issuerDn).toBe(root.subjectDn);
    expect(intermediate.extensions.basicConstraints).toEqual({ ca: true, pathLen: 0 });
    expect([...intermediate.extensions.keyUsage!].sort()).toEqual(['cRLSign', 'keyCertSign']);
    expect(Buffer.from(intermediate.extensions.authorityKeyIdentifier!.keyIdentifier!)).toEqual(Buffer.from(root.extensions.subjectKeyIdentifier!));
    expect(intermediate.notAfter.getTime() - NOW.getTime()).toBe(1825 * 86_400_000);
  });

  it('ca issue (v3): digitalSignature, clientAuth, not a CA; the token endpoint validator accepts the chain, OpenSSL verifies it', async () => {
    const out = join(work, 'v3');
    writeFileSync(join(work, 'pass.txt'), 'given pass\n');
    const result = issueDevice({
      caDir: ca,
      deviceId: 'till-0042',
      businessUnit: 'Store 12',
      outDir: out,
      keyType: 'ec-p256',
      passphrase: 'given pass',
      now: NOW,
    });
    expect(result.passphraseFile).toBeUndefined();
    expect(readdirSync(out).sort()).toEqual(['device.chain.crt', 'device.crt', 'device.key', 'device.p12']);
    expect([mode(join(out, 'device.key')), mode(join(out, 'device.p12')), mode(join(out, 'device.crt'))]).toEqual([0o600, 0o600, 0o644]);

    const chain = pem(join(out, 'device.chain.crt'));
    expect(chain).toHaveLength(3);
    await expect(validateChain({ chain: chain.slice(0, 2), anchors: [chain[2]] }, devicePolicy(new Date(NOW.getTime() + 60_000)))).resolves.toMatchObject({
      valid: true,
    });
    const device = parseCertificate(chain[0]);
    expect(device).toMatchObject({ version: 3, subjectCN: 'till-0042', subjectO: 'Store 12', subjectDn: 'CN=till-0042,O=Store 12,C=DE', isCA: false });
    expect([...device.extensions.keyUsage!]).toEqual(['digitalSignature']);
    expect(device.extensions.extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(new X509Certificate(chain[0]).checkPrivateKey(createPrivateKey(readFileSync(join(out, 'device.key'))))).toBe(true);

    const verify = execFileSync(
      'openssl',
      [
        'verify',
        '-attime',
        String(NOW.getTime() / 1000 + 60),
        '-CAfile',
        join(ca, 'root-ca.crt'),
        '-untrusted',
        join(ca, 'intermediate-ca.crt'),
        join(out, 'device.crt'),
      ],
      { encoding: 'utf8' },
    );
    expect(verify.trim()).toBe(`${join(out, 'device.crt')}: OK`);

    const p12 = readPkcs12(readFileSync(join(out, 'device.p12')), 'given pass');
    expect(p12.certificates.map((c) => Buffer.from(c))).toEqual(chain.map((c) => Buffer.from(c)));
    const certificates = execFileSync('openssl', ['pkcs12', '-in', join(out, 'device.p12'), '-nokeys', '-passin', `file:${join(work, 'pass.txt')}`], {
      encoding: 'utf8',
    });
    expect(certificates.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
  });

  it('ca issue --recipe: exactly the docs/contract.md §5 shape, X.509 v1 without extensions, RSA-2048, C/ST/L/O/CN, valid from now', async () => {
    const out = join(work, 'recipe');
    const result = issueDevice({ caDir: ca, deviceId: 'device-id-or-asset-id', businessUnit: 'Business Unit ID', outDir: out, shape: 'recipe', now: NOW });
    const [device, intermediate, root] = pem(join(out, 'device.chain.crt'));
    const parsed = parseCertificate(device);
    expect(parsed).toMatchObject({ version: 1, subjectDn: 'CN=device-id-or-asset-id,O=Business Unit ID,L=City,ST=State,C=DE', notBefore: NOW });
    expect(parsed.extensions.all).toEqual([]);
    expect(parsed.publicKey).toMatchObject({ kind: 'rsa', modulusBits: 2048 });
    expect(parsed.notAfter.getTime() - NOW.getTime()).toBe(365 * 86_400_000);
    await expect(validateChain({ chain: [device, intermediate], anchors: [root] }, devicePolicy(new Date(NOW.getTime() + 60_000)))).resolves.toMatchObject({
      valid: true,
    });
    const text = execFileSync('openssl', ['x509', '-in', join(out, 'device.crt'), '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toMatch(/Version: 1 \(0x0\)/);
    expect(text).not.toMatch(/X509v3/);

    // No passphrase given: one is generated, 0600, and it opens the PKCS#12 file.
    expect(result.passphraseFile).toBe(join(out, 'device.p12.passphrase'));
    expect(mode(result.passphraseFile!)).toBe(0o600);
    const passphrase = readFileSync(result.passphraseFile!, 'utf8').trim();
    expect(passphrase).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(readPkcs12(readFileSync(join(out, 'device.p12')), passphrase).certificates).toHaveLength(3);
  });

  it('refuses bad input and existing files, writing nothing', () => {
    const out = join(work, 'refusals');
    const issue = (overrides: Partial<Parameters<typeof issueDevice>[0]>) => () =>
      issueDevice({ caDir: ca, deviceId: 'd-1', businessUnit: 'BU', outDir: out, keyType: 'ec-p256', passphrase: 'p', now: NOW, ...overrides });
    expect(codeOf(issue({ country: 'USA' }))).toBe('ca_input_invalid');
    expect(codeOf(issue({ deviceId: 'a/b' }))).toBe('ca_input_invalid');
    expect(codeOf(issue({ deviceId: 'x'.repeat(65) }))).toBe('ca_input_invalid');
    expect(codeOf(issue({ businessUnit: '' }))).toBe('ca_input_invalid');
    expect(codeOf(issue({ shape: 'recipe', keyType: 'ec-p256' }))).toBe('ca_input_invalid');
    expect(codeOf(issue({ passphrase: 'pässword' }))).toBe('ca_input_invalid');
    expect(codeOf(issue({ caDir: join(work, 'missing') }))).toBe('ca_files_unreadable');
    expect(codeOf(() => initCa({ outDir: join(work, 'bad-ca'), country: 'U1', keyType: 'ec-p256' }))).toBe('ca_input_invalid');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(work, 'bad-ca'))).toBe(false);

    issue({})();
    const before = readFileSync(join(out, 'device.crt'), 'utf8');
    expect(codeOf(issue({ deviceId: 'd-2' }))).toBe('output_exists');
    expect(readFileSync(join(out, 'device.crt'), 'utf8')).toBe(before);
    chmodSync(join(out, 'device.key'), 0o644);
    issue({ deviceId: 'd-2', force: true })();
    expect(parseCertificate(pem(join(out, 'device.crt'))[0]).subjectCN).toBe('d-2');
    expect(mode(join(out, 'device.key'))).toBe(0o600);
    expect(codeOf(() => initCa({ outDir: ca, keyType: 'ec-p256' }))).toBe('output_exists');
  });

  it('refuses an intermediate key that does not belong to the intermediate certificate', () => {
    const other = join(work, 'other-ca');
    initCa({ outDir: other, keyType: 'ec-p256' });
    const mixed = join(work, 'mixed-ca');
    initCa({ outDir: mixed, keyType: 'ec-p256' });
    writeFileSync(join(mixed, 'intermediate-ca.key'), readFileSync(join(other, 'intermediate-ca.key')));
    expect(codeOf(() => issueDevice({ caDir: mixed, deviceId: 'd', businessUnit: 'BU', outDir: join(work, 'mixed-out'), passphrase: '' }))).toBe(
      'ca_files_unreadable',
    );
  });
});
