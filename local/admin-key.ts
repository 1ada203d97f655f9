import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AdminKey {
  value: string;
  source: 'environment' | 'generated' | 'stored';
  file?: string;
  /** IDP_ADMIN_API_KEY_PREVIOUS: the key `value` replaced, still accepted (README "Rotating the admin key"). */
  previous?: string;
}

const MIN_LENGTH = 16;

/** Refuses unusable keys before anything is started. */
export function checkAdminKeyOptions(fromEnv: string | undefined, previousFromEnv?: string): void {
  if (previousFromEnv && previousFromEnv.length < MIN_LENGTH) {
    throw new Error(`IDP_ADMIN_API_KEY_PREVIOUS must be at least ${MIN_LENGTH} characters`);
  }
  if (fromEnv && fromEnv.length < MIN_LENGTH) throw new Error(`IDP_ADMIN_API_KEY must be at least ${MIN_LENGTH} characters`);
}

/**
 * docs/contract.md §8: IDP_ADMIN_API_KEY wins; otherwise a key is generated on first start,
 * printed once, and kept (mode 0600) in the data directory for later starts.
 * IDP_ADMIN_API_KEY_PREVIOUS, when set, is accepted as well, as AWSPREVIOUS is on AWS.
 */
export function resolveAdminKey(dataDir: string, fromEnv: string | undefined, previousFromEnv?: string): AdminKey {
  checkAdminKeyOptions(fromEnv, previousFromEnv);
  const previous = previousFromEnv ? { previous: previousFromEnv } : {};
  if (fromEnv) return { value: fromEnv, source: 'environment', ...previous };
  const file = join(dataDir, 'admin-api-key');
  if (existsSync(file)) return { value: readFileSync(file, 'utf8').trim(), source: 'stored', file, ...previous };
  const value = randomBytes(32).toString('base64url');
  writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  return { value, source: 'generated', file, ...previous };
}
