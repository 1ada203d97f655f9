import { serverMetadata } from '../domain/server-metadata';
import type { DirectoryRepository } from './ports';
import { requirePool } from './require-pool';

export interface JwksSource {
  jwks(): Promise<{ keys: object[] }>;
}

/** JWKS and RFC 8414 metadata, served only for pools that exist. */
export class PoolDiscovery {
  constructor(
    private readonly deps: { directory: Pick<DirectoryRepository, 'getPool'>; keys: JwksSource; issuerBaseUrl: string },
  ) {}

  async jwks(clientPoolId: string) {
    await requirePool(this.deps.directory, clientPoolId);
    return this.deps.keys.jwks();
  }

  async metadata(clientPoolId: string) {
    await requirePool(this.deps.directory, clientPoolId);
    return serverMetadata(this.deps.issuerBaseUrl, clientPoolId);
  }
}
