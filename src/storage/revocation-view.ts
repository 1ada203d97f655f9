import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DependencyError } from '../errors';
import type { CrlEntry, CrlStatus, RevocationView } from '../domain/revocation';
import { batchGetKeys, type TableKey } from './batch-operations';
import { bucketOf, decodeBucket, type BucketEntry } from './crl-buckets';
import { keys } from './keys';

export interface RevocationViewSubject {
  issuerId: string;
  serialNumberHex: string;
  fingerprint: string;
  /** issuerSerialId and crlIssuerId of the certificate itself (RevocationSubject). */
  issuerSerialId: string;
  keyId: string;
}

/** A bucket can only be missing when a concurrent upload or delete unreferenced it; reading again sees the new state. */
const READ_ATTEMPTS = 3;

/**
 * The token path's read of a pool's revocation state for the certificates of
 * one validated path: one strongly consistent BatchGetItem of the
 * `REVOKED#{fingerprint}`, `REVOKEDSERIAL#{issuerSerialId}`,
 * `REVOKEDKEY#{keyId}` and `CRL#{issuerId}` items, then one of the bucket
 * item of each (issuer, serial) whose issuer has a CRL, projected to the
 * requested serials. Each item is within 4 KB, so each costs one read unit
 * (crl-buckets.ts). The view is plain data.
 *
 * A bucket missing for a CRL item just read means that CRL was replaced or
 * deleted in between (buckets are deleted only after their metadata is gone,
 * dynamo-revocation-repository.ts); such a change also moved the trustEpoch,
 * but rather than answer from a half-read state the whole read is taken
 * again, and if it never settles the request fails closed (503).
 */
export async function buildRevocationView(
  client: DynamoDBDocumentClient,
  tableName: string,
  poolId: string,
  subjects: readonly RevocationViewSubject[],
): Promise<RevocationView> {
  for (let attempt = 1; ; attempt++) {
    const view = await readOnce(client, tableName, poolId, subjects);
    if (view) return view;
    if (attempt === READ_ATTEMPTS) throw new DependencyError('dynamodb', new Error('CRL buckets kept changing while being read'));
  }
}

async function readOnce(
  client: DynamoDBDocumentClient,
  tableName: string,
  poolId: string,
  subjects: readonly RevocationViewSubject[],
): Promise<RevocationView | undefined> {
  if (subjects.length === 0) return viewFromItems(poolId, subjects, new Map());
  const first = await batchGetKeys(client, tableName, revocationItemKeys(poolId, subjects));
  const buckets = crlBucketKeys(poolId, subjects, first);
  if (buckets.length === 0) return viewFromItems(poolId, subjects, first);
  const serials = [...new Set(normalise(subjects).map((s) => s.serial))];
  const names: Record<string, string> = { '#sk': 'sk', '#e': 'entries' };
  const paths = serials.map((serial, index) => {
    names[`#s${index}`] = serial;
    return `#e.#s${index}`;
  });
  const read = await batchGetKeys(client, tableName, buckets, { expression: ['#sk', ...paths].join(', '), names });
  return viewFromItems(poolId, subjects, new Map([...first, ...read]));
}

interface NormalisedSubject {
  issuerId: string;
  serial: string;
  fingerprint: string;
  issuerSerialId: string;
  keyId: string;
}

function normalise(subjects: readonly RevocationViewSubject[]): NormalisedSubject[] {
  return subjects.map((s) => ({
    issuerId: s.issuerId,
    serial: s.serialNumberHex.toLowerCase(),
    fingerprint: s.fingerprint.toLowerCase(),
    issuerSerialId: s.issuerSerialId.toLowerCase(),
    keyId: s.keyId.toLowerCase(),
  }));
}

/**
 * The items that hold the revocation state of these certificates, bucket
 * items aside: `REVOKED#{fingerprint}`, `REVOKEDSERIAL#{issuerSerialId}`,
 * `REVOKEDKEY#{keyId}` of each, and `CRL#{issuerId}` of each issuer.
 */
export function revocationItemKeys(poolId: string, subjects: readonly RevocationViewSubject[]): TableKey[] {
  return normalise(subjects).flatMap((s) => [
    keys.revoked(poolId, s.fingerprint),
    keys.revokedSerial(poolId, s.issuerSerialId),
    keys.revokedKey(poolId, s.keyId),
    keys.crl(poolId, s.issuerId),
  ]);
}

/** The bucket item that holds each certificate's serial in the CRL of its issuer, for issuers whose `CRL#` item is among `items`. */
export function crlBucketKeys(poolId: string, subjects: readonly RevocationViewSubject[], items: ReadonlyMap<string, Record<string, unknown>>): TableKey[] {
  return normalise(subjects).flatMap((s) => {
    const crl = items.get(keys.crl(poolId, s.issuerId).sk);
    return crl ? [crlBucketKey(poolId, s.issuerId, crl, s.serial)] : [];
  });
}

/** The bucket of `serial` in the CRL that `crl` (a `CRL#` item) describes. */
export function crlBucketKey(poolId: string, issuerId: string, crl: { crlId?: unknown; bucketCount?: unknown }, serialNumberHex: string): TableKey {
  return keys.crlEntries(poolId, issuerId, String(crl.crlId), bucketOf(serialNumberHex.toLowerCase(), Number(crl.bucketCount)));
}

/**
 * The view of these certificates from the items read (by sort key): every
 * key of revocationItemKeys read, and the crlBucketKeys those items call
 * for; undefined when one of those buckets is missing (its CRL was replaced
 * or deleted meanwhile: read again).
 */
export function viewFromItems(poolId: string, subjects: readonly RevocationViewSubject[], items: ReadonlyMap<string, Record<string, unknown>>): RevocationView | undefined {
  const normalised = normalise(subjects);
  // An identity item counts while it names a revocation (one without any is a leftover, never a revocation).
  const named = (sk: string) => {
    const ids = items.get(sk)?.revocationIds;
    return ids instanceof Set && ids.size > 0;
  };
  const revoked: RevokedIdentities = {
    fingerprints: new Set(normalised.map((s) => s.fingerprint).filter((fp) => items.has(keys.revoked(poolId, fp).sk))),
    issuerSerials: new Set(normalised.map((s) => s.issuerSerialId).filter((id) => named(keys.revokedSerial(poolId, id).sk))),
    keys: new Set(normalised.map((s) => s.keyId).filter((id) => named(keys.revokedKey(poolId, id).sk))),
  };
  const crls = new Map<string, Record<string, unknown>>();
  for (const s of normalised) {
    const item = items.get(keys.crl(poolId, s.issuerId).sk);
    if (item) crls.set(s.issuerId, item);
  }
  const entries = new Map<string, Map<string, CrlEntry>>();
  for (const s of normalised) {
    const crl = crls.get(s.issuerId);
    if (!crl) continue;
    const bucket = items.get(crlBucketKey(poolId, s.issuerId, crl, s.serial).sk);
    if (!bucket) return undefined;
    const found = entries.get(s.issuerId) ?? new Map<string, CrlEntry>();
    const stored = (bucket.entries as Record<string, BucketEntry> | undefined)?.[s.serial];
    if (stored !== undefined && Object.hasOwn(bucket.entries as object, s.serial)) found.set(s.serial, decodeBucket(s.serial, stored));
    entries.set(s.issuerId, found);
  }
  return toView(revoked, crls, entries);
}

interface RevokedIdentities {
  fingerprints: Set<string>;
  issuerSerials: Set<string>;
  keys: Set<string>;
}

function toView(revoked: RevokedIdentities, crls: Map<string, Record<string, unknown>>, entries: Map<string, Map<string, CrlEntry>>): RevocationView {
  const statuses = new Map<string, CrlStatus>();
  for (const [issuerId, item] of crls) {
    const found = entries.get(issuerId) ?? new Map<string, CrlEntry>();
    statuses.set(issuerId, {
      thisUpdate: new Date(String(item.thisUpdate)),
      nextUpdate: new Date(String(item.nextUpdate)),
      issuerDn: String(item.issuer),
      entry: (serialNumberHex: string) => found.get(serialNumberHex.toLowerCase()),
    });
  }
  return {
    revokedFingerprints: revoked.fingerprints,
    revokedIssuerSerials: revoked.issuerSerials,
    revokedKeys: revoked.keys,
    crl: (issuerId: string) => statuses.get(issuerId),
  };
}
