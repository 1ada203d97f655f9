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
  const normalised = subjects.map((s) => ({
    issuerId: s.issuerId,
    serial: s.serialNumberHex.toLowerCase(),
    fingerprint: s.fingerprint.toLowerCase(),
    issuerSerialId: s.issuerSerialId.toLowerCase(),
    keyId: s.keyId.toLowerCase(),
  }));
  if (normalised.length === 0) return toView({ fingerprints: new Set(), issuerSerials: new Set(), keys: new Set() }, new Map(), new Map());
  const first = await batchGetKeys(client, tableName, [
    ...normalised.map((s) => keys.revoked(poolId, s.fingerprint)),
    ...normalised.map((s) => keys.revokedSerial(poolId, s.issuerSerialId)),
    ...normalised.map((s) => keys.revokedKey(poolId, s.keyId)),
    ...normalised.map((s) => keys.crl(poolId, s.issuerId)),
  ]);
  // An identity item counts while it names a revocation (one without any is a leftover, never a revocation).
  const named = (sk: string) => {
    const ids = first.get(sk)?.revocationIds;
    return ids instanceof Set && ids.size > 0;
  };
  const revoked: RevokedIdentities = {
    fingerprints: new Set(normalised.map((s) => s.fingerprint).filter((fp) => first.has(keys.revoked(poolId, fp).sk))),
    issuerSerials: new Set(normalised.map((s) => s.issuerSerialId).filter((id) => named(keys.revokedSerial(poolId, id).sk))),
    keys: new Set(normalised.map((s) => s.keyId).filter((id) => named(keys.revokedKey(poolId, id).sk))),
  };
  const crls = new Map<string, Record<string, unknown>>();
  for (const s of normalised) {
    const item = first.get(keys.crl(poolId, s.issuerId).sk);
    if (item) crls.set(s.issuerId, item);
  }

  const bucketKeys: TableKey[] = [];
  const serials = new Set<string>();
  for (const s of normalised) {
    const crl = crls.get(s.issuerId);
    if (!crl) continue;
    bucketKeys.push(keys.crlEntries(poolId, s.issuerId, String(crl.crlId), bucketOf(s.serial, Number(crl.bucketCount))));
    serials.add(s.serial);
  }
  const entries = new Map<string, Map<string, CrlEntry>>();
  if (bucketKeys.length > 0) {
    const names: Record<string, string> = { '#sk': 'sk', '#e': 'entries' };
    const paths = [...serials].map((serial, index) => {
      names[`#s${index}`] = serial;
      return `#e.#s${index}`;
    });
    const buckets = await batchGetKeys(client, tableName, bucketKeys, { expression: ['#sk', ...paths].join(', '), names });
    if (bucketKeys.some((key) => !buckets.has(key.sk))) return undefined;
    for (const [issuerId, crl] of crls) {
      const found = new Map<string, CrlEntry>();
      const prefix = `${keys.crlEntriesPrefix(issuerId)}${String(crl.crlId)}#`;
      for (const [sk, bucket] of buckets) {
        if (!sk.startsWith(prefix)) continue;
        for (const [serial, stored] of Object.entries((bucket.entries ?? {}) as Record<string, BucketEntry>)) {
          found.set(serial, decodeBucket(serial, stored));
        }
      }
      entries.set(issuerId, found);
    }
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
