import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestCertificate } from './pki';
import { openssl } from './pki-openssl';

/**
 * A CA directory the way an operator keeps one for `openssl ca`: an
 * index.txt database, a crlnumber file and a config with a `[ca]` section, in
 * `dir/<name>/`. Revoke with `openssl ca -revoke`, publish with
 * `openssl ca -gencrl`; what comes out is what a platform team uploads.
 */
export interface OpensslCa {
  readonly dir: string;
  /** `openssl ca -revoke <cert> [-crl_reason <reason>]`. */
  revoke(certificatePem: string, reason?: string): void;
  /** `openssl ca -gencrl`; PEM unless `der`. Validity from `crlsec` seconds, else `crldays` (default 7). */
  gencrl(options?: { crlsec?: number; crldays?: number; der?: boolean; lastUpdate?: string; nextUpdate?: string }): Buffer;
}

let counter = 0;

export function opensslCa(parent: string, certificatePem: string, keyPem: string, options: { crlNumber?: boolean } = {}): OpensslCa {
  const dir = join(parent, `ca-${++counter}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'ca.crt'), certificatePem);
  writeFileSync(join(dir, 'ca.key'), keyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'index.txt.attr'), 'unique_subject = no\n');
  if (options.crlNumber !== false) writeFileSync(join(dir, 'crlnumber'), '1000\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = CA_default',
      '[CA_default]',
      `dir = ${dir}`,
      'database = $dir/index.txt',
      ...(options.crlNumber === false ? [] : ['crlnumber = $dir/crlnumber']),
      'certificate = $dir/ca.crt',
      'private_key = $dir/ca.key',
      'new_certs_dir = $dir',
      'default_md = sha256',
      'default_crl_days = 7',
      'policy = policy_any',
      '[policy_any]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  let revoked = 0;
  return {
    dir,
    revoke(pem, reason) {
      const file = `revoke-${++revoked}.crt`;
      writeFileSync(join(dir, file), pem);
      openssl(['ca', '-config', 'ca.cnf', '-revoke', file, ...(reason ? ['-crl_reason', reason] : [])], dir);
    },
    gencrl(gen = {}) {
      const validity =
        gen.nextUpdate !== undefined
          ? ['-crl_nextupdate', gen.nextUpdate]
          : gen.crlsec !== undefined
            ? ['-crlsec', String(gen.crlsec)]
            : ['-crldays', String(gen.crldays ?? 7)];
      const last = gen.lastUpdate !== undefined ? ['-crl_lastupdate', gen.lastUpdate] : [];
      openssl(['ca', '-config', 'ca.cnf', '-gencrl', ...validity, ...last, '-out', 'crl.pem'], dir);
      if (!gen.der) return readFileSync(join(dir, 'crl.pem'));
      openssl(['crl', '-in', 'crl.pem', '-outform', 'DER', '-out', 'crl.der'], dir);
      return readFileSync(join(dir, 'crl.der'));
    },
  };
}

/** PKCS#8 PEM of a WebCrypto private key (test/support/pki keys), for `openssl ca -keyfile`. */
export async function privateKeyPem(key: CryptoKey): Promise<string> {
  const pkcs8 = Buffer.from(await globalThis.crypto.subtle.exportKey('pkcs8', key)).toString('base64');
  return `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/.{1,64}/g, '$&\n')}-----END PRIVATE KEY-----\n`;
}

/** `opensslCa` in `parent` for a test/support/pki certificate, with its own private key. */
export async function opensslCaFor(parent: string, certificate: TestCertificate): Promise<OpensslCa> {
  return opensslCa(parent, certificate.pem, await privateKeyPem(certificate.keys.privateKey));
}
