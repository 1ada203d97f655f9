import { randomBytes } from 'node:crypto';
import type { StoredCrl } from '../domain/model';
import { type CrlEntry, isNewerCrl } from '../domain/revocation';
import type { TrustDecisionWindow } from '../domain/trust-decision-window';
import { callDependency, DependencyError, DomainError } from '../errors';
import { logger } from '../observability';
import type { ScopedCrl } from '../usecases/ports';
import { batchDeleteKeys, batchPutItems, querySortKeys, type TableKey } from './batch-operations';
import { type BucketPlan, itemBytes, planBuckets, UnstorableCrlError } from './crl-buckets';
import { type CrlPointer, crlAttribute, crlEntryAttribute, legacyCrlOf, scopeCrlOfSigner, scopeCrlsOf, toStoredCrl } from './crl-items';
import type { DocumentClient } from './document-client';
import { cancellationReasons, keys } from './keys';
import { queryPoolPrefix } from './table-operations';
import { type TransactItems, type TrustChangeOutcome, tryTrustChange } from './trust-change';

/**
 * Bucket items whose crlId is neither current nor older than this are left
 * alone by the sweep: they may belong to an upload still in flight (a request
 * lasts at most API Gateway's 29 s; a Lambda at most 15 minutes).
 */
const IN_FLIGHT_GRACE_MS = 15 * 60 * 1000;
/** cRLNumber is at most 20 octets (RFC 5280 §5.2.3): below 10^49, so 49 decimal digits sort it as a string. */
const CRL_NUMBER_DIGITS = 49;
/** A CRL item changed under a delete (replaced by an upload), or a legacy item under an upload: read it again. */
const ATTEMPTS = 5;
/** Bucket numbers are below 2^17 (a 2 MiB CRL has fewer entries): an empty bucket item is measured with the longest one. */
const WIDEST_BUCKET_NUMBER = 999_999;
/**
 * Signing keys with a current CRL in one scope: a CA's key and its separate
 * CRL key, the keys either side of a rollover. Every token request of the
 * scope reads them all (one item, a read unit per 4 KB), so the count is bounded.
 */
export const MAX_CRLS_PER_SCOPE = 8;

/**
 * The CRL half of the pool's revocation state (layout: keys.ts,
 * crl-items.ts). A CRL is one attribute of its scope's `CRLSCOPE#` item,
 * naming a `crlId` (fresh per upload) and a `bucketCount`, and
 * `bucketCount` items `CRLSCOPEENTRIES#{scopeId}#{crlId}#{bucket}`, each a
 * map serial → entry of the serials hashed into it. Buckets are written
 * before the attribute that references them and deleted only after nothing
 * references them, so a reader that follows a committed attribute finds its
 * buckets, except when a concurrent upload or delete unreferenced them in
 * between, which also moved the trustEpoch (revocation-view.ts). Buckets
 * that nothing names are dead: nothing reads them, and the sweep removes them.
 *
 * Freshness (isNewerCrl: by cRLNumber when both CRLs carry one, else by
 * thisUpdate) per scope and signing key is the update's condition, so of two
 * concurrent uploads the newer always ends stored. It compares two sortable
 * attributes: `crlNumberKey`, the cRLNumber zero-padded to 49 decimal
 * digits, and `thisUpdate`, an ISO 8601 UTC string with milliseconds.
 *
 * A CRL stored before scopes existed (`CRL#{signerId}`) is removed by the
 * next upload of the same signer, in the same transaction, on the condition
 * that it is still the one read, and that upload must be newer than it too.
 */
export class DynamoCrlStore {
  constructor(
    private readonly client: DocumentClient,
    private readonly tableName: string,
    private readonly window: TrustDecisionWindow,
    private readonly clock: () => number,
  ) {}

  async put(poolId: string, crl: ScopedCrl, entries: readonly CrlEntry[]): Promise<'stored' | 'not_newer'> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const outcome = await this.putOnce(poolId, crl, entries);
      if (outcome !== 'legacy_changed') return outcome;
    }
    throw new DependencyError('dynamodb', new Error(`the CRL stored before scopes for signer ${crl.signerId} kept changing under an upload`));
  }

  async list(poolId: string): Promise<StoredCrl[]> {
    const [scoped, legacy] = await Promise.all([
      queryPoolPrefix(this.client, this.tableName, poolId, keys.crlScopePrefix),
      queryPoolPrefix(this.client, this.tableName, poolId, keys.crlPrefix),
    ]);
    return [...scoped.flatMap((item) => scopeCrlsOf(String(item.scopeId), item).map(listed)), ...legacy.map(toStoredCrl)];
  }

  async delete(poolId: string, id: string): Promise<boolean> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const legacy = legacyCrlOf(id, await this.get(keys.crl(poolId, id)));
      const outcome = legacy ? await this.deleteLegacy(poolId, id, legacy) : await this.deleteScoped(poolId, id);
      if (outcome !== 'changed') return outcome;
    }
    throw new DependencyError('dynamodb', new Error(`the CRL ${id} kept changing under deleteCrl`));
  }

  private async putOnce(poolId: string, crl: ScopedCrl, entries: readonly CrlEntry[]): Promise<'stored' | 'not_newer' | 'legacy_changed'> {
    const { scopeId, signerId } = crl;
    const scopeKey = keys.crlScope(poolId, scopeId);
    const legacyKey = keys.crl(poolId, signerId);
    const [scopeItem, legacyItem] = await Promise.all([this.get(scopeKey), this.get(legacyKey)]);
    const previous = scopeCrlOfSigner(scopeId, scopeItem, signerId);
    const legacy = legacyCrlOf(signerId, legacyItem);
    // Cheap early answers for the common case; the conditions below are what decide under concurrency.
    if ([previous, legacy].some((stored) => stored !== undefined && !isNewerCrl(freshnessOf(crl), freshnessOf(stored)))) return 'not_newer';
    if (previous === undefined && scopeCrlsOf(scopeId, scopeItem).length >= MAX_CRLS_PER_SCOPE) {
      throw new DomainError(
        'crl_signing_keys_exceeded',
        `the pool already holds CRLs of '${crl.issuer}' signed with ${MAX_CRLS_PER_SCOPE} different keys; delete one that is no longer published (DELETE .../crls/{id}) first`,
      );
    }
    const numberKey = crlNumberKey(crl.crlNumber);
    const crlId = this.newCrlId();
    const emptyBucket = (bucket: number) => ({ ...keys.crlScopeEntries(poolId, scopeId, crlId, bucket), type: 'crlEntries', crlId });
    const plan = planOrRefuse(entries, itemBytes({ ...emptyBucket(WIDEST_BUCKET_NUMBER), entries: {} }));
    const bucketKeys = plan.buckets.map((_, bucket) => keys.crlScopeEntries(poolId, scopeId, crlId, bucket));

    // Every bucket exists, empty ones included: a referenced bucket that is missing means "replaced meanwhile", never "no entries".
    // Nothing references them yet: when writing them fails part-way, those written are removed (else left to the sweep).
    try {
      await batchPutItems(
        this.client,
        this.tableName,
        plan.buckets.map((map, bucket) => ({ ...emptyBucket(bucket), entries: map })),
      );
    } catch (error) {
      await this.deleteBucketsQuietly(poolId, scopeId, bucketKeys);
      throw error;
    }

    const change: TransactItems = [
      this.putEntry(scopeKey, crl, { crlId, bucketCount: plan.bucketCount, numberKey }),
      ...(legacy ? [this.dropLegacy(legacyKey, legacy)] : []),
    ];
    let outcome: TrustChangeOutcome;
    try {
      outcome = await tryTrustChange(this.client, this.tableName, poolId, change, this.window);
    } catch (error) {
      // A cancelled transaction wrote nothing, so these buckets are ours and unreferenced. After any other
      // failure (a timeout, a lost reply) the commit may have happened: leave them to the sweep.
      if (error instanceof DomainError || cancellationReasons(error instanceof DependencyError ? error.cause : error) !== undefined) {
        await this.deleteBucketsQuietly(poolId, scopeId, bucketKeys);
      }
      throw error;
    }
    if (!outcome.committed) {
      await this.deleteBucketsQuietly(poolId, scopeId, bucketKeys);
      return outcome.failed.includes(0) ? 'not_newer' : 'legacy_changed';
    }
    // The previous crlId was current when read and this upload replaced it after: nothing can name it again.
    await this.sweep(poolId, scopeId, [...(previous?.allBucketKeys(poolId) ?? []), ...(legacy?.allBucketKeys(poolId) ?? [])]);
    if (legacy) await this.sweepLegacy(poolId, signerId);
    return 'stored';
  }

  /** Sets the signer's attribute of the scope item, on the condition that the one it replaces is older (isNewerCrl). */
  private putEntry(scopeKey: TableKey, crl: ScopedCrl, stored: { crlId: string; bucketCount: number; numberKey: string | undefined }): TransactItems[number] {
    const { scopeId, signerId, signerPath, ...listing } = crl;
    const entry = crlEntryAttribute(listing, { crlId: stored.crlId, bucketCount: stored.bucketCount, crlNumberKey: stored.numberKey, signerId, signerPath });
    const names = { '#c': crlAttribute(signerId), '#type': 'type', '#scope': 'scopeId', '#t': 'thisUpdate' };
    const values: Record<string, unknown> = { ':entry': entry, ':type': 'crlScope', ':scope': scopeId, ':thisUpdate': crl.thisUpdate };
    let condition = 'attribute_not_exists(#c) OR #c.#t < :thisUpdate';
    if (stored.numberKey !== undefined) {
      values[':crlNumberKey'] = stored.numberKey;
      condition = 'attribute_not_exists(#c) OR #c.#n < :crlNumberKey OR (attribute_not_exists(#c.#n) AND #c.#t < :thisUpdate)';
    }
    return {
      Update: {
        TableName: this.tableName,
        Key: scopeKey,
        UpdateExpression: 'SET #c = :entry, #type = :type, #scope = :scope',
        ConditionExpression: condition,
        ExpressionAttributeNames: stored.numberKey === undefined ? names : { ...names, '#n': 'crlNumberKey' },
        ExpressionAttributeValues: values,
      },
    };
  }

  /** Removes the signer's CRL stored before scopes on the condition that it is still the one read (crlId is unique per upload), the one an upload was found newer than. */
  private dropLegacy(legacyKey: TableKey, legacy: CrlPointer): TransactItems[number] {
    return {
      Delete: { TableName: this.tableName, Key: legacyKey, ConditionExpression: 'crlId = :crlId', ExpressionAttributeValues: { ':crlId': legacy.crlId } },
    };
  }

  private async deleteLegacy(poolId: string, issuerId: string, current: CrlPointer): Promise<boolean | 'changed'> {
    // Conditioned on the crlId read, so the buckets swept below are exactly those this delete unreferenced.
    const outcome = await tryTrustChange(this.client, this.tableName, poolId, [this.dropLegacy(keys.crl(poolId, issuerId), current)], this.window);
    if (!outcome.committed) return 'changed';
    await this.deleteBucketsQuietly(poolId, issuerId, current.allBucketKeys(poolId));
    await this.sweepLegacy(poolId, issuerId);
    return true;
  }

  private async deleteScoped(poolId: string, id: string): Promise<boolean | 'changed'> {
    const scopes = await queryPoolPrefix(this.client, this.tableName, poolId, keys.crlScopePrefix);
    for (const item of scopes) {
      const scopeId = String(item.scopeId);
      const name = Object.keys(item).find((attribute) => scopeCrlsOf(scopeId, { [attribute]: item[attribute] })[0]?.id === id);
      if (name === undefined) continue;
      const current = scopeCrlsOf(scopeId, { [name]: item[name] })[0];
      const outcome = await tryTrustChange(
        this.client,
        this.tableName,
        poolId,
        [
          {
            Update: {
              TableName: this.tableName,
              Key: keys.crlScope(poolId, scopeId),
              UpdateExpression: 'REMOVE #c',
              ConditionExpression: '#c.crlId = :crlId',
              ExpressionAttributeNames: { '#c': name },
              ExpressionAttributeValues: { ':crlId': current.crlId },
            },
          },
        ],
        this.window,
      );
      if (!outcome.committed) return 'changed';
      await this.sweep(poolId, scopeId, current.allBucketKeys(poolId));
      return true;
    }
    return false;
  }

  private async get(key: TableKey): Promise<Record<string, unknown> | undefined> {
    const result = await callDependency('dynamodb', () => this.client.get({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return result.Item;
  }

  /** Hex time in milliseconds then randomness: unique, and its age is readable from the key alone (sweep). */
  private newCrlId(): string {
    return `${Math.floor(this.clock()).toString(16).padStart(12, '0')}${randomBytes(8).toString('hex')}`;
  }

  /** Removes buckets nothing references, after a failure: a failing cleanup is logged and left to the sweep, never hides the failure. */
  private async deleteBucketsQuietly(poolId: string, ownerId: string, bucketKeys: TableKey[]): Promise<void> {
    try {
      await batchDeleteKeys(this.client, this.tableName, bucketKeys);
    } catch (error) {
      logger.warn('could not remove unreferenced CRL buckets; the next upload of this issuer sweeps them', {
        poolId,
        ownerId,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  }

  /**
   * After a commit that unreferenced `unreferenced` (the buckets of the CRL it
   * replaced or deleted), removes them, then the scope's other dead buckets
   * left by earlier failures (a crash between a commit and its bucket
   * deletes): those of any crlId no CRL of the scope names and older than an
   * upload can be in flight. Best effort by design: the commit already
   * decided, and dead buckets cost storage, never correctness (nothing reads
   * a bucket no CRL names). The next upload or delete in the scope sweeps again.
   */
  private async sweep(poolId: string, scopeId: string, unreferenced: TableKey[]): Promise<void> {
    await this.sweepDead(poolId, scopeId, unreferenced, keys.crlScopeEntriesPrefix(scopeId), async () =>
      scopeCrlsOf(scopeId, await this.get(keys.crlScope(poolId, scopeId))).map((crl) => crl.crlId),
    );
  }

  /** The same for the buckets of a CRL stored before scopes, once its item is gone. */
  private async sweepLegacy(poolId: string, issuerId: string): Promise<void> {
    await this.sweepDead(poolId, issuerId, [], keys.crlEntriesPrefix(issuerId), async () => {
      const current = legacyCrlOf(issuerId, await this.get(keys.crl(poolId, issuerId)));
      return current ? [current.crlId] : [];
    });
  }

  private async sweepDead(poolId: string, ownerId: string, unreferenced: TableKey[], prefix: string, currentCrlIds: () => Promise<string[]>): Promise<void> {
    try {
      await batchDeleteKeys(this.client, this.tableName, unreferenced);
      const [current, sortKeys] = await Promise.all([currentCrlIds(), querySortKeys(this.client, this.tableName, poolId, prefix)]);
      const cutoff = this.clock() - IN_FLIGHT_GRACE_MS;
      const dead = sortKeys.filter((sk) => {
        const crlId = sk.slice(prefix.length).split('#')[0];
        return !current.includes(crlId) && parseInt(crlId.slice(0, 12), 16) < cutoff;
      });
      await batchDeleteKeys(
        this.client,
        this.tableName,
        dead.map((sk) => ({ pk: keys.poolPartition(poolId), sk })),
      );
    } catch (error) {
      logger.warn('could not sweep unreferenced CRL buckets; the next upload of this issuer retries', {
        poolId,
        ownerId,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  }
}

/** A scoped CRL as the listing shows it. */
function listed(crl: CrlPointer): StoredCrl {
  const { id, issuer, thisUpdate, nextUpdate, crlNumber, revokedCount, sha256, uploadedAt } = crl;
  return { id, issuer, thisUpdate, nextUpdate, ...(crlNumber === undefined ? {} : { crlNumber }), revokedCount, sha256, uploadedAt };
}

/** Unstorable entries are a property of the CRL (serials made to be huge or to share a bucket), not a storage failure: refused like an oversized file, before any write. */
function planOrRefuse(entries: readonly CrlEntry[], emptyItemBytes: number): BucketPlan {
  try {
    return planBuckets(entries, emptyItemBytes);
  } catch (error) {
    if (error instanceof UnstorableCrlError) throw new DomainError('crl_too_large', `the CRL cannot be stored: ${error.message}`);
    throw error;
  }
}

function freshnessOf(crl: Pick<StoredCrl, 'crlNumber' | 'thisUpdate'>) {
  return { crlNumber: crl.crlNumber, thisUpdate: new Date(crl.thisUpdate) };
}

function crlNumberKey(crlNumber: string | undefined): string | undefined {
  if (crlNumber === undefined) return undefined;
  // The CRL decoder admits no other cRLNumber (src/domain/revocation/crl-extensions.ts): anything else is a defect, not a refusal.
  if (!/^\d{1,49}$/.test(crlNumber)) throw new Error('cRLNumber must be a decimal integer of at most 20 octets');
  return crlNumber.padStart(CRL_NUMBER_DIGITS, '0');
}
