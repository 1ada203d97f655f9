import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A CA run with the OpenSSL CLI (`openssl ca`) in a temp directory, the way
 * an operator runs one: issue, revoke, `openssl ca -gencrl`. OpenSSL stamps
 * certificates and CRLs with the current time, so tests validate at
 * `generatedAt` or later (the CA and devices are valid for 100 and 10 years).
 */
export interface OpensslCa {
  readonly dir: string;
  readonly generatedAt: Date;
  readonly rootPem: string;
  readonly rootPath: string;
  issue(cn: string): { readonly pem: string; readonly path: string; readonly serialHex: string };
  revoke(certificatePath: string, reason?: string): void;
  /** Writes a CRL (PEM) valid for `hours` from now and returns its path. */
  gencrl(name: string, hours: number): string;
  readonly cleanup: () => void;
}

const config = (dir: string): string => `[ca]
default_ca = ca_default
[ca_default]
dir = ${dir}
database = ${dir}/index.txt
new_certs_dir = ${dir}/issued
certificate = ${dir}/root.pem
private_key = ${dir}/root.key
serial = ${dir}/serial
crlnumber = ${dir}/crlnumber
default_md = sha256
default_days = 3650
policy = policy_any
unique_subject = no
[policy_any]
commonName = supplied
[req]
distinguished_name = req_dn
[req_dn]
[v3_root]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_device]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
[crl_ext]
authorityKeyIdentifier = keyid:always
`;

export function startOpensslCa(rootCn = 'OpenSSL CRL Root'): OpensslCa {
  const dir = mkdtempSync(join(tmpdir(), 'openssl-ca-'));
  const openssl = (...args: string[]): string => execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  mkdirSync(join(dir, 'issued'));
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(join(dir, 'crlnumber'), '01\n');
  writeFileSync(join(dir, 'openssl.cnf'), config(dir));
  const cnf = join(dir, 'openssl.cnf');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'root.key',
    '-out',
    'root.pem',
    '-subj',
    `/CN=${rootCn}`,
    '-days',
    '36500',
    '-config',
    cnf,
    '-extensions',
    'v3_root',
  );
  const generatedAt = new Date();
  return {
    dir,
    generatedAt,
    rootPem: readFileSync(join(dir, 'root.pem'), 'utf8'),
    rootPath: join(dir, 'root.pem'),
    issue(cn) {
      openssl('req', '-new', ...ec, '-keyout', `${cn}.key`, '-out', `${cn}.csr`, '-subj', `/CN=${cn}`, '-config', cnf);
      openssl('ca', '-batch', '-config', cnf, '-extensions', 'v3_device', '-notext', '-in', `${cn}.csr`, '-out', `${cn}.pem`);
      const serialHex = openssl('x509', '-in', `${cn}.pem`, '-noout', '-serial')
        .trim()
        .replace(/^serial=/, '')
        .toLowerCase();
      return { pem: readFileSync(join(dir, `${cn}.pem`), 'utf8'), path: join(dir, `${cn}.pem`), serialHex };
    },
    revoke(certificatePath, reason = 'keyCompromise') {
      openssl('ca', '-config', cnf, '-revoke', certificatePath, '-crl_reason', reason);
    },
    gencrl(name, hours) {
      openssl('ca', '-config', cnf, '-gencrl', '-crlhours', String(hours), '-crlexts', 'crl_ext', '-out', name);
      return join(dir, name);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
