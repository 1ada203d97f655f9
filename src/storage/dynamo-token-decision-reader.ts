import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DecisionParties, RevocationKeys, TokenDecisionReader, TokenDecisionState } from '../usecases/ports';
import type { TableKey } from './batch-operations';
import { toBinding, toDevice } from './device-items';
import { anchorsFromItem, poolFromItem } from './dynamo-directory-repository';
import { keys } from './keys';
import { crlBucketKey, crlBucketKeys, revocationItemKeys, viewFromItems } from './revocation-view';
import { batchGetTables, queryPoolPrefix } from './table-operations';

/** Where a CRL's buckets are (its `CRL#` item's crlId and bucketCount), as last read. */
interface CrlPointer {
  crlId: string;
  bucketCount: number;
}

/** Pointers kept per function instance; past this many the cache starts over. */
const POINTER_CACHE_SIZE = 4096;

/**
 * The token decision's read (TokenDecisionReader): one strongly consistent
 * BatchGetItem across both tables of
 *
 * - the pool item: settings, trustEpoch, signing keys and its trust list
 *   (`anchors`, dynamo-trust-store-repository.ts);
 * - the device record and the binding (config table), the jti (runtime table);
 * - for every certificate the request presents, `REVOKED#`, `REVOKEDSERIAL#`,
 *   `REVOKEDKEY#` and the `CRL#` item of each candidate issuer, and the bucket
 *   holding its serial in that CRL — located by the crlId and bucketCount
 *   last read for the issuer.
 *
 * Nothing decides on the cached pointers: a bucket is used only when the
 * `CRL#` item read in the same batch names it; when it names another (a new
 * CRL), or the issuer was not known to have one, a second BatchGetItem reads
 * the buckets it names. Pools whose trust list is not yet in their item
 * (created before it was) are read with one more Query of their ROOT#
 * records. So a warm function makes one call, and never decides on a stale
 * cache.
 */
export class DynamoTokenDecisionReader implements TokenDecisionReader {
  private readonly pointers = new Map<string, CrlPointer>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: { config: string; runtime: string },
  ) {}

  async read(
    poolId: string,
    want: DecisionParties & { revocationCandidates: readonly RevocationKeys[] },
  ): Promise<TokenDecisionState> {
    const candidates = want.revocationCandidates;
    const poolKey = keys.pool(poolId);
    const deviceKey = want.deviceId === undefined ? undefined : keys.device(poolId, want.deviceId);
    const bindingKey = want.deviceId === undefined || want.clientAppId === undefined ? undefined : keys.binding(poolId, want.deviceId, want.clientAppId);
    const jtiKey = want.deviceId === undefined || want.jti === undefined ? undefined : keys.jti(poolId, want.deviceId, want.jti);
    const planned = [
      poolKey,
      ...(deviceKey ? [deviceKey] : []),
      ...(bindingKey ? [bindingKey] : []),
      ...revocationItemKeys(poolId, candidates),
      ...this.cachedBucketKeys(poolId, candidates),
    ];
    const found = await batchGetTables(this.client, { [this.tables.config]: planned, ...(jtiKey ? { [this.tables.runtime]: [jtiKey] } : {}) });
    const items = new Map((found[this.tables.config] ?? []).map((item) => [String(item.sk), item]));
    const requested = new Set(planned.map((key) => key.sk));

    this.remember(poolId, candidates, items);
    const unplanned = crlBucketKeys(poolId, candidates, items).filter((key) => !requested.has(key.sk));
    if (unplanned.length > 0) {
      const more = await batchGetTables(this.client, { [this.tables.config]: unplanned });
      for (const item of more[this.tables.config] ?? []) items.set(String(item.sk), item);
      for (const key of unplanned) requested.add(key.sk);
    }

    const poolItem = items.get(poolKey.sk);
    const record = deviceKey && items.get(deviceKey.sk);
    const binding = bindingKey && items.get(bindingKey.sk);
    const spent = found[this.tables.runtime]?.[0];
    return {
      pool: poolItem ? poolFromItem(poolItem) : undefined,
      anchors: poolItem ? (anchorsFromItem(poolItem) ?? (await this.anchorsFromRecords(poolId))) : new Map(),
      device: record ? toDevice(record) : undefined,
      binding: record && binding && binding.deviceGeneration === record.generation ? toBinding(binding) : undefined,
      jtiSpentUntil: spent ? Number(spent.expiresAt) : undefined,
      revocationFor: (subjects) => {
        const covered = (list: TableKey[]) => list.every((key) => requested.has(key.sk));
        if (!covered(revocationItemKeys(poolId, subjects)) || !covered(crlBucketKeys(poolId, subjects, items))) return undefined;
        return viewFromItems(poolId, subjects, items);
      },
    };
  }

  /** Bucket keys of the candidates under the CRL pointers last read. */
  private cachedBucketKeys(poolId: string, candidates: readonly RevocationKeys[]): TableKey[] {
    return candidates.flatMap((candidate) => {
      const pointer = this.pointers.get(pointerKey(poolId, candidate.issuerId));
      return pointer ? [crlBucketKey(poolId, candidate.issuerId, pointer, candidate.serialNumberHex)] : [];
    });
  }

  /** The pointers of the issuers just read: a CRL# item found, or none (forgotten). */
  private remember(poolId: string, candidates: readonly RevocationKeys[], items: ReadonlyMap<string, Record<string, unknown>>): void {
    for (const { issuerId } of candidates) {
      const crl = items.get(keys.crl(poolId, issuerId).sk);
      const key = pointerKey(poolId, issuerId);
      if (!crl) {
        this.pointers.delete(key);
        continue;
      }
      if (this.pointers.size >= POINTER_CACHE_SIZE) this.pointers.clear();
      this.pointers.set(key, { crlId: String(crl.crlId), bucketCount: Number(crl.bucketCount) });
    }
  }

  /** A pool whose trust list is still only in its ROOT# records (dynamo-trust-store-repository.ts). */
  private async anchorsFromRecords(poolId: string): Promise<Map<string, Uint8Array>> {
    const records = await queryPoolPrefix(this.client, this.tables.config, poolId, keys.rootPrefix);
    return new Map(records.map((record) => [String(record.sk).slice(keys.rootPrefix.length), new Uint8Array(Buffer.from(String(record.der), 'base64'))]));
  }
}

const pointerKey = (poolId: string, issuerId: string) => `${poolId}\u0000${issuerId}`;
