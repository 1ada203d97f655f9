import { execFileSync, spawnSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialsFromParts } from '../../../src/client/device-credentials';
import { readPkcs12 } from '../../../src/client/pkcs12-reader';
import { writePkcs12 } from '../../../src/client/pkcs12-writer';
import { testDevice } from './helpers';

/* PKCS#12 files both ways: ours read by OpenSSL 3 (no legacy provider), OpenSSL's (the docs/contract.md §5 recipe's) read by us. */

jest.setTimeout(60_000);

const openssl = (args: string[], cwd: string): string => execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('PKCS#12', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'client-p12-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['RSA-2048', 'EC-P256'] as const)(
    'writes a %s file that OpenSSL 3 reads: SHA-256 MAC, PBES2 AES-256-CBC key, three certificates',
    async (keyAlgorithm) => {
      const { device, intermediate, root, credentials } = await testDevice(keyAlgorithm);
      const p12 = writePkcs12({
        privateKey: credentials.privateKey,
        certificates: [device.der, intermediate.der, root.der],
        passphrase: 'p12 pass',
        friendlyName: 'device-1',
      });
      writeFileSync(join(dir, 'device.p12'), p12);
      writeFileSync(join(dir, 'pass.txt'), 'p12 pass\n');

      // -info prints the structure on stderr.
      const info = spawnSync('openssl', ['pkcs12', '-in', 'device.p12', '-info', '-noout', '-passin', 'file:pass.txt'], { cwd: dir, encoding: 'utf8' });
      expect(info.status).toBe(0);
      expect(info.stderr).toMatch(/MAC: sha256, Iteration 2048/);
      expect(info.stderr).toMatch(/Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/);
      const certificates = openssl(['pkcs12', '-in', 'device.p12', '-nokeys', '-passin', 'file:pass.txt'], dir);
      expect(certificates.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(3);
      expect(certificates).toContain(device.pem.trim());
      const key = openssl(['pkcs12', '-in', 'device.p12', '-nocerts', '-nodes', '-passin', 'file:pass.txt'], dir);
      expect(createPrivateKey(key).export({ format: 'jwk' })).toEqual(credentials.privateKey.export({ format: 'jwk' }));

      writeFileSync(join(dir, 'wrong.txt'), 'other pass\n');
      expect(() => openssl(['pkcs12', '-in', 'device.p12', '-nokeys', '-passin', 'file:wrong.txt'], dir)).toThrow(/Mac verify error: invalid password/);
    },
  );

  it('reads back what it wrote, byte for byte, and refuses the wrong passphrase as such', async () => {
    const { device, intermediate, credentials } = await testDevice('EC-P384');
    const p12 = writePkcs12({ privateKey: credentials.privateKey, certificates: [device.der, intermediate.der], passphrase: 's3cret' });
    const contents = readPkcs12(p12, 's3cret');
    expect(contents.certificates.map((c) => Buffer.from(c))).toEqual([Buffer.from(device.der), Buffer.from(intermediate.der)]);
    expect(contents.privateKey.export({ format: 'jwk' })).toEqual(credentials.privateKey.export({ format: 'jwk' }));
    expect(() => readPkcs12(p12, 'guess')).toThrow(expect.objectContaining({ code: 'p12_unreadable', message: expect.stringMatching(/wrong passphrase/) }));
    expect(() => readPkcs12(new Uint8Array([0x30, 0x00]), '')).toThrow(expect.objectContaining({ code: 'p12_unreadable' }));
  });

  it.each([
    ['RSA, passphrase', ['genrsa', '-out', 'k.pem', '2048'], 'pass:abc', 'abc'],
    ['RSA, empty passphrase (-passout pass:)', ['genrsa', '-out', 'k.pem', '2048'], 'pass:', ''],
    ['EC P-256', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'k.pem'], 'pass:abc', 'abc'],
  ])('reads a file `openssl pkcs12 -export` made (%s), certificates byte for byte', (_name, keygen, passout, passphrase) => {
    openssl(keygen, dir);
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key'], dir);
    openssl(['req', '-new', '-x509', '-key', 'ca.key', '-subj', '/C=US/O=Org/CN=Root CA', '-days', '2', '-out', 'ca.pem'], dir);
    openssl(['req', '-new', '-key', 'k.pem', '-subj', '/C=US/O=Business Unit ID/CN=device-id-or-asset-id', '-out', 'd.csr'], dir);
    openssl(['x509', '-req', '-in', 'd.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-out', 'd.pem'], dir);
    openssl(['pkcs12', '-export', '-out', 'o.p12', '-inkey', 'k.pem', '-in', 'd.pem', '-certfile', 'ca.pem', '-passout', passout], dir);

    const contents = readPkcs12(readFileSync(join(dir, 'o.p12')), passphrase);
    const credentials = credentialsFromParts(contents.privateKey, contents.certificates);
    expect(credentials.deviceId).toBe('device-id-or-asset-id');
    const devicePem = readFileSync(join(dir, 'd.pem'), 'utf8').replace(/-----[^-]+-----|\s/g, '');
    expect(Buffer.from(credentials.certificates[0]).toString('base64')).toBe(devicePem);
  });
});
