import { DomainError } from '../errors';
import { serverMetadata } from '../domain/server-metadata';
import type { DirectoryRepository } from './ports';

export interface JwksSource {
  jwks(): Promise<{ keys: object[] }>;
}

/** JWKS and RFC 8414 metadata, served only for pools that exist. */
export class PoolDiscovery {
  constructor(
    private readonly deps: { directory: Pick<DirectoryRepository, 'getPool'>; keys: JwksSource; issuerBaseUrl: string },
  ) {}

  async jwks(clientPoolId: string) {
    await this.requirePool(clientPoolId);
    return this.deps.keys.jwks();
  }

  async metadata(clientPoolId: string) {
    await this.requirePool(clientPoolId);
    return serverMetadata(this.deps.issuerBaseUrl, clientPoolId);
  }

  private async requirePool(clientPoolId: string): Promise<void> {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(clientPoolId) || !(await this.deps.directory.getPool(clientPoolId))) {
      throw new DomainError('pool_not_found', 'unknown client pool');
    }
  }
}
