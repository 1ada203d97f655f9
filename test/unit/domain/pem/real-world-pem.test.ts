import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodePemCertificates } from '../../../../src/domain/chain';
import { decodeCrlInput } from '../../../../src/domain/revocation/crl-input';
import { parseRevocationRequest } from '../../../../src/domain/revocation-request';
import { type AcceptedRoot, assessRootCertificateUpload } from '../../../../src/domain/root-certificate-policy';
import { DomainError } from '../../../../src/errors';
import { openssl, pemToDer } from '../../../support/pki-openssl';

/*
 * Files people actually have (docs/contract.md §3.1, RFC 7468 §2/§3 lax parsing), made
 * with openssl here: each is read the same way by the upload rules, the
 * revocation request, the CRL import and the validate-chain CLI.
 */

// Key generation and the CLI child process are slow on a loaded machine.
jest.setTimeout(60_000);

const CLI = join(resolve(__dirname, '../../../..'), 'bin/validate-chain.ts');
const PASS = 'pass:changeit';
const BOM = '\ufeff';

let dir: string;
let rootPem: string;
let rootDer: Uint8Array;
let variants: Record<string, string>;

const key = (): string => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const bomCrlf = (text: string): string => BOM + text.replace(/\r?\n/g, '\r\n');
const trailingSpaces = (text: string): string => text.replace(/\n/g, '   \t\n');
const write = (name: string, content: string | Uint8Array): string => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};

/** Upload uses the real clock: the openssl certificates are valid from now on. */
const assess = (content: string | Uint8Array): AcceptedRoot | string => {
  try {
    return assessRootCertificateUpload(Buffer.from(content), new Date());
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
};
const revocationCode = (certificate: string): string => {
  try {
    parseRevocationRequest({ certificate });
    return 'accepted';
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'real-world-pem-'));
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'root.key',
      '-out',
      'root.crt',
      '-days',
      '3650',
      '-subj',
      '/CN=Real World Root',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  rootPem = readFileSync(join(dir, 'root.crt'), 'utf8');
  rootDer = pemToDer(rootPem);
  openssl(['pkcs12', '-export', '-in', 'root.crt', '-inkey', 'root.key', '-out', 'root.p12', '-passout', PASS], dir);
  const pkcs12NoKeys = openssl(['pkcs12', '-in', 'root.p12', '-nokeys', '-passin', PASS], dir);
  const x509Text = openssl(['x509', '-in', 'root.crt', '-text'], dir);
  variants = {
    'openssl pkcs12 -nokeys (Bag Attributes, subject=, issuer=)': pkcs12NoKeys,
    'openssl x509 -text (the text dump before the block)': x509Text,
    'a UTF-8 byte-order mark and CRLF line ends (Notepad)': bomCrlf(rootPem),
    'trailing spaces and tabs': trailingSpaces(rootPem),
    'the pkcs12 export saved by Notepad with trailing spaces': bomCrlf(trailingSpaces(pkcs12NoKeys)),
    'base64 wrapped at 76 columns': rootPem
      .replace(/\n(?!-----END)/g, '')
      .replace(/(-----BEGIN CERTIFICATE-----)(.*)(-----END)/s, (_m, b, body: string, e) => `${b}\n${body.replace(/.{1,76}/g, '$&\n')}${e}`),
  };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('real-world PEM files', () => {
  it('the variants really carry what they are named for', () => {
    expect(variants['openssl pkcs12 -nokeys (Bag Attributes, subject=, issuer=)']).toMatch(
      /^Bag Attributes[\s\S]*subject=[\s\S]*issuer=[\s\S]*-----BEGIN CERTIFICATE-----/,
    );
    expect(variants['openssl x509 -text (the text dump before the block)']).toMatch(
      /^Certificate:\n[\s\S]*Signature Algorithm[\s\S]*-----BEGIN CERTIFICATE-----/,
    );
    expect(variants['a UTF-8 byte-order mark and CRLF line ends (Notepad)']).toMatch(/^\ufeff-----BEGIN CERTIFICATE-----\r\n/);
  });

  it.each([
    'openssl pkcs12 -nokeys (Bag Attributes, subject=, issuer=)',
    'openssl x509 -text (the text dump before the block)',
    'a UTF-8 byte-order mark and CRLF line ends (Notepad)',
    'trailing spaces and tabs',
    'the pkcs12 export saved by Notepad with trailing spaces',
    'base64 wrapped at 76 columns',
  ])('%s: uploads, revokes and reads in the CLI as the plain PEM does', (name) => {
    const text = variants[name];
    const fingerprint = createHash('sha256').update(rootDer).digest('hex');
    expect(assess(Buffer.from(text, 'utf8'))).toMatchObject({ fingerprint, der: rootDer });
    expect(revocationCode(text)).toBe('accepted');
    expect(decodePemCertificates(Buffer.from(text, 'utf8'))).toEqual({ ok: true, certificates: [rootDer] });
  });

  describe('every refusal still holds', () => {
    const csr = (): string => {
      openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'csr.key', '-out', 'r.csr', '-subj', '/CN=x'], dir);
      return readFileSync(join(dir, 'r.csr'), 'utf8');
    };
    const body = (): string => rootPem.split('\n').slice(1, -2).join('\n');
    const cases: [string, string, () => string | Uint8Array][] = [
      ['the pkcs12 export with its key (no -nokeys)', 'private_key_not_allowed', () => openssl(['pkcs12', '-in', 'root.p12', '-nodes', '-passin', PASS], dir)],
      ['a private key after the certificate', 'private_key_not_allowed', () => `${variants['openssl x509 -text (the text dump before the block)']}${key()}`],
      ['a private key after a truncated certificate', 'private_key_not_allowed', () => `${rootPem.slice(0, 200)}\n${key()}`],
      ['a CSR after the certificate', 'csr_not_allowed', () => `${rootPem}${csr()}`],
      ['a CSR saved by Notepad', 'csr_not_allowed', () => bomCrlf(csr())],
      ['two certificates', 'single_certificate_required', () => `${variants['openssl pkcs12 -nokeys (Bag Attributes, subject=, issuer=)']}${rootPem}`],
      ['DER bytes', 'pem_required', () => rootDer],
      ['DER bytes after a byte-order mark', 'pem_required', () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), rootDer])],
      [
        'base64url characters',
        'pem_required',
        () => `-----BEGIN CERTIFICATE-----\n${body().replace(/\+/g, '-').replace(/\//g, '_').replace(/=/g, '')}\n-----END CERTIFICATE-----\n`,
      ],
      ['a truncated block', 'pem_required', () => `${rootPem.slice(0, rootPem.length - 60)}\n-----END CERTIFICATE-----\n`],
      ['a BEGIN without END', 'pem_required', () => rootPem.replace('-----END CERTIFICATE-----', '')],
      ['an END of another label', 'pem_required', () => rootPem.replace('-----END CERTIFICATE-----', '-----END X509 CRL-----')],
      ['a public key', 'pem_required', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string],
    ];

    it.each(cases)('%s: refused on upload and in a revocation (%s), and by the CLI reader', (_name, code, make) => {
      const input = make();
      expect(assess(input)).toBe(code);
      if (typeof input === 'string') expect(revocationCode(input)).toBe(code);
      // The CLI reads bundles (a chain, a pool): several certificates are its normal input.
      if (code !== 'single_certificate_required') expect(decodePemCertificates(Buffer.from(input))).toMatchObject({ ok: false });
    });
  });

  it('a CRL made by openssl imports with text around it, a byte-order mark and CRLF; its refusals keep their crl_* codes', () => {
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'ca.cnf'), `[ca]\ndefault_ca=d\n[d]\ndatabase=${join(dir, 'index.txt')}\ndefault_md=sha256\ndefault_crl_days=30\n`);
    openssl(['ca', '-config', 'ca.cnf', '-gencrl', '-keyfile', 'root.key', '-cert', 'root.crt', '-out', 'crl.pem'], dir);
    const crlPem = readFileSync(join(dir, 'crl.pem'), 'utf8');
    const crlText = openssl(['crl', '-in', 'crl.pem', '-text'], dir);
    const der = decodeCrlInput(new Uint8Array(Buffer.from(crlPem)));
    expect(der[0]).toBe(0x30);
    for (const variant of [crlText, bomCrlf(crlText), trailingSpaces(crlPem)]) {
      expect(decodeCrlInput(new Uint8Array(Buffer.from(variant, 'utf8')))).toEqual(der);
    }
    const codeOf = (text: string): string => {
      try {
        decodeCrlInput(new Uint8Array(Buffer.from(text)));
        return 'accepted';
      } catch (error) {
        return (error as { code: string }).code;
      }
    };
    expect(codeOf(`${crlText}${key()}`)).toBe('crl_private_key_not_allowed');
    expect(codeOf(bomCrlf(rootPem))).toBe('crl_is_certificate');
    expect(codeOf(`${crlPem}${crlText}`)).toBe('crl_multiple_not_allowed');
    expect(codeOf(crlPem.replace('-----END X509 CRL-----', ''))).toBe('crl_malformed');
    // A base64url character in place of the body's first character (always there; a '+' or '/' may not be).
    expect(codeOf(crlPem.replace(/(-----BEGIN X509 CRL-----\r?\n)./, '$1_'))).toBe('crl_malformed');
  });

  it('the validate-chain CLI accepts a pkcs12 export as --trusted and an x509 -text dump saved by Notepad as --chain', () => {
    openssl(
      ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'device.key', '-out', 'device.csr', '-subj', '/CN=device-1'],
      dir,
    );
    openssl(['x509', '-req', '-in', 'device.csr', '-CA', 'root.crt', '-CAkey', 'root.key', '-CAcreateserial', '-out', 'device.crt', '-days', '30'], dir);
    const trusted = write('trusted.pem', variants['the pkcs12 export saved by Notepad with trailing spaces']);
    const chain = write('chain.pem', bomCrlf(openssl(['x509', '-in', 'device.crt', '-text'], dir)));
    const run = spawnSync(process.execPath, ['--import', 'tsx', CLI, '--trusted', trusted, '--chain', chain], { encoding: 'utf8', timeout: 60_000 });
    expect(JSON.parse(run.stdout)).toMatchObject({ valid: true, code: 'ok' });
    expect(run.status).toBe(0);

    const withKey = write('with-key.pem', `${rootPem}${readFileSync(join(dir, 'device.key'), 'utf8')}`);
    const refused = spawnSync(process.execPath, ['--import', 'tsx', CLI, '--trusted', withKey, '--chain', chain], { encoding: 'utf8', timeout: 60_000 });
    expect(JSON.parse(refused.stdout)).toMatchObject({ valid: false, code: 'usage', detail: expect.stringContaining('PRIVATE KEY') });
    expect(refused.status).toBe(2);
  });
});
