import { randomBytes } from 'node:crypto';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DependencyError, DomainError, callDependency } from '../errors';
import type { CertificateRevocation, StoredCrl } from '../domain/model';
import { fingerprintIdentities, isNewerCrl, matchesOf, type CrlEntry, type RevocationIdentities, type RevocationView } from '../domain/revocation';
import type { RevocationRepository } from '../usecases/ports';
import { logger } from '../logger';
import { UnstorableCrlError, itemBytes, planBuckets, type BucketPlan } from './crl-buckets';
import { batchDeleteKeys, batchGetKeys, batchPutItems, querySortKeys, type TableKey } from './batch-operations';
import { cancellationReasons, keys } from './keys';
import { commitTrustChange, queryPoolPrefix } from './table-operations';
import type { TrustDecisionWindow } from '../domain/trust-decision-window';
import { buildRevocationView, type RevocationViewSubject } from './revocation-view';

/**
 * Bucket items whose crlId is neither current nor older than this are left
 * alone by the sweep: they may belong to an upload still in flight (a request
 * lasts at most API Gateway's 29 s; a Lambda at most 15 minutes).
 */
const IN_FLIGHT_GRACE_MS = 15 * 60 * 1000;

/** cRLNumber is at most 20 octets (RFC 5280 §5.2.3): below 10^49, so 49 decimal digits sort it as a string. */
const CRL_NUMBER_DIGITS = 49;

/** A CRL item changed under deleteCrl (replaced by an upload), or a revocation's identities under deleteRevocation: read it again. */
const DELETE_ATTEMPTS = 5;

/** Bucket numbers are below 2^17 (a 2 MiB CRL has fewer entries): an empty bucket item is measured with the longest one. */
const WIDEST_BUCKET_NUMBER = 999_999;

type TransactItems = Parameters<typeof commitTrustChange>[3];

/**
 * SPEC §3.4 revocation state of a pool (layout in keys.ts). Every write that
 * takes trust away commits together with the pool's trustEpoch.
 *
 * An operator revocation is its record `REVOKED#{fingerprint}` and, when it
 * was given as a PEM, one item per further identity it matches
 * (revocation-identity.ts): `REVOKEDSERIAL#{issuerSerialId}` and, for a CA,
 * `REVOKEDKEY#{crlIssuerId}`. An identity item holds the set of the ids of
 * the revocations that match it (`revocationIds`), since two revocations may
 * share one (two encodings of a certificate, a CA and its renewal); each
 * record names its identity items (`issuerSerialId`, `keyId`). The record and
 * its identities are written, extended and removed in one transaction
 * conditioned on the record, so an identity item names exactly the records
 * that exist and name it, and a lifted revocation leaves nothing behind.
 *
 * A CRL is one metadata item `CRL#{issuerId}` naming a `crlId` (fresh per
 * upload) and a `bucketCount`, and `bucketCount` items
 * `CRLENTRIES#{issuerId}#{crlId}#{bucket}`, each a map serial → entry of the
 * serials hashed into it. Buckets are written before the metadata that
 * references them and deleted only after no metadata references them, so a
 * reader that follows a committed metadata item finds its buckets, except
 * when a concurrent upload or delete unreferenced them in between, which also
 * moved the trustEpoch (see revocationView). Buckets that no metadata names
 * are dead: nothing reads them, and the sweep removes them.
 *
 * Freshness (isNewerCrl: by cRLNumber when both CRLs carry one, else by
 * thisUpdate) is the metadata Put's condition, so of two concurrent uploads
 * the newer always ends stored. It compares two sortable attributes:
 * `crlNumberKey`, the cRLNumber zero-padded to 49 decimal digits, and
 * `thisUpdate`, an ISO 8601 UTC string with milliseconds (fixed width).
 */
export class DynamoRevocationRepository implements RevocationRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly window: TrustDecisionWindow,
    private readonly clock: () => number = Date.now,
  ) {}

  async putRevocation(
    poolId: string,
    revocation: Omit<CertificateRevocation, 'matches'>,
    identities: RevocationIdentities = fingerprintIdentities(revocation.fingerprint),
  ): Promise<boolean> {
    // `matches` is not stored: it is derived from the identities the record names (toRevocation).
    const { matches: _derived, ...fields } = revocation as Partial<CertificateRevocation>;
    const item = { ...keys.revoked(poolId, revocation.id), type: 'revocation', ...fields, ...identityAttributes(identities) };
    return this.trustChange(poolId, [
      { Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
      ...this.identityKeys(poolId, identities).map((key) => this.addIdentity(key, revocation.id)),
    ]);
  }

  async extendRevocation(
    poolId: string,
    id: string,
    details: Pick<CertificateRevocation, 'subject' | 'issuer' | 'serialNumber'>,
    identities: RevocationIdentities,
  ): Promise<CertificateRevocation | undefined> {
    const added = this.identityKeys(poolId, identities);
    if (added.length === 0) return undefined;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    for (const [index, [name, value]] of Object.entries({ ...definedOnly(details), ...identityAttributes(identities) }).entries()) {
      names[`#a${index}`] = name;
      values[`:a${index}`] = value;
      sets.push(`#a${index} = :a${index}`);
    }
    const extended = await this.trustChange(poolId, [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.revoked(poolId, id),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(issuerSerialId) AND attribute_not_exists(keyId)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      ...added.map((key) => this.addIdentity(key, id)),
    ]);
    return extended ? this.getRevocation(poolId, id) : undefined;
  }

  async getRevocation(poolId: string, id: string): Promise<CertificateRevocation | undefined> {
    const item = await this.get(keys.revoked(poolId, id));
    return item ? toRevocation(item) : undefined;
  }

  async listRevocations(poolId: string): Promise<CertificateRevocation[]> {
    return (await queryPoolPrefix(this.client, this.tableName, poolId, keys.revokedPrefix)).map(toRevocation);
  }

  /**
   * Lifting a revocation gives trust back; it moves the epoch all the same, so
   * every write of this state has one rule. The record goes on the condition
   * that it still names the identities read, and each identity item loses
   * this id (or goes, when it was the only one) on the condition that it
   * still holds what was read; a concurrent change makes it read again.
   */
  async deleteRevocation(poolId: string, id: string): Promise<boolean> {
    for (let attempt = 1; attempt <= DELETE_ATTEMPTS; attempt++) {
      const current = await this.get(keys.revoked(poolId, id));
      if (!current) return false;
      const identityKeys = this.identityKeys(poolId, identitiesOfItem(current));
      const held = identityKeys.length === 0 ? new Map<string, Record<string, unknown>>() : await batchGetKeys(this.client, this.tableName, identityKeys);
      const values: Record<string, unknown> = {};
      const conditions = ['attribute_exists(pk)'];
      for (const name of ['issuerSerialId', 'keyId'] as const) {
        if (typeof current[name] === 'string') {
          conditions.push(`${name} = :${name}`);
          values[`:${name}`] = current[name];
        } else {
          conditions.push(`attribute_not_exists(${name})`);
        }
      }
      const deleted = await this.trustChange(poolId, [
        {
          Delete: {
            TableName: this.tableName,
            Key: keys.revoked(poolId, id),
            ConditionExpression: conditions.join(' AND '),
            ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
          },
        },
        ...identityKeys.flatMap((key) => this.removeIdentity(key, held.get(key.sk), id)),
      ]);
      if (deleted) return true;
    }
    throw new DependencyError('dynamodb', new Error(`the revocation ${id} kept changing under deleteRevocation`));
  }

  async putCrl(poolId: string, crl: StoredCrl, entries: readonly CrlEntry[]): Promise<'stored' | 'not_newer'> {
    const previous = await this.get(keys.crl(poolId, crl.id));
    // Cheap early answer for the common case; the condition below is what decides under concurrency.
    if (previous && !isNewerCrl(freshnessOf(crl), freshnessOf(toStoredCrl(previous)))) return 'not_newer';
    const crlId = this.newCrlId();
    const emptyBucket = (bucket: number) => ({ ...keys.crlEntries(poolId, crl.id, crlId, bucket), type: 'crlEntries', crlId });
    const plan = planOrRefuse(entries, itemBytes({ ...emptyBucket(WIDEST_BUCKET_NUMBER), entries: {} }));
    const bucketCount = plan.bucketCount;
    const numberKey = crlNumberKey(crl.crlNumber);
    const metadata = { ...keys.crl(poolId, crl.id), type: 'crl', ...crl, crlId, bucketCount, ...(numberKey === undefined ? {} : { crlNumberKey: numberKey }) };
    const bucketKeys = plan.buckets.map((_, bucket) => keys.crlEntries(poolId, crl.id, crlId, bucket));

    // Every bucket exists, empty ones included: a referenced bucket that is missing means "replaced meanwhile", never "no entries".
    // Nothing references them yet: when writing them fails part-way, those written are removed (else left to the sweep).
    try {
      await batchPutItems(
        this.client,
        this.tableName,
        plan.buckets.map((map, bucket) => ({ ...emptyBucket(bucket), entries: map })),
      );
    } catch (error) {
      await this.deleteBucketsQuietly(poolId, crl.id, bucketKeys);
      throw error;
    }

    const values: Record<string, unknown> = { ':thisUpdate': crl.thisUpdate };
    let condition = 'attribute_not_exists(pk) OR thisUpdate < :thisUpdate';
    if (numberKey !== undefined) {
      values[':crlNumberKey'] = numberKey;
      condition = 'attribute_not_exists(pk) OR crlNumberKey < :crlNumberKey OR (attribute_not_exists(crlNumberKey) AND thisUpdate < :thisUpdate)';
    }
    let stored: boolean;
    try {
      stored = await this.trustChange(poolId, [
        { Put: { TableName: this.tableName, Item: metadata, ConditionExpression: condition, ExpressionAttributeValues: values } },
      ]);
    } catch (error) {
      // A cancelled transaction wrote nothing, so these buckets are ours and unreferenced. After any other
      // failure (a timeout, a lost reply) the commit may have happened: leave them to the sweep.
      if (error instanceof DomainError || cancellationReasons(error instanceof DependencyError ? error.cause : error) !== undefined) {
        await this.deleteBucketsQuietly(poolId, crl.id, bucketKeys);
      }
      throw error;
    }
    if (!stored) {
      await this.deleteBucketsQuietly(poolId, crl.id, bucketKeys);
      return 'not_newer';
    }
    // The previous crlId was current when read and this upload replaced the item after: nothing can name it again.
    await this.sweep(poolId, crl.id, previous ? bucketKeysOf(poolId, previous) : []);
    return 'stored';
  }

  async listCrls(poolId: string): Promise<StoredCrl[]> {
    return (await queryPoolPrefix(this.client, this.tableName, poolId, keys.crlPrefix)).map(toStoredCrl);
  }

  async deleteCrl(poolId: string, id: string): Promise<boolean> {
    for (let attempt = 1; attempt <= DELETE_ATTEMPTS; attempt++) {
      const current = await this.get(keys.crl(poolId, id));
      if (!current) return false;
      // Conditioned on the crlId read, so the buckets swept below are exactly those this delete unreferenced.
      const deleted = await this.trustChange(poolId, [
        {
          Delete: {
            TableName: this.tableName,
            Key: keys.crl(poolId, id),
            ConditionExpression: 'crlId = :crlId',
            ExpressionAttributeValues: { ':crlId': current.crlId },
          },
        },
      ]);
      if (deleted) {
        await this.sweep(poolId, id, bucketKeysOf(poolId, current));
        return true;
      }
    }
    throw new DependencyError('dynamodb', new Error(`the CRL of issuer ${id} kept changing under deleteCrl`));
  }

  async revocationView(poolId: string, subjects: readonly RevocationViewSubject[]): Promise<RevocationView> {
    return buildRevocationView(this.client, this.tableName, poolId, subjects);
  }

  /** The change plus the trustEpoch increment; false when a condition of the change itself failed (nothing written). */
  private async trustChange(poolId: string, change: TransactItems): Promise<boolean> {
    try {
      await callDependency('dynamodb', () => commitTrustChange(this.client, this.tableName, poolId, change, this.window));
      return true;
    } catch (error) {
      const reasons = cancellationReasons(error instanceof DependencyError ? error.cause : error);
      if (reasons?.slice(0, change.length).includes('ConditionalCheckFailed')) return false;
      if (reasons?.[change.length] === 'ConditionalCheckFailed') throw new DomainError('pool_not_found', 'unknown client pool');
      throw error;
    }
  }

  /** The identity items of a revocation, besides its record. */
  private identityKeys(poolId: string, identities: RevocationIdentities): TableKey[] {
    return [
      ...(identities.issuerAndSerial === undefined ? [] : [keys.revokedSerial(poolId, identities.issuerAndSerial)]),
      ...(identities.subjectAndKey === undefined ? [] : [keys.revokedKey(poolId, identities.subjectAndKey)]),
    ];
  }

  private addIdentity(key: TableKey, id: string): TransactItems[number] {
    return {
      Update: {
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'ADD revocationIds :ids SET #type = :type',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':ids': new Set([id]), ':type': 'revocationIdentity' },
      },
    };
  }

  /** Takes `id` out of an identity item as read: the item goes with its last id. Nothing when the item does not hold it. */
  private removeIdentity(key: TableKey, item: Record<string, unknown> | undefined, id: string): TransactItems {
    const ids = item?.revocationIds;
    if (!(ids instanceof Set) || !ids.has(id)) return [];
    const values = { ':id': id, ':one': 1 };
    if (ids.size === 1) {
      return [{ Delete: { TableName: this.tableName, Key: key, ConditionExpression: 'size(revocationIds) = :one AND contains(revocationIds, :id)', ExpressionAttributeValues: values } }];
    }
    return [
      {
        Update: {
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'DELETE revocationIds :ids',
          ConditionExpression: 'size(revocationIds) > :one AND contains(revocationIds, :id)',
          ExpressionAttributeValues: { ...values, ':ids': new Set([id]) },
        },
      },
    ];
  }

  private async get(key: TableKey): Promise<Record<string, unknown> | undefined> {
    const result = await callDependency('dynamodb', () => this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })));
    return result.Item;
  }

  /** Hex time in milliseconds then randomness: unique, and its age is readable from the key alone (sweep). */
  private newCrlId(): string {
    return `${Math.floor(this.clock()).toString(16).padStart(12, '0')}${randomBytes(8).toString('hex')}`;
  }

  private async deleteBuckets(bucketKeys: TableKey[]): Promise<void> {
    await batchDeleteKeys(this.client, this.tableName, bucketKeys);
  }

  /** Removes buckets nothing references, after a failure: a failing cleanup is logged and left to the sweep, never hides the failure. */
  private async deleteBucketsQuietly(poolId: string, issuerId: string, bucketKeys: TableKey[]): Promise<void> {
    try {
      await this.deleteBuckets(bucketKeys);
    } catch (error) {
      logger.warn('could not remove the buckets of a CRL upload that failed; the next upload of this issuer sweeps them', {
        poolId,
        issuerId,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
  }

  /**
   * After a commit that unreferenced `unreferenced` (the buckets of the CRL it
   * replaced or deleted), removes them, then the issuer's other dead buckets
   * left by earlier failures (a crash between a commit and its bucket
   * deletes): those of any crlId that is not the current one and older than
   * an upload can be in flight. Best effort by design: the commit already
   * decided, and dead buckets cost storage, never correctness (nothing reads
   * a bucket its metadata does not name). The next upload or delete of the
   * issuer sweeps again.
   */
  private async sweep(poolId: string, issuerId: string, unreferenced: TableKey[]): Promise<void> {
    try {
      await this.deleteBuckets(unreferenced);
      const prefix = keys.crlEntriesPrefix(issuerId);
      const [current, sortKeys] = await Promise.all([this.get(keys.crl(poolId, issuerId)), querySortKeys(this.client, this.tableName, poolId, prefix)]);
      const cutoff = this.clock() - IN_FLIGHT_GRACE_MS;
      const dead = sortKeys.filter((sk) => {
        const crlId = sk.slice(prefix.length).split('#')[0];
        return crlId !== current?.crlId && parseInt(crlId.slice(0, 12), 16) < cutoff;
      });
      await this.deleteBuckets(dead.map((sk) => ({ pk: keys.poolPartition(poolId), sk })));
    } catch (error) {
      logger.warn('could not sweep unreferenced CRL buckets; the next upload of this issuer retries', { poolId, issuerId, error: error instanceof Error ? error.name : 'unknown' });
    }
  }
}

function bucketKeysOf(poolId: string, item: Record<string, unknown>): TableKey[] {
  const issuerId = String(item.id);
  const crlId = String(item.crlId);
  return Array.from({ length: Number(item.bucketCount) }, (_, bucket) => keys.crlEntries(poolId, issuerId, crlId, bucket));
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

/** What the record names besides its fingerprint. */
function identityAttributes(identities: RevocationIdentities): Record<string, string> {
  return {
    ...(identities.issuerAndSerial === undefined ? {} : { issuerSerialId: identities.issuerAndSerial }),
    ...(identities.subjectAndKey === undefined ? {} : { keyId: identities.subjectAndKey }),
  };
}

function identitiesOfItem(item: Record<string, unknown>): RevocationIdentities {
  return {
    fingerprint: String(item.fingerprint),
    ...(typeof item.issuerSerialId === 'string' ? { issuerAndSerial: item.issuerSerialId } : {}),
    ...(typeof item.keyId === 'string' ? { subjectAndKey: item.keyId } : {}),
  };
}

function definedOnly<T extends Record<string, unknown>>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function freshnessOf(crl: StoredCrl) {
  return { crlNumber: crl.crlNumber, thisUpdate: new Date(crl.thisUpdate) };
}

function crlNumberKey(crlNumber: string | undefined): string | undefined {
  if (crlNumber === undefined) return undefined;
  if (!/^\d{1,49}$/.test(crlNumber)) throw new DomainError('crl_number_invalid', 'cRLNumber must be a decimal integer of at most 20 octets');
  return crlNumber.padStart(CRL_NUMBER_DIGITS, '0');
}

function toRevocation(item: Record<string, unknown>): CertificateRevocation {
  const revocation: CertificateRevocation = {
    id: String(item.id),
    fingerprint: String(item.fingerprint),
    reason: String(item.reason),
    revokedAt: String(item.revokedAt),
    // Records stored before identities existed name none: they match their fingerprint only.
    matches: matchesOf(identitiesOfItem(item)),
  };
  for (const name of ['subject', 'issuer', 'serialNumber'] as const) {
    if (typeof item[name] === 'string') revocation[name] = item[name];
  }
  return revocation;
}

function toStoredCrl(item: Record<string, unknown>): StoredCrl {
  const crl: StoredCrl = {
    id: String(item.id),
    issuer: String(item.issuer),
    thisUpdate: String(item.thisUpdate),
    nextUpdate: String(item.nextUpdate),
    revokedCount: Number(item.revokedCount),
    sha256: String(item.sha256),
    uploadedAt: String(item.uploadedAt),
  };
  if (typeof item.crlNumber === 'string') crl.crlNumber = item.crlNumber;
  return crl;
}
