import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVICE_PY, RECIPE, VERIFY_PY } from '../../support/device-seed-kit';
import { childEnvironment, type LocalIdpProcess, startLocalIdpProcess } from '../../support/local-process';

/*
 * The canonical flow, driven exactly as a platform team and a device drive it:
 * `npm start` (npx tsx local/start.ts) as its own process, the docs/contract.md §5 openssl
 * recipe, curl for the admin API and the token request, and a device that
 * signs its own assertion with PyJWT. The token is then verified by PyJWT
 * against the JWKS fetched over HTTP. Debian's /usr/bin/python3 is used on
 * purpose: it carries PyJWT 2.6 and cryptography 38, independent of this code.
 */

const PYTHON = '/usr/bin/python3';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const DEVICE_ID = 'device-id-or-asset-id';

interface CurlAnswer {
  status: number;
  headers: string;
  body: Record<string, unknown>;
}

describe('seed flow: npm start, the openssl recipe, curl and a PyJWT device', () => {
  const adminKey = randomBytes(24).toString('base64url');
  let work: string;
  let dataDir: string;
  let idp: LocalIdpProcess | undefined;
  let baseUrl: string;
  /** Every assertion and token that crossed the wire: none may appear in the server's output (docs/contract.md §6). */
  const secrets: string[] = [];
  let env: { orgId: string; envId: string; clientPoolId: string; issuer: string; tokenEndpoint: string; jwksUri: string };

  function curl(args: string[]): CurlAnswer {
    const headerFile = join(work, 'curl-headers.txt');
    const out = execFileSync('curl', ['-sS', '-D', headerFile, '-w', '\n%{http_code}', ...args], { cwd: work, encoding: 'utf8', timeout: 30_000 });
    const split = out.lastIndexOf('\n');
    const text = out.slice(0, split);
    return { status: Number(out.slice(split + 1)), headers: readFileSync(headerFile, 'utf8'), body: text ? JSON.parse(text) : {} };
  }

  const admin = (method: string, path: string, json?: unknown): CurlAnswer =>
    curl([
      '-X',
      method,
      `${baseUrl}${path}`,
      '-H',
      `X-API-Key: ${adminKey}`,
      ...(json === undefined ? [] : ['-H', 'Content-Type: application/json', '-d', JSON.stringify(json)]),
    ]);

  function python(script: string, args: string[]): { status: number; stdout: string; stderr: string } {
    const { PYTHONPATH: _p, PYTHONHOME: _h, ...clean } = process.env;
    const result = spawnSync(PYTHON, ['-c', script, ...args], { cwd: work, encoding: 'utf8', env: clean, timeout: 30_000 });
    return { status: result.status ?? -1, stdout: result.stdout.trim(), stderr: result.stderr };
  }

  function deviceAssertion(clientAppId: string): string {
    const result = python(DEVICE_PY, [clientAppId, DEVICE_ID, env.tokenEndpoint]);
    if (result.status !== 0) throw new Error(`device script failed: ${result.stderr}`);
    secrets.push(result.stdout);
    return result.stdout;
  }

  const tokenRequest = (assertion: string): CurlAnswer =>
    curl(['-X', 'POST', env.tokenEndpoint, '-d', `grant_type=${JWT_BEARER}`, '--data-urlencode', `assertion=${assertion}`]);

  const deviceDer = (): Buffer => Buffer.from(readFileSync(join(work, 'device.crt'), 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'seed-flow-'));
    dataDir = mkdtempSync(join(tmpdir(), 'seed-flow-data-'));
    idp = await startLocalIdpProcess({ env: childEnvironment({ PORT: '0', IDP_DATA_DIR: dataDir, IDP_ADMIN_API_KEY: adminKey }) });
    baseUrl = idp.baseUrl;
    execFileSync('bash', ['-euo', 'pipefail', '-c', RECIPE], { cwd: work, stdio: 'ignore', timeout: 120_000 });
  }, 240_000);

  afterAll(async () => {
    await idp?.stop(2_000);
    if (work) rmSync(work, { recursive: true, force: true });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the base URL, where the admin key comes from, and the data directory', () => {
    expect(idp!.output()).toContain(`Device IDP listening on ${baseUrl}`);
    expect(idp!.output()).toContain('admin API key: from IDP_ADMIN_API_KEY');
    expect(idp!.output()).toContain(`data directory: ${dataDir}`);
    expect(idp!.output()).not.toContain(adminKey);
  });

  it('the recipe made a v1 device certificate under a pathlen:0 intermediate', () => {
    const device = execFileSync('openssl', ['x509', '-in', 'device.crt', '-noout', '-text'], { cwd: work, encoding: 'utf8' });
    expect(device).toMatch(/Version: 1 \(0x0\)/);
    const intermediate = execFileSync('openssl', ['x509', '-in', 'intermediate-ca.crt', '-noout', '-text'], { cwd: work, encoding: 'utf8' });
    expect(intermediate).toMatch(/CA:TRUE, pathlen:0/);
  });

  it('a platform team creates the org and environment, uploads the root and registers the device with curl', () => {
    expect(admin('POST', '/api/internal/org', { id: 'acme', name: 'Acme' }).status).toBe(201);
    const created = admin('POST', '/api/internal/org/acme/env', { id: 'prod', name: 'Production' });
    expect(created.status).toBe(201);
    env = created.body as typeof env;
    expect(env).toMatchObject({ orgId: 'acme', envId: 'prod', issuer: `${baseUrl}/pools/${env.clientPoolId}` });

    const upload = curl([
      '-X',
      'POST',
      `${baseUrl}/api/internal/${env.clientPoolId}/certificates`,
      '-H',
      `X-API-Key: ${adminKey}`,
      '-F',
      'certificate=@root-ca.crt',
    ]);
    expect(upload.status).toBe(201);
    expect(upload.body).toMatchObject({ success: true, message: 'Certificate uploaded successfully', clientPoolId: env.clientPoolId, filename: 'root-ca.crt' });

    const registration = admin('POST', `/api/internal/org/acme/env/prod/device/${DEVICE_ID}/app`, { clientAppId: 'client', scopes: ['device'] });
    expect([200, 201]).toContain(registration.status);
  });

  it('the device gets an access token that PyJWT verifies against the JWKS', () => {
    const assertion = deviceAssertion('client');
    const answer = tokenRequest(assertion);
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatch(/^cache-control: no-store\r?$/im);
    expect(answer.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'device' });
    secrets.push(answer.body.access_token as string);

    const verified = python(VERIFY_PY, [answer.body.access_token as string, env.jwksUri, env.issuer, env.issuer]);
    expect(verified.stderr).toBe('');
    expect(verified.status).toBe(0);
    const { header, claims, kid } = JSON.parse(verified.stdout);
    expect(header).toEqual({ alg: 'ES256', kid, typ: 'at+jwt' });
    expect(claims).toEqual({
      iss: env.issuer,
      sub: DEVICE_ID,
      aud: env.issuer,
      client_id: 'client',
      scope: 'device',
      iat: expect.any(Number),
      exp: claims.iat + 3600,
      jti: expect.any(String),
      org_id: 'acme',
      env_id: 'prod',
      business_unit_id: 'Business Unit ID',
      cnf: { 'x5t#S256': createHash('sha256').update(deviceDer()).digest('base64url') },
    });

    // The verifier really verifies: another audience, or a tampered token, is refused by PyJWT.
    expect(python(VERIFY_PY, [answer.body.access_token as string, env.jwksUri, env.issuer, 'https://someone-else.example']).status).not.toBe(0);
    const [h, p, s] = (answer.body.access_token as string).split('.');
    const tampered = `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    expect(python(VERIFY_PY, [tampered, env.jwksUri, env.issuer, env.issuer]).status).not.toBe(0);

    // Single use: the same assertion again is a replay.
    const replay = tokenRequest(assertion);
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/^assertion_replayed: /) });
  });

  it('the device record was provisioned from the certificate', () => {
    const answer = admin('GET', `/api/internal/org/acme/env/prod/device/${DEVICE_ID}`);
    expect(answer.status).toBe(200);
    const serial = execFileSync('openssl', ['x509', '-in', 'device.crt', '-noout', '-serial'], { cwd: work, encoding: 'utf8' })
      .trim()
      .replace(/^serial=/, '');
    expect(answer.body.provisioning).toEqual({
      thumbprint: createHash('sha256').update(deviceDer()).digest('hex'),
      serial: serial.toLowerCase().replace(/^00(?=.)/, ''),
      issuer: 'CN=Device Intermediate CA,O=Organization,L=City,ST=State,C=US',
      notAfter: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
      businessUnit: 'Business Unit ID',
      firstSeen: expect.any(String),
      lastSeen: expect.any(String),
    });
  });

  it('a second binding without the device scope gets invalid_scope', () => {
    const registration = admin('POST', `/api/internal/org/acme/env/prod/device/${DEVICE_ID}/app`, { clientAppId: 'reader', scopes: ['read'] });
    expect([200, 201]).toContain(registration.status);
    const answer = tokenRequest(deviceAssertion('reader'));
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: 'invalid_scope', error_description: expect.stringMatching(/^device_scope_missing: /) });
    expect(answer.headers).toMatch(/^cache-control: no-store\r?$/im);
  });

  it('stops cleanly on Ctrl-C (SIGINT to the process group), taking its child processes with it', async () => {
    const pgid = idp!.child.pid!;
    const group = (): string[] =>
      spawnSync('pgrep', ['-g', String(pgid), '-a'], { encoding: 'utf8' })
        .stdout.trim()
        .split('\n')
        .filter(Boolean);
    const before = group();
    expect(before.some((line) => / -jar .*DynamoDBLocal\.jar/.test(line))).toBe(true);
    expect(before.some((line) => /local\/start\.ts/.test(line))).toBe(true);

    process.kill(-pgid, 'SIGINT');
    const timeout = new Promise<'timeout'>((resolveTimeout) => setTimeout(() => resolveTimeout('timeout'), 20_000).unref());
    const outcome = await Promise.race([idp!.exited, timeout]);
    // The npx wrapper reports the interrupt its own way (exit 0, 130 or SIGINT); the IDP itself must shut down in order.
    expect([
      { code: 0, signal: null },
      { code: 130, signal: null },
      { code: null, signal: 'SIGINT' },
    ]).toContainEqual(outcome);
    expect(idp!.output()).toContain('SIGINT: stopping');
    expect(idp!.output()).not.toMatch(/Could not start|unexpected error/i);
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const secret of secrets) {
      for (const segment of secret.split('.')) expect(idp!.output()).not.toContain(segment);
    }

    let remaining = before;
    for (let i = 0; i < 50 && remaining.length > 0; i += 1) {
      await new Promise((r) => setTimeout(r, 200));
      remaining = group();
    }
    expect(remaining).toEqual([]);
    await expect(fetch(`${baseUrl}/pools/${env.clientPoolId}/.well-known/jwks.json`)).rejects.toThrow();
  }, 30_000);
});
