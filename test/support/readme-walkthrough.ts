import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnvironment, type LocalIdpProcess, startLocalIdpProcess } from './local-process';

/** Debian's python3, with PyJWT and cryptography: the README's Python runs with it. */
const README_PYTHON = '/usr/bin/python3';

/** The ```sh blocks preceded by `<!-- <marker> -->` on the line before, in order. */
export function markedBlocks(markdown: string, marker: string): string[] {
  const text = markdown.replace(/\r\n/g, '\n');
  return [...text.matchAll(new RegExp(`^<!-- ${marker} -->\\n\`\`\`sh\\n([\\s\\S]*?)^\`\`\`[ \\t]*$`, 'gm'))].map((match) => match[1]);
}

/** Where a README walkthrough runs: an empty folder, the IDP as `npm start` runs it, python3 first on PATH. */
export interface WalkthroughSandbox {
  readonly work: string;
  readonly dataDir: string;
  readonly binDir: string;
  readonly baseUrl: string;
  readonly adminKey: string;
}

/**
 * Registers beforeAll/afterAll that start the local IDP as its own process
 * (npx tsx local/start.ts) with a fresh data directory and admin key, and
 * make the folders a walkthrough runs in; removes all of it afterwards. The
 * returned function gives the sandbox inside tests.
 */
export function useWalkthroughSandbox(prefix: string): () => WalkthroughSandbox {
  const adminKey = randomBytes(24).toString('base64url');
  let sandbox: WalkthroughSandbox | undefined;
  let idp: LocalIdpProcess | undefined;

  beforeAll(async () => {
    const work = mkdtempSync(join(tmpdir(), `${prefix}-`));
    const dataDir = mkdtempSync(join(tmpdir(), `${prefix}-data-`));
    const binDir = mkdtempSync(join(tmpdir(), `${prefix}-bin-`));
    symlinkSync(README_PYTHON, join(binDir, 'python3'));
    idp = await startLocalIdpProcess({ env: childEnvironment({ PORT: '0', IDP_DATA_DIR: dataDir, IDP_ADMIN_API_KEY: adminKey }) });
    sandbox = { work, dataDir, binDir, baseUrl: idp.baseUrl, adminKey };
  }, 180_000);

  afterAll(async () => {
    await idp?.stop();
    for (const dir of [sandbox?.work, sandbox?.dataDir, sandbox?.binDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  return () => {
    if (!sandbox) throw new Error('useWalkthroughSandbox: available inside tests, after beforeAll');
    return sandbox;
  };
}
