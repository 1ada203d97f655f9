import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { REPO_ROOT } from '../support/local-process';
import { markedBlocks, useWalkthroughSandbox } from '../support/readme-walkthrough';

/*
 * README.md "First token in five minutes", run as written: the shell blocks
 * marked `<!-- walkthrough -->` are extracted, concatenated into one script and
 * run with `bash -euo pipefail` from an empty folder while the local IDP runs
 * as its own process (npx tsx local/start.ts, as test/e2e/token/seed-flow.test.ts
 * starts it) on a free port. Only B and K come from the environment, as the
 * walkthrough allows (`B=${B:-...}`, `K=${K:-...}`). python3 is Debian's
 * /usr/bin/python3 (PyJWT and cryptography), put first on PATH.
 */

const README = join(REPO_ROOT, 'README.md');
const DEVICE_ID = 'device-id-or-asset-id';
/** Blocks in the walkthrough today: keys, org + env, openssl recipe, upload + binding, assertion, token request. */
const MIN_BLOCKS = 6;

describe('README walkthrough: "First token in five minutes" runs as written', () => {
  const sandbox = useWalkthroughSandbox('readme-walkthrough');

  it('finds the marked blocks (removing the markers fails this test)', () => {
    const blocks = markedBlocks(readFileSync(README, 'utf8'), 'walkthrough');
    expect(blocks.length).toBeGreaterThanOrEqual(MIN_BLOCKS);
    const script = blocks.join('\n');
    for (const name of ['B', 'K', 'POOL', 'TOKEN_ENDPOINT', 'ASSERTION']) expect(script).toMatch(new RegExp(`^\\s*(export )?${name}=`, 'm'));
    expect(script).toContain(`B=\${B:-http://127.0.0.1:3000}`);
  });

  it('runs from an empty folder with bash -euo pipefail and prints an access token that verifies against the pool JWKS', async () => {
    const { work, binDir, baseUrl, adminKey } = sandbox();
    const blocks = markedBlocks(readFileSync(README, 'utf8'), 'walkthrough');
    const folder = join(work, 'first-token');
    mkdirSync(folder);
    const scriptPath = join(work, 'walkthrough.sh');
    writeFileSync(scriptPath, blocks.join('\n'));

    // Nothing the walkthrough sets may leak in from the test's environment: only B and K are given.
    const {
      PYTHONPATH: _p,
      PYTHONHOME: _h,
      POOL: _pool,
      TOKEN_ENDPOINT: _t,
      ASSERTION: _a,
      ACCESS_TOKEN: _at,
      RESPONSE: _r,
      CREATED: _c,
      ...clean
    } = process.env;
    const env = Object.fromEntries(Object.entries(clean).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('IDP_')));
    const run = spawnSync('bash', ['-euo', 'pipefail', scriptPath], {
      cwd: folder,
      encoding: 'utf8',
      timeout: 180_000,
      env: { ...env, B: baseUrl, K: adminKey, PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}` },
    });
    const transcript = `exit ${run.status ?? run.signal}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
    expect({ status: run.status, transcript }).toEqual({ status: 0, transcript });

    const lines = run.stdout.trim().split('\n');
    const token = lines[lines.length - 1].trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    const envInfo = (await (await fetch(`${baseUrl}/api/internal/org/acme/env/prod`, { headers: { 'X-API-Key': adminKey } })).json()) as {
      clientPoolId: string;
      issuer: string;
      jwksUri: string;
    };
    expect(envInfo.issuer).toBe(`${baseUrl}/pools/${envInfo.clientPoolId}`);
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(envInfo.jwksUri)), {
      issuer: envInfo.issuer,
      audience: envInfo.issuer,
      subject: DEVICE_ID,
      typ: 'at+jwt',
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({ sub: DEVICE_ID, iss: envInfo.issuer, client_id: 'client', scope: 'device', org_id: 'acme', env_id: 'prod' });
  }, 240_000);
});
