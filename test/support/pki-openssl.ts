import { execFileSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The device setup of docs/contract.md §5, run verbatim with the OpenSSL CLI in a temp
 * directory. Two deviations, both forced: subjects use C=US (OpenSSL 3
 * refuses longer countries) and the PKCS#12 export gets `-passout pass:` so
 * it does not prompt. Certificates are made "now" by OpenSSL: validate them at
 * `generatedAt` (or later, to test expiry).
 */
export interface OpensslRecipe {
  readonly dir: string;
  /** A moment inside every validity window: just after generation. */
  readonly generatedAt: Date;
  readonly rootPem: string;
  readonly intermediatePem: string;
  readonly devicePem: string;
  /** device + intermediate + root, as the recipe's device.chain.crt. */
  readonly deviceChainPem: string;
  readonly root: Uint8Array;
  readonly intermediate: Uint8Array;
  readonly device: Uint8Array;
  readonly deviceKeyPem: string;
  /** The device key as WebCrypto RSASSA-PKCS1-v1_5/SHA-256 keys, for signing assertions (RS256). */
  readonly deviceKeys: CryptoKeyPair;
  /** The CA keys, to mint further (hostile) certificates under the real hierarchy. */
  readonly rootKeys: CryptoKeyPair;
  readonly intermediateKeys: CryptoKeyPair;
  readonly cleanup: () => void;
}

export interface RecipeOptions {
  readonly deviceCn?: string;
  readonly businessUnit?: string;
  /** The recipe uses 4096; tests may lower it for speed. */
  readonly caKeyBits?: number;
}

const CONFIG = `[v3_ca]
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always,issuer
basicConstraints=critical,CA:true
[v3_intermediate_ca]
basicConstraints=CA:TRUE,pathlen:0
`;

export async function runOpensslRecipe(options: RecipeOptions = {}): Promise<OpensslRecipe> {
  const dir = mkdtempSync(join(tmpdir(), 'device-recipe-'));
  const caBits = String(options.caKeyBits ?? 4096);
  const deviceSubject = `/C=US/ST=State/L=City/O=${options.businessUnit ?? 'Business Unit ID'}/CN=${options.deviceCn ?? 'device-id-or-asset-id'}`;
  writeFileSync(join(dir, 'openssl.conf'), CONFIG);
  const steps: string[][] = [
    ['genrsa', '-out', 'root-ca.key', caBits],
    [
      'req',
      '-new',
      '-nodes',
      '-x509',
      '-days',
      '3650',
      '-key',
      'root-ca.key',
      '-out',
      'root-ca.crt',
      '-subj',
      '/C=US/ST=State/L=City/O=Organization/CN=Root CA',
      '-extensions',
      'v3_ca',
      '-config',
      './openssl.conf',
    ],
    ['genrsa', '-out', 'intermediate-ca.key', caBits],
    ['req', '-new', '-key', 'intermediate-ca.key', '-out', 'intermediate-ca.csr', '-subj', '/C=US/ST=State/L=City/O=Organization/CN=Device Intermediate CA'],
    [
      'x509',
      '-req',
      '-in',
      'intermediate-ca.csr',
      '-CA',
      'root-ca.crt',
      '-CAkey',
      'root-ca.key',
      '-CAcreateserial',
      '-out',
      'intermediate-ca.crt',
      '-days',
      '1825',
      '-extensions',
      'v3_intermediate_ca',
      '-extfile',
      './openssl.conf',
    ],
    ['genrsa', '-out', 'device.key', '2048'],
    ['req', '-new', '-key', 'device.key', '-out', 'device.csr', '-subj', deviceSubject],
    [
      'x509',
      '-req',
      '-in',
      'device.csr',
      '-CA',
      'intermediate-ca.crt',
      '-CAkey',
      'intermediate-ca.key',
      '-CAcreateserial',
      '-out',
      'device.crt',
      '-days',
      '365',
    ],
  ];
  for (const args of steps) openssl(args, dir);
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
  writeFileSync(join(dir, 'ca-chain.crt'), read('intermediate-ca.crt') + read('root-ca.crt'));
  writeFileSync(join(dir, 'device.chain.crt'), read('device.crt') + read('intermediate-ca.crt') + read('root-ca.crt'));
  openssl(['pkcs12', '-export', '-out', 'device.p12', '-inkey', 'device.key', '-in', 'device.crt', '-certfile', 'device.chain.crt', '-passout', 'pass:'], dir);
  const deviceKeyPem = read('device.key');
  return {
    dir,
    generatedAt: new Date(Date.now() + 1000),
    rootPem: read('root-ca.crt'),
    intermediatePem: read('intermediate-ca.crt'),
    devicePem: read('device.crt'),
    deviceChainPem: read('device.chain.crt'),
    root: pemToDer(read('root-ca.crt')),
    intermediate: pemToDer(read('intermediate-ca.crt')),
    device: pemToDer(read('device.crt')),
    deviceKeyPem,
    deviceKeys: await importRsaKeyPair(deviceKeyPem, read('device.crt')),
    rootKeys: await importRsaKeyPair(read('root-ca.key'), read('root-ca.crt')),
    intermediateKeys: await importRsaKeyPair(read('intermediate-ca.key'), read('intermediate-ca.crt')),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A self-signed v3 CA certificate for an existing key, valid `days` (default
 * 30): `openssl req -new -x509 [-<digest>] -key <keyFile> -out <certificateFile>
 * -subj <subject> -extensions v3_ca` with the recipe's `./openssl.conf`, run in
 * `dir` (a recipe's directory). Throws with OpenSSL's stderr on failure.
 */
export function selfSignCa(dir: string, spec: { keyFile: string; certificateFile: string; subject: string; digest?: string; days?: number }): void {
  const digest = spec.digest === undefined ? [] : [`-${spec.digest}`];
  const days = String(spec.days ?? 30);
  const args = ['req', '-new', '-x509', ...digest, '-days', days, '-key', spec.keyFile, '-out', spec.certificateFile, '-subj', spec.subject];
  openssl([...args, '-extensions', 'v3_ca', '-config', './openssl.conf'], dir);
}

/** Runs the OpenSSL CLI in `cwd`; throws with OpenSSL's stderr on failure. */
export function openssl(args: readonly string[], cwd: string): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function pemToDer(pem: string): Uint8Array {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!match) throw new Error('no CERTIFICATE block');
  return new Uint8Array(Buffer.from(match[1].replace(/\s+/g, ''), 'base64'));
}

async function importRsaKeyPair(keyPem: string, certificatePem: string): Promise<CryptoKeyPair> {
  const subtle = globalThis.crypto.subtle;
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const pkcs8 = Buffer.from(keyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const privateKey = await subtle.importKey('pkcs8', pkcs8, algorithm, true, ['sign']);
  const spki = createPublicKey(certificatePem).export({ type: 'spki', format: 'der' });
  const publicKey = await subtle.importKey('spki', spki, algorithm, true, ['verify']);
  return { privateKey, publicKey };
}
