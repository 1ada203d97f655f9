import { main } from '../../../src/client/cli/main';
import { parseTokenCommand } from '../../../src/client/cli/token-command';

/* The device-idp command line, in process: help, usage errors (exit 2), path resolution, and local failures worded in one line. */

async function run(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await main(argv, env, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { status, stdout, stderr };
}

const TOKEN = ['token', '--token-endpoint', 'http://127.0.0.1:9/pools/p/oauth2/token', '--client-id', 'client'];

describe('device-idp CLI', () => {
  it.each([
    [['--help'], /^usage: device-idp <command>/],
    [[], /^usage: device-idp <command>/],
    [['token', '--help'], /^usage: device-idp token --token-endpoint URL --client-id ID/],
    [['ca', '--help'], /^usage: device-idp ca init --out DIR/],
    [['ca', 'init', '--help'], /^usage: device-idp ca init --out DIR/],
    [['ca', 'issue', '--help'], /^usage: device-idp ca issue --ca DIR --device-id ID --business-unit BU --out DIR/],
  ])('%j prints help and exits 0', async (argv, first) => {
    const result = await run(argv);
    expect(result).toMatchObject({ status: 0, stderr: '' });
    expect(result.stdout).toMatch(first);
  });

  it.each([
    ['no options', ['token'], '--token-endpoint is required'],
    ['no key material', [...TOKEN], 'give either --key with --chain, or --p12'],
    ['both --key/--chain and --p12', [...TOKEN, '--key', 'k', '--chain', 'c', '--p12', 'p'], 'give either --key with --chain, or --p12'],
    ['--key without --chain', [...TOKEN, '--key', 'k'], '--chain is required'],
    ['an unknown --form', [...TOKEN, '--p12', 'p', '--form', 'implicit'], '--form must be jwt-bearer or client-credentials'],
    ['--no-cache with --cache-dir', [...TOKEN, '--p12', 'p', '--no-cache', '--cache-dir', 'c'], '--no-cache and --cache-dir exclude each other'],
    ['--max-attempts 0', [...TOKEN, '--p12', 'p', '--max-attempts', '0'], '--max-attempts must be a whole number from 1 to 10'],
    ['--min-ttl soon', [...TOKEN, '--p12', 'p', '--min-ttl', 'soon'], '--min-ttl must be a whole number of seconds'],
    ['an unknown option', [...TOKEN, '--p12', 'p', '--colour'], "Unknown option '--colour'"],
    ['ca init without --out', ['ca', 'init'], '--out is required'],
    [
      'an unknown --key-type',
      ['ca', 'init', '--out', 'x', '--key-type', 'dsa-1024'],
      '--key-type must be one of rsa-2048, rsa-3072, rsa-4096, ec-p256, ec-p384',
    ],
    [
      '--days 0',
      ['ca', 'issue', '--ca', 'c', '--device-id', 'd', '--business-unit', 'b', '--out', 'o', '--days', '0'],
      '--days must be a whole number from 1 to 3650',
    ],
    ['ca sign', ['ca', 'sign'], 'unknown command "ca sign"'],
    ['login', ['login'], 'unknown command "login"'],
  ])('%s is a usage error: exit 2, the reason and the usage line on stderr', async (_name, argv, reason) => {
    const result = await run(argv);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toContain(reason);
    expect(result.stderr.split('\n')[1]).toMatch(/^usage: device-idp /);
  });

  it.each([['--passphrase', 'hunter2'], ['--passphrase=hunter2'], ['--password', 'hunter2']])(
    'refuses a passphrase given as an argument (%s), without echoing it',
    async (...secretArgs) => {
      for (const command of [
        [...TOKEN, '--p12', 'p'],
        ['ca', 'issue', '--ca', 'c', '--device-id', 'd', '--business-unit', 'b', '--out', 'o'],
      ]) {
        const result = await run([...command, ...secretArgs]);
        expect(result.status).toBe(2);
        expect(result.stderr).toMatch(/is not accepted: give the passphrase in a file \(--passphrase-file\) or in \$DEVICE_IDP_PASSPHRASE/);
        expect(result.stderr).not.toContain('hunter2');
      }
    },
  );

  it('resolves relative paths against INIT_CWD (where npm was run), and the cache under XDG_CACHE_HOME', () => {
    const command = parseTokenCommand([...TOKEN.slice(1), '--key', 'device.key', '--chain', '../pki/device.chain.crt', '--passphrase-file', 'pass.txt'], {
      INIT_CWD: '/home/ops/fleet',
      XDG_CACHE_HOME: '/var/cache/ops',
    });
    expect(command).toMatchObject({
      files: { kind: 'pem', key: '/home/ops/fleet/device.key', chain: '/home/ops/pki/device.chain.crt' },
      passphraseFile: '/home/ops/fleet/pass.txt',
      cacheDir: '/var/cache/ops/device-idp',
      form: 'jwt-bearer',
      json: false,
    });
    expect(parseTokenCommand([...TOKEN.slice(1), '--p12', '/abs/device.p12', '--no-cache'], { INIT_CWD: '/x' })).toMatchObject({
      files: { kind: 'pkcs12', p12: '/abs/device.p12' },
      cacheDir: undefined,
    });
  });

  it('a file it cannot read is one line with its code, exit 1; with --json also a JSON error on stdout', async () => {
    const plain = await run([...TOKEN, '--p12', '/nonexistent/device.p12']);
    expect(plain).toEqual({
      status: 1,
      stdout: '',
      stderr: 'device-idp: p12_unreadable: the PKCS#12 file could not be read (wrong passphrase, or not PKCS#12): /nonexistent/device.p12: ENOENT\n',
    });
    const json = await run([...TOKEN, '--p12', '/nonexistent/device.p12', '--json']);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ error: 'p12_unreadable', error_description: expect.stringContaining('ENOENT') });
  });
});
