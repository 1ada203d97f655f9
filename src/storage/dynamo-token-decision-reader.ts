import type { DecisionParties, RevocationKeys, TokenDecisionReader, TokenDecisionState } from '../usecases/ports';
import type { TableKey } from './batch-operations';
import { toBinding, toDevice } from './device-items';
import type { DocumentClient } from './document-client';
import { anchorsFromItem, poolFromItem } from './dynamo-directory-repository';
import { keys } from './keys';
import { revocationReadKeys, viewFromItems } from './revocation-view';
import { batchGetTables, queryPoolPrefix } from './table-operations';

/** CRL items kept per function instance (to plan reads, never to decide); past this many the cache starts over. */
const CRL_ITEM_CACHE_SIZE = 4096;
/** Reads after the first that chase CRLs and their signers not known before: each finds the items the previous one named. */
const MAX_FOLLOW_UP_READS = 4;

/**
 * The token decision's read (TokenDecisionReader): one strongly consistent
 * BatchGetItem across both tables of
 *
 * - the pool item: settings, trustEpoch, signing keys and its trust list
 *   (`anchors`, dynamo-trust-store-repository.ts);
 * - the device record and the binding (config table), the jti (runtime table);
 * - for every certificate the request presents (with each anchor its path
 *   may end at), what revocationReadKeys names: `REVOKED#`,
 *   `REVOKEDSERIAL#`, `REVOKEDKEY#`, its issuer's `CRLSCOPE#` item (and the
 *   legacy `CRL#` items of its issuer's keys), the bucket holding its serial
 *   in each of those CRLs, and the same for the certificates of each CRL
 *   signer's path — planned from the CRL items as last read.
 *
 * Nothing decides on the cached items: a bucket or a signer is used only
 * when a CRL item read in the same call names it; when it names one not
 * read (a new CRL, a new signer, an issuer not known to have one), another
 * BatchGetItem reads it. Pools whose trust list is not yet in their item
 * (created before it was) are read with one more Query of their ROOT#
 * records. So a warm function makes one call, and never decides on a stale
 * cache.
 */
export class DynamoTokenDecisionReader implements TokenDecisionReader {
  /** Per pool, sort key → the CRL item (`CRLSCOPE#`, legacy `CRL#`) as last read. */
  private readonly crlItems = new Map<string, Map<string, Record<string, unknown>>>();
  private cachedCount = 0;

  constructor(
    private readonly client: DocumentClient,
    private readonly tables: { config: string; runtime: string },
  ) {}

  async read(poolId: string, want: DecisionParties & { revocationCandidates: readonly RevocationKeys[] }): Promise<TokenDecisionState> {
    const candidates = want.revocationCandidates;
    const poolKey = keys.pool(poolId);
    const deviceKey = want.deviceId === undefined ? undefined : keys.device(poolId, want.deviceId);
    const bindingKey = want.deviceId === undefined || want.clientAppId === undefined ? undefined : keys.binding(poolId, want.deviceId, want.clientAppId);
    const jtiKey = want.deviceId === undefined || want.jti === undefined ? undefined : keys.jti(poolId, want.deviceId, want.jti);
    const planned = [
      poolKey,
      ...(deviceKey ? [deviceKey] : []),
      ...(bindingKey ? [bindingKey] : []),
      ...revocationReadKeys(poolId, candidates, this.crlItems.get(poolId) ?? new Map()),
    ];
    const found = await batchGetTables(this.client, { [this.tables.config]: planned, ...(jtiKey ? { [this.tables.runtime]: [jtiKey] } : {}) });
    const items = new Map((found[this.tables.config] ?? []).map((item) => [String(item.sk), item]));
    const requested = new Set(planned.map((key) => key.sk));
    this.remember(poolId, planned, items);

    for (let round = 1; round <= MAX_FOLLOW_UP_READS; round++) {
      const unplanned = revocationReadKeys(poolId, candidates, items).filter((key) => !requested.has(key.sk));
      if (unplanned.length === 0) break;
      const more = await batchGetTables(this.client, { [this.tables.config]: unplanned });
      for (const item of more[this.tables.config] ?? []) items.set(String(item.sk), item);
      for (const key of unplanned) requested.add(key.sk);
      this.remember(poolId, unplanned, items);
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
      // Covered when every item the view of these certificates needs, given what was read, was read.
      revocationFor: (subjects) =>
        revocationReadKeys(poolId, subjects, items).every((key) => requested.has(key.sk)) ? viewFromItems(poolId, subjects, items) : undefined,
    };
  }

  /** The CRL items just asked for: kept when found, forgotten when absent. */
  private remember(poolId: string, asked: readonly TableKey[], items: ReadonlyMap<string, Record<string, unknown>>): void {
    for (const { sk } of asked) {
      if (!sk.startsWith(keys.crlScopePrefix) && !sk.startsWith(keys.crlPrefix)) continue;
      const item = items.get(sk);
      const pool = this.crlItems.get(poolId);
      if (!item) {
        if (pool?.delete(sk)) this.cachedCount--;
        continue;
      }
      if (this.cachedCount >= CRL_ITEM_CACHE_SIZE) {
        this.crlItems.clear();
        this.cachedCount = 0;
      }
      const kept = this.crlItems.get(poolId) ?? new Map<string, Record<string, unknown>>();
      if (!kept.has(sk)) this.cachedCount++;
      kept.set(sk, item);
      this.crlItems.set(poolId, kept);
    }
  }

  /** A pool whose trust list is still only in its ROOT# records (dynamo-trust-store-repository.ts). */
  private async anchorsFromRecords(poolId: string): Promise<Map<string, Uint8Array>> {
    const records = await queryPoolPrefix(this.client, this.tables.config, poolId, keys.rootPrefix);
    return new Map(records.map((record) => [String(record.sk).slice(keys.rootPrefix.length), new Uint8Array(Buffer.from(String(record.der), 'base64'))]));
  }
}
