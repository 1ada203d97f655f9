import type { RootCertificate } from '../../../src/domain/model';
import type { TrustStoreRepository } from '../../../src/usecases/ports';
import { CallLog } from './call-log';
import type { InMemoryDirectory } from './directory';

type TrustStoreMethod = keyof TrustStoreRepository;

/**
 * TrustStoreRepository in memory, answering as DynamoTrustStoreRepository
 * does (src/storage/dynamo-trust-store-repository.ts): one record per
 * anchorId; createRoot false when the anchor has one; replaceRoot and
 * deleteRoots conditioned on each record still pointing at the object read
 * (false, nothing written, otherwise). A change that may take trust away (a
 * replacement with `certificateChanged`, a delete) moves the pool's
 * trustEpoch in the directory when it writes, and waits to settle
 * (`settles` counts the waits, as src/storage/table-operations.ts
 * settledAfter takes them: a conditional replace that wrote nothing waits
 * too, a cancelled delete does not).
 */
export class InMemoryTrustStore implements TrustStoreRepository {
  /** `${poolId}|${anchorId}` → record. */
  readonly records = new Map<string, RootCertificate>();
  readonly log = new CallLog<TrustStoreMethod>();
  settles = 0;

  constructor(private readonly directory: InMemoryDirectory) {}

  async getRoot(poolId: string, anchorId: string): Promise<RootCertificate | undefined> {
    await this.log.enter('getRoot', poolId, anchorId);
    return copy(this.records.get(rootKey(poolId, anchorId)));
  }

  async createRoot(poolId: string, root: RootCertificate): Promise<boolean> {
    await this.log.enter('createRoot', poolId, structuredClone(root));
    if (this.records.has(rootKey(poolId, root.anchorId))) return false;
    this.records.set(rootKey(poolId, root.anchorId), structuredClone(root));
    return true;
  }

  async replaceRoot(poolId: string, root: RootCertificate, expectedObjectKey: string, options: { certificateChanged: boolean }): Promise<boolean> {
    await this.log.enter('replaceRoot', poolId, structuredClone(root), expectedObjectKey, { ...options });
    const written = this.records.get(rootKey(poolId, root.anchorId))?.objectKey === expectedObjectKey;
    if (written) {
      this.records.set(rootKey(poolId, root.anchorId), structuredClone(root));
      if (options.certificateChanged) this.moveTrustEpoch(poolId);
    }
    if (options.certificateChanged) this.settles++;
    return written;
  }

  async settleTrustChange(): Promise<void> {
    await this.log.enter('settleTrustChange');
    this.settles++;
  }

  async listRoots(poolId: string): Promise<RootCertificate[]> {
    await this.log.enter('listRoots', poolId);
    return [...this.records.entries()]
      .filter(([key]) => key.startsWith(`${poolId}|`))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, root]) => structuredClone(root));
  }

  async deleteRoots(poolId: string, roots: readonly Pick<RootCertificate, 'anchorId' | 'objectKey'>[]): Promise<boolean> {
    await this.log.enter('deleteRoots', poolId, structuredClone(roots));
    if (roots.some((root) => this.records.get(rootKey(poolId, root.anchorId))?.objectKey !== root.objectKey)) return false;
    for (const root of roots) this.records.delete(rootKey(poolId, root.anchorId));
    this.moveTrustEpoch(poolId);
    this.settles++;
    return true;
  }

  /** Test setup and assertions: the pool's records, by anchorId. */
  rootsOf(poolId: string): Map<string, RootCertificate> {
    return new Map(
      [...this.records.entries()].filter(([key]) => key.startsWith(`${poolId}|`)).map(([, root]) => [root.anchorId, structuredClone(root)] as const),
    );
  }

  private moveTrustEpoch(poolId: string): void {
    const pool = this.directory.pools.get(poolId);
    if (pool) this.directory.pools.set(poolId, { ...pool, trustEpoch: pool.trustEpoch + 1 });
  }
}

function rootKey(poolId: string, anchorId: string): string {
  return `${poolId}|${anchorId}`;
}

function copy<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : structuredClone(value);
}
