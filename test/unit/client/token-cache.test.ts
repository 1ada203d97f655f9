import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceCredentials } from '../../../src/client/device-credentials';
import { getDeviceToken } from '../../../src/client/device-token-client';
import { type CachedToken, FileTokenCache, isFresh, refreshMarginSeconds, type TokenCacheKey } from '../../../src/client/token-cache';
import { startScriptedTokenServer, TOKEN_REPLY, testDevice } from './helpers';

/* Tokens on disk: 0600 files in a 0700 directory, reused until shortly before they expire. */

const KEY: TokenCacheKey = { tokenEndpoint: 'https://idp.example.com/pools/p/oauth2/token', clientId: 'client', certificateThumbprint: 'thumb' };
const TOKEN: CachedToken = { accessToken: 'at', tokenType: 'Bearer', scope: 'device', expiresAt: 5000, obtainedAt: 1400 };

describe('FileTokenCache', () => {
  let dir: string;
  let previousUmask: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'client-cache-'));
    previousUmask = process.umask(0);
  });
  afterEach(() => {
    process.umask(previousUmask);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes mode 0600 in a 0700 directory whatever the umask, leaves no temporary file, and reads the token back', () => {
    const cache = new FileTokenCache(join(dir, 'cache'));
    cache.write(KEY, TOKEN);
    expect(lstatSync(join(dir, 'cache')).mode & 0o777).toBe(0o700);
    expect(lstatSync(cache.pathOf(KEY)).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'cache'))).toEqual([cache.pathOf(KEY).split('/').pop()]);
    expect(cache.read(KEY)).toEqual(TOKEN);
  });

  it('keys a token by endpoint, client, device certificate, scope and resource; the file name reveals none of them', () => {
    const cache = new FileTokenCache(dir);
    const paths = new Set(
      [
        KEY,
        { ...KEY, tokenEndpoint: 'https://other/pools/p/oauth2/token' },
        { ...KEY, clientId: 'other' },
        { ...KEY, certificateThumbprint: 'renewed' },
        { ...KEY, scope: 'device' },
        { ...KEY, resource: 'https://api' },
      ].map((key) => cache.pathOf(key)),
    );
    expect(paths.size).toBe(6);
    for (const path of paths) expect(path).toMatch(/\/[0-9a-f]{64}\.json$/);
  });

  it('ignores a file other users could read, a symbolic link and a damaged file', () => {
    const cache = new FileTokenCache(dir);
    cache.write(KEY, TOKEN);
    chmodSync(cache.pathOf(KEY), 0o644);
    expect(cache.read(KEY)).toBeUndefined();

    cache.write(KEY, TOKEN);
    expect(lstatSync(cache.pathOf(KEY)).mode & 0o777).toBe(0o600);
    const elsewhere = join(dir, 'elsewhere.json');
    writeFileSync(elsewhere, JSON.stringify(TOKEN), { mode: 0o600 });
    rmSync(cache.pathOf(KEY));
    symlinkSync(elsewhere, cache.pathOf(KEY));
    expect(cache.read(KEY)).toBeUndefined();

    rmSync(cache.pathOf(KEY));
    writeFileSync(cache.pathOf(KEY), '{"accessToken": ', { mode: 0o600 });
    expect(cache.read(KEY)).toBeUndefined();
    writeFileSync(cache.pathOf(KEY), JSON.stringify({ ...TOKEN, expiresAt: 'later' }), { mode: 0o600 });
    expect(cache.read(KEY)).toBeUndefined();
  });
});

describe('refresh before expiry', () => {
  it('reuses a token while more than 60 s or a tenth of its lifetime is left, whichever is more', () => {
    const hour = { ...TOKEN, obtainedAt: 0, expiresAt: 3600 };
    expect(refreshMarginSeconds(hour)).toBe(360);
    expect(isFresh(hour, 3600 - 361, undefined)).toBe(true);
    expect(isFresh(hour, 3600 - 360, undefined)).toBe(false);
    const short = { ...TOKEN, obtainedAt: 0, expiresAt: 300 };
    expect(refreshMarginSeconds(short)).toBe(60);
    expect(isFresh(short, 239, undefined)).toBe(true);
    expect(isFresh(short, 240, undefined)).toBe(false);
  });

  it('honours a minimum remaining lifetime asked for', () => {
    const hour = { ...TOKEN, obtainedAt: 0, expiresAt: 3600 };
    expect(isFresh(hour, 1799, 1800)).toBe(true);
    expect(isFresh(hour, 1800, 1800)).toBe(false);
  });
});

describe('getDeviceToken with a cache', () => {
  let dir: string;
  let credentials: DeviceCredentials;
  beforeAll(async () => {
    ({ credentials } = await testDevice());
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'client-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('asks the endpoint once while the token is fresh, and again once it nears expiry', async () => {
    const server = await startScriptedTokenServer([TOKEN_REPLY, { ...TOKEN_REPLY, body: { ...(TOKEN_REPLY.body as object), access_token: 'token-2' } }]);
    const cache = new FileTokenCache(dir);
    let now = new Date('2030-06-15T12:00:00Z');
    const get = () => getDeviceToken({ tokenEndpoint: server.url, clientId: 'client', credentials, cache }, { now: () => now, sleep: async () => undefined });
    try {
      expect(await get()).toMatchObject({ accessToken: 'token-1', fromCache: false, expiresIn: 3600 });
      now = new Date(now.getTime() + 3000_000); // 600 s left: fresh (margin 360 s)
      expect(await get()).toMatchObject({ accessToken: 'token-1', fromCache: true, expiresIn: 600 });
      expect(server.requests).toHaveLength(1);

      now = new Date(now.getTime() + 300_000); // 300 s left: refreshed
      expect(await get()).toMatchObject({ accessToken: 'token-2', fromCache: false, expiresIn: 3600 });
      expect(server.requests).toHaveLength(2);
      expect(await get()).toMatchObject({ accessToken: 'token-2', fromCache: true });
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('caches nothing when a request is refused', async () => {
    const server = await startScriptedTokenServer([{ status: 400, body: { error: 'invalid_grant', error_description: 'untrusted_root: no root' } }]);
    try {
      await expect(getDeviceToken({ tokenEndpoint: server.url, clientId: 'client', credentials, cache: new FileTokenCache(dir) })).rejects.toMatchObject({
        code: 'untrusted_root',
      });
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
