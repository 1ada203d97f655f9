import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirectoryInUseError } from '../../../local/data-dir-lock';
import { type LocalIdpOptions, startLocalIdp } from '../../../local/local-idp';

/*
 * startLocalIdp (what `npm start` runs) when it cannot or must not start:
 * a busy port leaves no "shown once" admin key behind that nobody saw, and
 * one data directory serves one IDP at a time (a lock file holding the pid;
 * the lock of a process that no longer runs is taken over).
 */
describe('local IDP start: failed starts and the data directory lock', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'idp-start-failure-'));
    dirs.push(dir);
    return dir;
  };
  const options = (dir: string, extra: Partial<LocalIdpOptions> = {}): LocalIdpOptions => {
    const name = `start-${randomUUID().slice(0, 8)}`;
    return {
      port: 0,
      dataDir: dir,
      dynamodbEndpoint: process.env.TEST_DYNAMODB_ENDPOINT,
      s3Endpoint: process.env.TEST_S3_ENDPOINT,
      tableName: name,
      bucketName: name,
      ...extra,
    };
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('a busy port: the start fails, no admin key was generated, the directory is unlocked', async () => {
    const blocker: Server = createServer();
    const port = await new Promise<number>((done) => blocker.listen(0, '127.0.0.1', () => done((blocker.address() as { port: number }).port)));
    const dir = dataDir();
    try {
      await expect(startLocalIdp(options(dir, { port }))).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      blocker.close();
    }
    expect(existsSync(join(dir, 'admin-api-key'))).toBe(false);
    expect(existsSync(join(dir, 'lock'))).toBe(false);

    // The next start on a free port generates it, and it is the one in use.
    const idp = await startLocalIdp(options(dir));
    try {
      expect(idp.adminKey.source).toBe('generated');
      expect(readFileSync(join(dir, 'admin-api-key'), 'utf8').trim()).toBe(idp.adminKey.value);
    } finally {
      await idp.stop();
    }
  });

  it('a second IDP on the same data directory is refused, naming the directory and the pid; after stop() it starts', async () => {
    const dir = dataDir();
    const first = await startLocalIdp(options(dir, { adminApiKey: 'admin-key-0123456789abcdef' }));
    try {
      expect(readFileSync(join(dir, 'lock'), 'utf8').trim()).toBe(String(process.pid));
      const second = startLocalIdp(options(dir, { adminApiKey: 'admin-key-0123456789abcdef' }));
      await expect(second).rejects.toBeInstanceOf(DataDirectoryInUseError);
      await expect(second).rejects.toThrow(`the data directory ${dir} is in use by another local IDP (pid ${process.pid})`);
      expect((await fetch(`${first.baseUrl}/api/internal/org/x/api-keys`)).status).toBe(401);
    } finally {
      await first.stop();
    }
    expect(existsSync(join(dir, 'lock'))).toBe(false);
    const again = await startLocalIdp(options(dir, { adminApiKey: 'admin-key-0123456789abcdef' }));
    await again.stop();
  });

  it('takes over the lock of a process that no longer runs', async () => {
    const dir = dataDir();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(dir, 'lock'), `${dead}\n`);
    const idp = await startLocalIdp(options(dir, { adminApiKey: 'admin-key-0123456789abcdef' }));
    try {
      expect(readFileSync(join(dir, 'lock'), 'utf8').trim()).toBe(String(process.pid));
    } finally {
      await idp.stop();
    }
  });
});
