import type { KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePemCertificate } from '../../domain/chain/pem';
import { DeviceClientError } from '../errors';

/** The docs/contract.md §5 recipe's file names, so everything written about the recipe applies to these files. */
export const CA_FILES = {
  rootCertificate: 'root-ca.crt',
  rootKey: 'root-ca.key',
  intermediateCertificate: 'intermediate-ca.crt',
  intermediateKey: 'intermediate-ca.key',
  caChain: 'ca-chain.crt',
} as const;

export const DEVICE_FILES = {
  key: 'device.key',
  certificate: 'device.crt',
  chain: 'device.chain.crt',
  pkcs12: 'device.p12',
  /** Written only when the passphrase was generated. */
  passphrase: 'device.p12.passphrase',
} as const;

export interface OutputFile {
  name: string;
  content: string | Uint8Array;
  /** Private keys, PKCS#12 files and passphrases: mode 0600. Certificates: 0644. */
  secret: boolean;
}

export const certificatesPem = (...certificates: Uint8Array[]): string => certificates.map(encodePemCertificate).join('');

/** Unencrypted PKCS#8 PEM, what `openssl genrsa` writes in OpenSSL 3. */
export const privateKeyPem = (key: KeyObject): string => key.export({ format: 'pem', type: 'pkcs8' }) as string;

/**
 * Writes every file into `directory` (created 0700 if missing) or none: an
 * existing one stops the run before anything is written (DeviceClientError
 * `output_exists`), unless `force`. Secrets are created 0600 whatever the
 * umask. Returns the paths written.
 */
export function writeOutputs(directory: string, files: readonly OutputFile[], force = false): string[] {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const existing = files.map((file) => join(directory, file.name)).filter((path) => existsSync(path));
  if (!force && existing.length > 0) throw new DeviceClientError('output_exists', `${existing.join(', ')} (use --force to replace)`);
  return files.map((file) => {
    const path = join(directory, file.name);
    const mode = file.secret ? 0o600 : 0o644;
    // A replaced file is removed first, so a secret is never written into a file that others may read.
    if (force) rmSync(path, { force: true });
    writeFileSync(path, file.content, { mode, flag: 'wx' });
    chmodSync(path, mode);
    return path;
  });
}

export function readInput(directory: string, name: string): Buffer {
  try {
    return readFileSync(join(directory, name));
  } catch (error) {
    throw new DeviceClientError('ca_files_unreadable', `${join(directory, name)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
