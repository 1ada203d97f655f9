import { serverMetadata } from '../domain/server-metadata';
import type { DirectoryRepository, JwksSource } from './ports';
import { requirePool } from './require-pool';

/** JWKS and RFC 8414 metadata, served only for pools that exist; a pool's JWKS holds that pool's keys only. */
export class PoolDiscovery {
  constructor(private readonly deps: { directory: Pick<DirectoryRepository, 'getPool'>; keys: JwksSource; issuerBaseUrl: string }) {}

  async jwks(clientPoolId: string) {
    return this.deps.keys.jwks(await requirePool(this.deps.directory, clientPoolId));
  }

  async metadata(clientPoolId: string) {
    await requirePool(this.deps.directory, clientPoolId);
    return serverMetadata(this.deps.issuerBaseUrl, clientPoolId);
  }
}
