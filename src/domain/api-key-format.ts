import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Org API keys look like `idpk.<keyId>.<secret>`: the id locates the stored
 * record, the 256-bit secret is only ever stored as its SHA-256 (a fast hash
 * is right for high-entropy random secrets; there is nothing to brute-force).
 */
const PREFIX = 'idpk';
const KEY_ID = /^k[0-9a-f]{16}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

export interface GeneratedApiKey {
  keyId: string;
  apiKey: string;
  secretHash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const keyId = `k${randomBytes(8).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  return { keyId, apiKey: `${PREFIX}.${keyId}.${secret}`, secretHash: sha256Hex(secret) };
}

export function parseApiKey(presented: string): { keyId: string; secret: string } | undefined {
  const parts = presented.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX || !KEY_ID.test(parts[1]) || !SECRET.test(parts[2])) return undefined;
  return { keyId: parts[1], secret: parts[2] };
}

export function isApiKeyId(value: string): boolean {
  return KEY_ID.test(value);
}

export function sha256Hex(value: string | Uint8Array): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Constant-time comparison of two secrets via their digests (equal lengths by construction). */
export function secretsEqual(presented: string, expectedHash: string): boolean {
  const a = Buffer.from(sha256Hex(presented), 'hex');
  const b = Buffer.from(expectedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
