import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { childEnvironment, type LocalIdpProcess, REPO_ROOT, startLocalIdpProcess } from '../../support/local-process';
import { adminClient, type EnvironmentInfo } from '../../support/test-idp';

/*
 * The device client and CA tooling as a platform team and a device use them:
 * `npm start` (npx tsx local/start.ts) as its own process, `device-idp ca
 * init` / `ca issue` for the PKI, the admin API over HTTP, and `device-idp
 * token` run as a subprocess through the package's bin (bin/device-idp.mjs),
 * with --key/--chain and with --p12, in both request forms.
 */

jest.setTimeout(120_000);

const BIN = join(REPO_ROOT, 'bin/device-idp.mjs');

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

describe('device-idp against npm start', () => {
  const adminKey = randomBytes(24).toString('base64url');
  let work: string;
  let dataDir: string;
  let idp: LocalIdpProcess | undefined;
  let env: EnvironmentInfo;
  let admin: ReturnType<typeof adminClient>;
  let cachedToken: string;

  /** Runs `device-idp` as npm's bin link would: node on bin/device-idp.mjs, in `cwd` (default: the work folder). */
  function cli(args: string[], options: { cwd?: string; env?: Record<string, string>; command?: string[] } = {}): Promise<CliResult> {
    const { INIT_CWD: _i, DEVICE_IDP_PASSPHRASE: _p, ...inherited } = process.env;
    const [file, ...prefix] = options.command ?? [process.execPath, BIN];
    const child = spawn(file, [...prefix, ...args], {
      cwd: options.cwd ?? work,
      env: { ...inherited, XDG_CACHE_HOME: join(work, 'xdg-cache'), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    return new Promise((done) => child.on('close', (status) => done({ status, stdout, stderr })));
  }

  const tokenArgs = (...rest: string[]) => ['token', '--token-endpoint', env.tokenEndpoint, '--client-id', 'client', ...rest];
  const devicePath = (deviceId: string) => `/api/internal/org/${env.orgId}/env/${env.envId}/device/${deviceId}`;
  const der = (path: string) => Buffer.from(readFileSync(join(work, path), 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');

  async function verifiedClaims(accessToken: string) {
    const { payload, protectedHeader } = await jwtVerify(accessToken, createRemoteJWKSet(new URL(env.jwksUri)), { issuer: env.issuer, audience: env.issuer });
    expect(protectedHeader.typ).toBe('at+jwt');
    return payload;
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'device-idp-cli-'));
    dataDir = mkdtempSync(join(tmpdir(), 'device-idp-cli-data-'));
    // The CA (RSA-4096 keys, as the recipe) is made while the IDP starts.
    const [started, init] = await Promise.all([
      startLocalIdpProcess({ env: childEnvironment({ PORT: '0', IDP_DATA_DIR: dataDir, IDP_ADMIN_API_KEY: adminKey }) }),
      cli(['ca', 'init', '--out', 'ca', '--organization', 'Acme Retail', '--country', 'DE']),
    ]);
    idp = started;
    admin = adminClient(idp.baseUrl, adminKey);
    expect(init).toMatchObject({ status: 0, stderr: '' });
    expect(init.stdout).toMatch(/root fingerprint \(SHA-256\): [0-9a-f]{64}\n$/);
  }, 300_000);

  afterAll(async () => {
    await idp?.stop(2_000);
    if (work) rmSync(work, { recursive: true, force: true });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('ca issue writes the recipe files; OpenSSL 3 reads device.p12 with the passphrase file', async () => {
    writeFileSync(join(work, 'p12-pass.txt'), 'till one passphrase\n', { mode: 0o600 });
    const [v3, recipe, stranger] = await Promise.all([
      cli(['ca', 'issue', '--ca', 'ca', '--device-id', 'till-1', '--business-unit', 'Store 12', '--out', 'till-1', '--passphrase-file', 'p12-pass.txt']),
      cli(['ca', 'issue', '--ca', 'ca', '--device-id', 'till-recipe', '--business-unit', 'Business Unit ID', '--out', 'till-recipe', '--recipe']),
      cli([
        'ca',
        'issue',
        '--ca',
        'ca',
        '--device-id',
        'till-stranger',
        '--business-unit',
        'Store 12',
        '--out',
        'till-stranger',
        '--key-type',
        'ec-p256',
        '--passphrase-file',
        'p12-pass.txt',
      ]),
    ]);
    expect(v3).toEqual({
      status: 0,
      stderr: '',
      stdout: ['device.key', 'device.crt', 'device.chain.crt', 'device.p12'].map((f) => `${join(work, 'till-1', f)}\n`).join(''),
    });
    expect(recipe.status).toBe(0);
    expect(recipe.stderr).toBe(`device-idp: the device.p12 passphrase was generated into ${join(work, 'till-recipe', 'device.p12.passphrase')}\n`);
    expect(stranger.status).toBe(0);

    const p12Certificates = execFileSync('openssl', ['pkcs12', '-in', 'till-1/device.p12', '-nokeys', '-passin', 'file:p12-pass.txt'], {
      cwd: work,
      encoding: 'utf8',
    });
    expect(p12Certificates.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(3);
    const generated = execFileSync('openssl', ['pkcs12', '-in', 'till-recipe/device.p12', '-nokeys', '-passin', 'file:till-recipe/device.p12.passphrase'], {
      cwd: work,
      encoding: 'utf8',
    });
    expect(generated.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(3);

    const v3Text = execFileSync('openssl', ['x509', '-in', 'till-1/device.crt', '-noout', '-text'], { cwd: work, encoding: 'utf8' });
    expect(v3Text).toMatch(/Version: 3 \(0x2\)/);
    expect(v3Text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\n/);
    expect(v3Text).toMatch(/X509v3 Extended Key Usage: \s*\n\s+TLS Web Client Authentication\n/);
    const recipeText = execFileSync('openssl', ['x509', '-in', 'till-recipe/device.crt', '-noout', '-text'], { cwd: work, encoding: 'utf8' });
    expect(recipeText).toMatch(/Version: 1 \(0x0\)/);
    expect(recipeText).toMatch(/Subject: C = DE, ST = State, L = City, O = Business Unit ID, CN = till-recipe/);
    expect(recipeText).not.toMatch(/X509v3/);
    expect(execFileSync('openssl', ['x509', '-in', 'ca/intermediate-ca.crt', '-noout', '-text'], { cwd: work, encoding: 'utf8' })).toMatch(
      /CA:TRUE, pathlen:0/,
    );
  });

  it('the platform team uploads root-ca.crt and binds two devices with the device scope', async () => {
    env = await admin.createEnvironment('acme', 'prod');
    const form = new FormData();
    form.append('certificate', new Blob([readFileSync(join(work, 'ca/root-ca.crt'))]), 'root-ca.crt');
    const upload = await admin.request(`/api/internal/${env.clientPoolId}/certificates`, { method: 'POST', body: form });
    expect(upload.status).toBe(201);
    for (const deviceId of ['till-1', 'till-recipe']) {
      const binding = await admin.request(`${devicePath(deviceId)}/app`, { method: 'POST', json: { clientAppId: 'client', scopes: ['device'] } });
      expect(binding.status).toBe(201);
    }
  });

  it('token --key --chain (form 1) prints an access token that verifies against the pool JWKS', async () => {
    const result = await cli(tokenArgs('--key', 'till-1/device.key', '--chain', 'till-1/device.chain.crt', '--no-cache'));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(await verifiedClaims(result.stdout.trim())).toMatchObject({
      sub: 'till-1',
      client_id: 'client',
      scope: 'device',
      business_unit_id: 'Store 12',
      cnf: { 'x5t#S256': createHash('sha256').update(der('till-1/device.crt')).digest('base64url') },
    });
  });

  it('token --p12 --passphrase-file --form client-credentials --json prints the token response', async () => {
    const result = await cli(
      tokenArgs('--p12', 'till-1/device.p12', '--passphrase-file', 'p12-pass.txt', '--form', 'client-credentials', '--json', '--no-cache'),
    );
    expect(result).toMatchObject({ status: 0, stderr: '' });
    const json = JSON.parse(result.stdout);
    expect(json).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: expect.any(Number),
      expires_at: expect.any(Number),
      scope: 'device',
      cached: false,
    });
    expect(json.expires_in).toBeGreaterThan(3590);
    expect(json.expires_in).toBeLessThanOrEqual(3600);
    expect(await verifiedClaims(json.access_token)).toMatchObject({ sub: 'till-1', client_id: 'client' });
  });

  it('the --recipe device (X.509 v1) gets a token too: its p12 passphrase from $DEVICE_IDP_PASSPHRASE, relative paths from INIT_CWD', async () => {
    const passphrase = readFileSync(join(work, 'till-recipe/device.p12.passphrase'), 'utf8').trim();
    const result = await cli(tokenArgs('--p12', 'till-recipe/device.p12', '--no-cache'), {
      cwd: REPO_ROOT,
      env: { INIT_CWD: work, DEVICE_IDP_PASSPHRASE: passphrase },
    });
    expect(result).toMatchObject({ status: 0, stderr: '' });
    expect(await verifiedClaims(result.stdout.trim())).toMatchObject({ sub: 'till-recipe', business_unit_id: 'Business Unit ID' });
  });

  it('caches the token (0600) and answers the next call from the cache, without a token request', async () => {
    const args = tokenArgs('--key', 'till-1/device.key', '--chain', 'till-1/device.chain.crt', '--cache-dir', 'token-cache', '--json');
    const first = await cli(args);
    expect(first.status).toBe(0);
    const firstJson = JSON.parse(first.stdout);
    expect(firstJson.cached).toBe(false);
    const files = readdirSync(join(work, 'token-cache'));
    expect(files).toHaveLength(1);
    expect(lstatSync(join(work, 'token-cache', files[0])).mode & 0o777).toBe(0o600);
    expect(lstatSync(join(work, 'token-cache')).mode & 0o777).toBe(0o700);
    const lastSeen = async () => ((await (await admin.request(devicePath('till-1'))).json()) as { provisioning: { lastSeen: string } }).provisioning.lastSeen;
    const seenAfterFirst = await lastSeen();

    const second = await cli(args);
    expect(second.status).toBe(0);
    const secondJson = JSON.parse(second.stdout);
    expect(secondJson).toMatchObject({ access_token: firstJson.access_token, cached: true, expires_at: firstJson.expires_at });
    // Every token the IDP issues is a new JWT and refreshes the device's lastSeen: neither happened.
    expect(await lastSeen()).toBe(seenAfterFirst);
    cachedToken = firstJson.access_token;
  });

  it('a device without a binding is refused: one line with the OAuth error and the stable code, exit 1', async () => {
    const formOne = await cli(tokenArgs('--p12', 'till-stranger/device.p12', '--passphrase-file', 'p12-pass.txt', '--no-cache'));
    expect(formOne.status).toBe(1);
    expect(formOne.stdout).toBe('');
    expect(formOne.stderr).toMatch(
      /^device-idp: token refused: invalid_grant \[binding_not_found\] \(HTTP 400\): the assertion was refused: [^\n]*Server: binding_not_found: [^\n]+\n$/,
    );

    const formTwo = await cli(
      tokenArgs('--p12', 'till-stranger/device.p12', '--passphrase-file', 'p12-pass.txt', '--no-cache', '--form', 'client-credentials', '--json'),
    );
    expect(formTwo.status).toBe(1);
    expect(formTwo.stderr).toMatch(/^device-idp: token refused: invalid_client \[binding_not_found\] \(HTTP 401\): client authentication failed[^\n]+\n$/);
    expect(JSON.parse(formTwo.stdout)).toEqual({
      error: 'invalid_client',
      code: 'binding_not_found',
      error_description: expect.stringMatching(/^binding_not_found: /),
      status: 401,
    });
  });

  it('a wrong passphrase and a wrong client id are named as such', async () => {
    writeFileSync(join(work, 'wrong-pass.txt'), 'not it\n');
    const wrong = await cli(tokenArgs('--p12', 'till-1/device.p12', '--passphrase-file', 'wrong-pass.txt', '--no-cache'));
    expect(wrong).toEqual({
      status: 1,
      stdout: '',
      stderr: 'device-idp: p12_unreadable: the PKCS#12 file could not be read (wrong passphrase, or not PKCS#12): wrong passphrase (the MAC does not verify)\n',
    });
    const otherClient = await cli([
      'token',
      '--token-endpoint',
      env.tokenEndpoint,
      '--client-id',
      'billing',
      '--key',
      'till-1/device.key',
      '--chain',
      'till-1/device.chain.crt',
      '--no-cache',
    ]);
    expect(otherClient.status).toBe(1);
    expect(otherClient.stderr).toMatch(/^device-idp: token refused: invalid_grant \[binding_not_found\]/);
  });

  it('npx device-idp works from the clone', async () => {
    const result = await cli(['device-idp', 'ca', 'issue', '--help'], { cwd: REPO_ROOT, command: ['npx', '--offline'] });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: device-idp ca issue --ca DIR --device-id ID --business-unit BU --out DIR/);
  });

  it('once the IDP is gone, the cached token is still served; an uncached request is unreachable (exit 75)', async () => {
    await idp!.stop(5_000);
    const cached = await cli(tokenArgs('--key', 'till-1/device.key', '--chain', 'till-1/device.chain.crt', '--cache-dir', 'token-cache'));
    expect(cached).toEqual({ status: 0, stdout: `${cachedToken}\n`, stderr: '' });
    const uncached = await cli(tokenArgs('--key', 'till-1/device.key', '--chain', 'till-1/device.chain.crt', '--no-cache', '--max-attempts', '1'));
    expect(uncached.status).toBe(75);
    expect(uncached.stderr).toMatch(
      /^device-idp: token_endpoint_unreachable: the token endpoint could not be reached: http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\n$/,
    );
  });
});
