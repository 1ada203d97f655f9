import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeIntermediate, makeLeaf, makeRoot, TEST_NOW, type TestCertificate } from '../../support/pki';
import { type OpensslRecipe, runOpensslRecipe } from '../../support/pki-openssl';
import { makeCrl, toPemCrl } from '../revocation/crl-builder';
import { type OpensslCa, startOpensslCa } from '../revocation/openssl-ca';
import { certificatePolicies, nameConstraints, policyConstraints } from './extension-builders';

// Key generation (RSA-4096, OpenSSL) and child processes are slow on a loaded machine.
jest.setTimeout(60_000);

const REPO = resolve(__dirname, '../../..');
const CLI = join(REPO, 'bin/validate-chain.ts');

type CliResult = { status: number | null; stdout: string; lines: string[]; json: Record<string, unknown> };

/**
 * Runs the CLI the way `npm run -s validate-chain -- ...` does (tsx), in a
 * child process. npm runs it in the package root and says in INIT_CWD where
 * the operator stands; `callerDir` plays that part.
 */
function cliFrom(callerDir: string | undefined, ...args: string[]): CliResult {
  const { INIT_CWD: _inherited, ...env } = process.env;
  const run = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: REPO,
    env: callerDir === undefined ? env : { ...env, INIT_CWD: callerDir },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const lines = run.stdout.split('\n').filter((l) => l !== '');
  let json: Record<string, unknown> = {};
  if (lines.length === 1) {
    try {
      json = JSON.parse(lines[0]);
    } catch {
      // --help prints text
    }
  }
  return { status: run.status, stdout: run.stdout, lines, json };
}
const cli = (...args: string[]): CliResult => cliFrom(undefined, ...args);

describe('bin/validate-chain.ts', () => {
  let dir: string;
  let root: TestCertificate;
  let intermediate: TestCertificate;
  let recipe: OpensslRecipe;
  const file = (name: string, content: string): string => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };
  const at = TEST_NOW.toISOString();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'validate-chain-cli-'));
    root = await makeRoot();
    intermediate = await makeIntermediate(root);
    recipe = await runOpensslRecipe({ caKeyBits: 2048 });
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    recipe?.cleanup();
  });

  it('accepts the docs/contract.md §5 recipe files as they are (exit 0, one JSON line)', () => {
    const result = cli('--trusted', join(recipe.dir, 'root-ca.crt'), '--chain', join(recipe.dir, 'device.chain.crt'));
    expect(result.status).toBe(0);
    expect(result.lines).toHaveLength(1);
    expect(result.json).toEqual({ valid: true, code: 'ok', detail: expect.stringContaining('CN=device-id-or-asset-id') });
    expect(result.json.detail).toContain("trust anchor 'CN=Root CA");
  });

  it('takes the validation time from --at', async () => {
    const leaf = await makeLeaf(intermediate, { notAfter: new Date('2030-01-01T00:00:00Z') });
    const chain = file('expiring.pem', leaf.pem + intermediate.pem);
    const trusted = file('root.pem', root.pem);
    expect(cli('--trusted', trusted, '--chain', chain, '--at', '2029-12-31T00:00:00Z')).toMatchObject({ status: 0, json: { valid: true } });
    expect(cli('--trusted', trusted, '--chain', chain, '--at', at)).toMatchObject({
      status: 1,
      json: { valid: false, code: 'certificate_expired', detail: expect.stringContaining('leaf') },
    });
  });

  it('exits 1 with the error code for an invalid chain', async () => {
    const rogue = await makeLeaf(await makeLeaf(intermediate, { basicConstraints: 'absent' }));
    const chain = file('untrusted.pem', rogue.pem);
    expect(cli('--trusted', file('root2.pem', root.pem), '--chain', chain, '--at', at)).toMatchObject({
      status: 1,
      json: { valid: false, code: 'untrusted_root' },
    });
  });

  it('reports name-constraint and policy refusals with their codes', async () => {
    const store42 = await makeIntermediate(root, { cn: 'Store 42 CA', extensions: [nameConstraints({ permitted: [{ directory: [['O', 'Store 42']] }] })] });
    const trusted = file('nc-root.pem', root.pem);
    const inStore = file('nc-ok.pem', (await makeLeaf(store42, { o: 'Store 42' })).pem + store42.pem);
    const elsewhere = file('nc-refused.pem', (await makeLeaf(store42, { o: 'Store 7' })).pem + store42.pem);
    expect(cli('--trusted', trusted, '--chain', inStore, '--at', at)).toMatchObject({ status: 0, json: { valid: true, code: 'ok' } });
    expect(cli('--trusted', trusted, '--chain', elsewhere, '--at', at)).toMatchObject({
      status: 1,
      json: { valid: false, code: 'name_not_permitted', detail: expect.stringContaining("subject 'CN=device-001,O=Store 7'") },
    });
    const explicit = await makeIntermediate(root, {
      cn: 'Explicit CA',
      extensions: [certificatePolicies(['1.3.6.1.4.1.55555.1']), policyConstraints({ requireExplicitPolicy: 0 })],
    });
    const noPolicy = file('no-policy.pem', (await makeLeaf(explicit)).pem + explicit.pem);
    expect(cli('--trusted', trusted, '--chain', noPolicy, '--at', at)).toMatchObject({ status: 1, json: { valid: false, code: 'no_valid_policy' } });
  });

  it('accepts several trusted roots, in one file or repeated --trusted', async () => {
    const other = await makeRoot({ cn: 'Other Root' });
    const chain = file('chain.pem', (await makeLeaf(intermediate)).pem + intermediate.pem);
    expect(cli('--trusted', file('both.pem', other.pem + root.pem), '--chain', chain, '--at', at).status).toBe(0);
    expect(cli('--trusted', file('other.pem', other.pem), '--trusted', file('root3.pem', root.pem), '--chain', chain, '--at', at).status).toBe(0);
  });

  it('--help prints the usage with every option to stdout and exits 0', () => {
    const result = cli('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: validate-chain /);
    for (const option of ['--trusted', '--chain', '--untrusted', '--crl', '--require-crl', '--at', '--help']) expect(result.stdout).toContain(option);
    expect(cli('--trusted', 'x.pem', '--help')).toMatchObject({ status: 0, json: {} });
  });

  it("reads relative paths from the caller's directory (INIT_CWD), not from the package root", () => {
    const relative = (name: string) => join('.', name);
    writeFileSync(join(dir, 'relative-root.pem'), readFileSync(join(recipe.dir, 'root-ca.crt')));
    writeFileSync(join(dir, 'relative-chain.pem'), readFileSync(join(recipe.dir, 'device.chain.crt')));
    expect(cliFrom(dir, '--trusted', relative('relative-root.pem'), '--chain', relative('relative-chain.pem'))).toMatchObject({
      status: 0,
      json: { valid: true },
    });
    // The package root has no such files: without INIT_CWD the same arguments are read from the process directory.
    expect(cli('--trusted', relative('relative-root.pem'), '--chain', relative('relative-chain.pem'))).toMatchObject({
      status: 2,
      json: { code: 'usage', detail: expect.stringContaining(join(REPO, 'relative-root.pem')) },
    });
    const missing = cliFrom(dir, '--trusted', 'relative-root.pem', '--chain', 'nowhere.pem');
    expect(missing).toMatchObject({ status: 2, json: { code: 'usage', detail: expect.stringContaining(join(dir, 'nowhere.pem')) } });
  });

  describe('--untrusted: an unordered pool of intermediates', () => {
    let deep: TestCertificate;
    let device: TestCertificate;
    let deviceFile: string;
    let trusted: string;

    beforeAll(async () => {
      deep = await makeIntermediate(intermediate, { cn: 'Issuing CA' });
      device = await makeLeaf(deep, { cn: 'pooled-device' });
      deviceFile = file('pooled-device.pem', device.pem);
      trusted = file('pooled-root.pem', root.pem);
    });

    it('builds the path through intermediates given in any order, across files, with unrelated ones among them', async () => {
      const stranger = await makeIntermediate(await makeRoot({ cn: 'Stranger Root' }), { cn: 'Stranger CA' });
      const pool = file('pool.pem', intermediate.pem + stranger.pem);
      expect(
        cliFrom(
          dir,
          '--trusted',
          'pooled-root.pem',
          '--chain',
          'pooled-device.pem',
          '--untrusted',
          'pool.pem',
          '--untrusted',
          file('deep.pem', deep.pem),
          '--at',
          at,
        ),
      ).toMatchObject({
        status: 0,
        json: { valid: true, detail: expect.stringContaining('(4 certificates)') },
      });
      // The same certificates as an x5c in the wrong order are refused without --untrusted.
      const misordered = file('misordered.pem', readFileSync(deviceFile, 'utf8') + intermediate.pem + deep.pem);
      expect(cli('--trusted', trusted, '--chain', misordered, '--at', at)).toMatchObject({ status: 1, json: { valid: false } });
      expect(cli('--trusted', trusted, '--chain', misordered, '--untrusted', pool, '--at', at)).toMatchObject({ status: 0, json: { valid: true } });
    });

    it('refuses when the pool lacks an intermediate of the path, and checks CRLs of the pooled issuers', async () => {
      expect(cli('--trusted', trusted, '--chain', deviceFile, '--untrusted', file('half-pool.pem', deep.pem), '--at', at)).toMatchObject({
        status: 1,
        json: { valid: false },
      });
      const pool = file('full-pool.pem', deep.pem + intermediate.pem);
      const serial = device.certificate.serialNumber.valueBlock.valueHexView;
      const deepCrl = file('deep.crl', toPemCrl(await makeCrl({ issuer: deep, entries: [{ serial, reason: 1 }] })));
      const intermediateCrl = file('pooled-intermediate.crl', toPemCrl(await makeCrl({ issuer: intermediate })));
      const rootCrl = file('pooled-root.crl', toPemCrl(await makeCrl({ issuer: root })));
      expect(
        cli(
          '--trusted',
          trusted,
          '--chain',
          deviceFile,
          '--untrusted',
          pool,
          '--crl',
          deepCrl,
          '--crl',
          intermediateCrl,
          '--crl',
          rootCrl,
          '--require-crl',
          '--at',
          at,
        ),
      ).toMatchObject({
        status: 1,
        json: { valid: false, code: 'certificate_revoked', detail: expect.stringContaining('reason keyCompromise') },
      });
      expect(
        cli('--trusted', trusted, '--chain', deviceFile, '--untrusted', pool, '--crl', intermediateCrl, '--crl', rootCrl, '--require-crl', '--at', at),
      ).toMatchObject({
        status: 1,
        json: { code: 'crl_missing' },
      });
      expect(cli('--trusted', trusted, '--chain', deviceFile, '--untrusted', pool, '--crl', intermediateCrl, '--crl', rootCrl, '--at', at)).toMatchObject({
        status: 0,
      });
    });

    it('exits 2 on an unreadable --untrusted file or one without certificates', () => {
      expect(cli('--trusted', trusted, '--chain', deviceFile, '--untrusted', join(dir, 'absent.pem'))).toMatchObject({
        status: 2,
        json: { code: 'usage', detail: expect.stringContaining('ENOENT') },
      });
      expect(cli('--trusted', trusted, '--chain', deviceFile, '--untrusted', join(recipe.dir, 'device.key'))).toMatchObject({
        status: 2,
        json: { code: 'usage' },
      });
    });
  });

  describe('revocation (--crl, --require-crl)', () => {
    let ca: OpensslCa;
    let revoked: { path: string; serialHex: string };
    let kept: { path: string };
    let crl: string;
    let soon: string;

    beforeAll(() => {
      ca = startOpensslCa();
      revoked = ca.issue('device-revoked');
      kept = ca.issue('device-kept');
      ca.revoke(revoked.path, 'keyCompromise');
      crl = ca.gencrl('crl.pem', 24);
      soon = new Date(ca.generatedAt.getTime() + 60_000).toISOString();
    });
    afterAll(() => ca?.cleanup());

    it('refuses a device listed on an openssl-made CRL: certificate_revoked, exit 1', () => {
      expect(cli('--trusted', ca.rootPath, '--chain', revoked.path, '--crl', crl, '--at', soon)).toMatchObject({
        status: 1,
        json: { valid: false, code: 'certificate_revoked', detail: expect.stringContaining(`(serial ${revoked.serialHex})`) },
      });
    });

    it('accepts a device the CRL does not list, also with --require-crl and a DER CRL (exit 0)', () => {
      const der = file('crl.der', '');
      writeFileSync(der, pemToDer(readFileSync(crl, 'utf8')));
      expect(cli('--trusted', ca.rootPath, '--chain', kept.path, '--crl', crl, '--at', soon)).toMatchObject({ status: 0, json: { valid: true, code: 'ok' } });
      expect(cli('--trusted', ca.rootPath, '--chain', kept.path, '--crl', der, '--require-crl', '--at', soon)).toMatchObject({
        status: 0,
        json: { valid: true, detail: expect.stringContaining('not revoked (1 CRL(s))') },
      });
    });

    it('refuses a CRL already stale at --at: crl_expired, exit 1', () => {
      const later = new Date(ca.generatedAt.getTime() + 25 * 3_600_000).toISOString();
      expect(cli('--trusted', ca.rootPath, '--chain', kept.path, '--crl', crl, '--at', later)).toMatchObject({
        status: 1,
        json: { valid: false, code: 'crl_expired', detail: expect.stringContaining(crl) },
      });
    });

    it('refuses a path without a CRL when --require-crl is given: crl_missing, exit 1', () => {
      expect(cli('--trusted', ca.rootPath, '--chain', kept.path, '--at', soon)).toMatchObject({ status: 0, json: { valid: true } });
      expect(cli('--trusted', ca.rootPath, '--chain', kept.path, '--require-crl', '--at', soon)).toMatchObject({
        status: 1,
        json: { valid: false, code: 'crl_missing', detail: expect.stringContaining("no CRL of 'CN=OpenSSL CRL Root'") },
      });
    });

    it('prints the import code of an unusable CRL: a certificate given as --crl, a CRL of another CA', () => {
      expect(cli('--trusted', ca.rootPath, '--chain', kept.path, '--crl', kept.path, '--at', soon)).toMatchObject({
        status: 1,
        json: { valid: false, code: 'crl_is_certificate' },
      });
      const other = startOpensslCa('Another Root');
      try {
        const foreign = other.gencrl('foreign.pem', 24);
        expect(cli('--trusted', ca.rootPath, '--chain', kept.path, '--crl', foreign, '--at', soon)).toMatchObject({
          status: 1,
          json: { valid: false, code: 'crl_issuer_unknown' },
        });
      } finally {
        other.cleanup();
      }
    });

    it("imports an intermediate's CRL with the chain above it, and a root's CRL, from the files given", async () => {
      const leaf = await makeLeaf(intermediate, { cn: 'device-on-intermediate' });
      const serial = leaf.certificate.serialNumber.valueBlock.valueHexView;
      const chainFile = file('intermediate-chain.pem', leaf.pem + intermediate.pem);
      const trusted = file('root-crl-test.pem', root.pem);
      const intermediateCrl = file('intermediate.crl', toPemCrl(await makeCrl({ issuer: intermediate, entries: [{ serial, reason: 1 }] })));
      const rootCrl = file('root.crl', toPemCrl(await makeCrl({ issuer: root })));
      expect(cli('--trusted', trusted, '--chain', chainFile, '--crl', intermediateCrl, '--crl', rootCrl, '--require-crl', '--at', at)).toMatchObject({
        status: 1,
        json: { valid: false, code: 'certificate_revoked', detail: expect.stringContaining('reason keyCompromise') },
      });
      const emptyCrl = file('intermediate-empty.crl', toPemCrl(await makeCrl({ issuer: intermediate, crlNumber: 2n })));
      expect(cli('--trusted', trusted, '--chain', chainFile, '--crl', emptyCrl, '--crl', rootCrl, '--require-crl', '--at', at)).toMatchObject({ status: 0 });
      expect(cli('--trusted', trusted, '--chain', chainFile, '--crl', emptyCrl, '--require-crl', '--at', at)).toMatchObject({
        status: 1,
        json: { code: 'crl_missing', detail: expect.stringContaining('intermediate #1') },
      });
    });

    it('exits 2 on an unreadable --crl file', () => {
      expect(cli('--trusted', ca.rootPath, '--chain', kept.path, '--crl', join(dir, 'missing.crl'))).toMatchObject({
        status: 2,
        json: { code: 'usage', detail: expect.stringContaining('ENOENT') },
      });
    });
  });

  it.each([
    ['no arguments', []],
    ['a missing --chain', ['--trusted', 'x.pem']],
    ['an unknown flag', ['--trusted', 'x.pem', '--chain', 'y.pem', '--verbose']],
    ['a flag without value', ['--trusted', 'x.pem', '--chain']],
    ['a --crl without value', ['--trusted', 'x.pem', '--chain', 'y.pem', '--crl']],
    ['an --untrusted without value', ['--trusted', 'x.pem', '--chain', 'y.pem', '--untrusted']],
  ])('exits 2 with code "usage" on %s', (_, args) => {
    expect(cli(...args)).toMatchObject({ status: 2, json: { valid: false, code: 'usage' } });
  });

  it('exits 2 on an unreadable file, a non-certificate PEM or a bad --at', () => {
    const chain = file('c.pem', root.pem);
    expect(cli('--trusted', join(dir, 'missing.pem'), '--chain', chain)).toMatchObject({
      status: 2,
      json: { code: 'usage', detail: expect.stringContaining('ENOENT') },
    });
    expect(cli('--trusted', join(recipe.dir, 'device.key'), '--chain', chain)).toMatchObject({ status: 2, json: { code: 'usage' } });
    expect(cli('--trusted', chain, '--chain', chain, '--at', 'yesterday')).toMatchObject({ status: 2, json: { code: 'usage' } });
  });
});

function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[A-Z0-9 ]+-----/g, '').replace(/\s+/g, ''), 'base64');
}
