import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AdminKey {
  value: string;
  source: 'environment' | 'generated' | 'stored';
  file?: string;
}

/**
 * SPEC §8: IDP_ADMIN_API_KEY wins; otherwise a key is generated on first start,
 * printed once, and kept (mode 0600) in the data directory for later starts.
 */
export function resolveAdminKey(dataDir: string, fromEnv: string | undefined): AdminKey {
  if (fromEnv) {
    if (fromEnv.length < 16) throw new Error('IDP_ADMIN_API_KEY must be at least 16 characters');
    return { value: fromEnv, source: 'environment' };
  }
  const file = join(dataDir, 'admin-api-key');
  if (existsSync(file)) return { value: readFileSync(file, 'utf8').trim(), source: 'stored', file };
  const value = randomBytes(32).toString('base64url');
  writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  return { value, source: 'generated', file };
}
