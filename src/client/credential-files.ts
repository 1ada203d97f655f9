import { readFileSync } from 'node:fs';
import { credentialsFromParts, credentialsFromPem, type DeviceCredentials } from './device-credentials';
import { DeviceClientError } from './errors';
import { readPkcs12 } from './pkcs12-reader';

/** The environment variable a PKCS#12 (or encrypted PEM key) passphrase may come from: never a command-line argument, which `ps` shows. */
export const PASSPHRASE_ENV = 'DEVICE_IDP_PASSPHRASE';

export type CredentialFiles = { kind: 'pem'; key: string; chain: string } | { kind: 'pkcs12'; p12: string };

function read(path: string, code: 'key_unreadable' | 'chain_unreadable' | 'p12_unreadable' | 'passphrase_unreadable'): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new DeviceClientError(code, `${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** The first line of a passphrase file, without its line end (as `openssl -passin file:` reads it). */
function readPassphraseFile(path: string): string {
  return read(path, 'passphrase_unreadable').toString('utf8').split(/\r?\n/)[0];
}

/**
 * `passphraseFile`, else $DEVICE_IDP_PASSPHRASE, else undefined.
 */
export function resolvePassphrase(passphraseFile: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (passphraseFile !== undefined) return readPassphraseFile(passphraseFile);
  return env[PASSPHRASE_ENV];
}

/**
 * Loads a device's credentials from the recipe's files: device.key with
 * device.chain.crt, or device.p12 (no passphrase means the empty one that
 * `-passout pass:` sets). Non-ASCII passphrases are refused: node-forge
 * reads PKCS#12 passwords as ASCII.
 */
export function loadCredentials(files: CredentialFiles, passphrase: string | undefined): DeviceCredentials {
  if (files.kind === 'pem') return credentialsFromPem(read(files.key, 'key_unreadable'), read(files.chain, 'chain_unreadable'), passphrase);
  if (passphrase !== undefined && !/^[\x20-\x7e]*$/.test(passphrase)) {
    throw new DeviceClientError('p12_unreadable', 'only printable ASCII passphrases can be read from a PKCS#12 file');
  }
  const contents = readPkcs12(read(files.p12, 'p12_unreadable'), passphrase ?? '');
  return credentialsFromParts(contents.privateKey, contents.certificates);
}
