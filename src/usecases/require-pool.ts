import type { Pool } from '../domain/model';
import { DomainError } from '../errors';
import type { DirectoryRepository } from './ports';

/** Pool ids are generated (`pool-` + base32); anything else is unknown without a lookup. */
export const POOL_ID = /^[A-Za-z0-9-]{1,64}$/;

export async function requirePool(directory: Pick<DirectoryRepository, 'getPool'>, clientPoolId: string): Promise<Pool> {
  const pool = POOL_ID.test(clientPoolId) ? await directory.getPool(clientPoolId) : undefined;
  if (!pool) throw new DomainError('pool_not_found', 'unknown client pool');
  return pool;
}
