import { spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { REPO_ROOT } from '../support/local-process';
import { markedBlocks, useWalkthroughSandbox } from '../support/readme-walkthrough';

/*
 * README.md "The same with the device client", run as written in the same
 * bash session as "First token in five minutes": the ```sh blocks marked
 * `<!-- walkthrough -->`, then those marked `<!-- walkthrough-client -->`,
 * concatenated into one `bash -euo pipefail` script run from an empty folder
 * outside the clone while the local IDP runs as its own process (npx tsx
 * local/start.ts). The environment gives only B, K and DEVICE_IDP, in the
 * README's own form for a folder outside the clone (`node <clone>/bin/device-idp.mjs`),
 * plus a private XDG_CACHE_HOME for the token cache. python3 is Debian's
 * /usr/bin/python3 (PyJWT and cryptography), put first on PATH, as in
 * readme-walkthrough.test.ts.
 */

const README = join(REPO_ROOT, 'README.md');
const FIRST_DEVICE = 'device-id-or-asset-id';
const KIOSK = 'kiosk-7';
/** Blocks in the client subsection today: CA + device, upload + binding, token, claims. */
const MIN_CLIENT_BLOCKS = 4;

describe('README walkthrough: "The same with the device client" runs as written after the first walkthrough', () => {
  const sandbox = useWalkthroughSandbox('readme-walkthrough-client');

  it('finds the marked client blocks (removing the markers fails this test)', () => {
    const blocks = markedBlocks(readFileSync(README, 'utf8'), 'walkthrough-client');
    expect(blocks.length).toBeGreaterThanOrEqual(MIN_CLIENT_BLOCKS);
    const script = blocks.join('\n');
    expect(script).toMatch(/^DEVICE_IDP=\$\{DEVICE_IDP:-"[^"]+"\}$/m);
    for (const command of ['ca init', 'ca issue', 'token']) expect(script).toContain(`$DEVICE_IDP ${command} `);
    // The session's variables come from the first walkthrough, not from new assignments.
    for (const name of ['B', 'K', 'POOL', 'TOKEN_ENDPOINT']) expect(script).not.toMatch(new RegExp(`^\\s*(export )?${name}=`, 'm'));
  });

  it('runs from an empty folder outside the clone and prints a token for kiosk-7 that verifies against the pool JWKS', async () => {
    const { work, binDir, baseUrl, adminKey } = sandbox();
    const markdown = readFileSync(README, 'utf8');
    const blocks = [...markedBlocks(markdown, 'walkthrough'), ...markedBlocks(markdown, 'walkthrough-client')];
    const folder = join(work, 'first-token');
    mkdirSync(folder);
    const cache = join(work, 'xdg-cache');
    const scriptPath = join(work, 'walkthrough.sh');
    writeFileSync(scriptPath, blocks.join('\n'));

    // Nothing the walkthroughs set may leak in from the test's environment: only B, K and DEVICE_IDP are given.
    const dropped = [
      'PYTHONPATH',
      'PYTHONHOME',
      'POOL',
      'TOKEN_ENDPOINT',
      'ASSERTION',
      'ACCESS_TOKEN',
      'RESPONSE',
      'CREATED',
      'KIOSK',
      'KIOSK_TOKEN',
      'INIT_CWD',
    ];
    const env = Object.fromEntries(
      Object.entries(process.env).filter(
        ([name]) => !dropped.includes(name) && !name.startsWith('AWS_') && !name.startsWith('IDP_') && !name.startsWith('DEVICE_IDP'),
      ),
    );
    const run = spawnSync('bash', ['-euo', 'pipefail', scriptPath], {
      cwd: folder,
      encoding: 'utf8',
      timeout: 240_000,
      env: {
        ...env,
        B: baseUrl,
        K: adminKey,
        DEVICE_IDP: `${process.execPath} ${join(REPO_ROOT, 'bin', 'device-idp.mjs')}`,
        XDG_CACHE_HOME: cache,
        PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      },
    });
    const transcript = `exit ${run.status ?? run.signal}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
    expect({ status: run.status, transcript }).toEqual({ status: 0, transcript });

    // The CLI wrote the kiosk's files into the walkthrough's folder (relative paths from where it runs).
    for (const file of ['kiosk-ca/root-ca.crt', 'kiosk-ca/intermediate-ca.crt', `${KIOSK}/device.key`, `${KIOSK}/device.chain.crt`]) {
      expect({ file, exists: existsSync(join(folder, file)) }).toEqual({ file, exists: true });
    }
    // The token went through the cache: one file, written by `device-idp token`.
    expect(readdirSync(join(cache, 'device-idp'))).toHaveLength(1);

    const lines = run.stdout.trim().split('\n');
    const token = lines[lines.length - 1].trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    // The first walkthrough's token came before it, for the other device.
    const tokens = lines.filter((line) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(line.trim()));
    expect(tokens).toHaveLength(2);
    // The decoded claims were printed as jq pretty-prints them.
    expect(run.stdout).toMatch(new RegExp(`^  "sub": "${KIOSK}",$`, 'm'));
    expect(run.stdout).toMatch(/^ {2}"business_unit_id": "Store 12",$/m);
    expect(run.stdout).toMatch(/^ {2}"cached": false$/m);

    const envInfo = (await (await fetch(`${baseUrl}/api/internal/org/acme/env/prod`, { headers: { 'X-API-Key': adminKey } })).json()) as {
      clientPoolId: string;
      issuer: string;
      jwksUri: string;
    };
    const jwks = createRemoteJWKSet(new URL(envInfo.jwksUri));
    const verifyAs = (accessToken: string, subject: string) =>
      jwtVerify(accessToken, jwks, { issuer: envInfo.issuer, audience: envInfo.issuer, subject, typ: 'at+jwt' });

    const { payload } = await verifyAs(token, KIOSK);
    const kioskDer = new X509Certificate(readFileSync(join(folder, KIOSK, 'device.crt'))).raw;
    expect(payload).toMatchObject({
      sub: KIOSK,
      iss: envInfo.issuer,
      client_id: 'client',
      scope: 'device',
      org_id: 'acme',
      env_id: 'prod',
      business_unit_id: 'Store 12',
      cnf: { 'x5t#S256': createHash('sha256').update(kioskDer).digest('base64url') },
    });
    await expect(verifyAs(tokens[0], FIRST_DEVICE)).resolves.toMatchObject({ payload: { sub: FIRST_DEVICE } });

    // Both roots are anchors of the pool: the openssl one and the kiosk CA's.
    const roots = (await (await fetch(`${baseUrl}/api/internal/${envInfo.clientPoolId}/certificates`, { headers: { 'X-API-Key': adminKey } })).json()) as {
      certificates: Array<{ subject: string }>;
    };
    const subjects = roots.certificates.map((root) => root.subject);
    expect(subjects).toHaveLength(2);
    expect(subjects).toEqual(expect.arrayContaining([expect.stringMatching(/CN=Acme Retail Root CA\b/), expect.stringMatching(/CN=Root CA\b/)]));
  }, 300_000);
});
