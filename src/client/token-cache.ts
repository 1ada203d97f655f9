import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** An access token kept for reuse until shortly before it expires. */
export interface CachedToken {
  accessToken: string;
  tokenType: string;
  scope?: string;
  /** NumericDate seconds: when the token was requested + expires_in (RFC 6749 §5.1), so never later than the server's exp. */
  expiresAt: number;
  /** NumericDate seconds. */
  obtainedAt: number;
}

/** What a cached token was issued for: a token is reused only for the very same request. */
export interface TokenCacheKey {
  tokenEndpoint: string;
  clientId: string;
  /** base64url SHA-256 of the device certificate: a renewed certificate gets a new token. */
  certificateThumbprint: string;
  scope?: string;
  resource?: string;
}

/**
 * Reuse a token while more than this many seconds are left: `minTtlSeconds`
 * when given, else 60 s or a tenth of its lifetime, whichever is more. A
 * token is thus refreshed before it expires, not after a resource server
 * refused it.
 */
export function refreshMarginSeconds(token: Pick<CachedToken, 'expiresAt' | 'obtainedAt'>, minTtlSeconds?: number): number {
  return minTtlSeconds ?? Math.max(60, Math.ceil((token.expiresAt - token.obtainedAt) / 10));
}

export function isFresh(token: CachedToken, nowSeconds: number, minTtlSeconds?: number): boolean {
  return token.expiresAt - nowSeconds > refreshMarginSeconds(token, minTtlSeconds);
}

/**
 * Access tokens on disk, one JSON file per key in `directory` (created 0700),
 * each written 0600 to a temporary file and renamed into place, so a reader
 * never sees half a token and no other local user can read one. A file that
 * is not a regular file of this user with mode 0600 (or narrower) is ignored
 * and replaced, never read.
 */
export class FileTokenCache {
  constructor(readonly directory: string) {}

  /** The file of a key: a SHA-256 over its fields, so no URL or id leaks into file names. */
  pathOf(key: TokenCacheKey): string {
    const id = createHash('sha256')
      .update(JSON.stringify([key.tokenEndpoint, key.clientId, key.certificateThumbprint, key.scope ?? null, key.resource ?? null]))
      .digest('hex');
    return join(this.directory, `${id}.json`);
  }

  read(key: TokenCacheKey): CachedToken | undefined {
    const path = this.pathOf(key);
    try {
      const stat = lstatSync(path);
      const ownedByUs = process.getuid === undefined || stat.uid === process.getuid();
      if (!stat.isFile() || !ownedByUs || (stat.mode & 0o077) !== 0) return undefined;
      return parseCachedToken(readFileSync(path, 'utf8'));
    } catch {
      return undefined;
    }
  }

  write(key: TokenCacheKey, token: CachedToken): void {
    mkdirSync(this.directory, { recursive: true, mode: 0o700 });
    const path = this.pathOf(key);
    const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      fchmodSync(fd, 0o600); // whatever the umask
      writeSync(fd, JSON.stringify(token));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      renameSync(temporary, path);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
  }

  remove(key: TokenCacheKey): void {
    rmSync(this.pathOf(key), { force: true });
  }
}

function parseCachedToken(text: string): CachedToken | undefined {
  const value = JSON.parse(text) as Partial<CachedToken>;
  const valid =
    typeof value.accessToken === 'string' &&
    typeof value.tokenType === 'string' &&
    typeof value.expiresAt === 'number' &&
    typeof value.obtainedAt === 'number' &&
    (value.scope === undefined || typeof value.scope === 'string');
  return valid ? (value as CachedToken) : undefined;
}
