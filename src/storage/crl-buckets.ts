import { createHash } from 'node:crypto';
import type { CrlEntry, CrlReason } from '../domain/revocation';

/**
 * How a CRL's entries are spread over bucket items (keys.ts:
 * `CRLENTRIES#{issuerId}#{crlId}#{bucket}`), so that the token path reads
 * one small projection of one item per certificate instead of the whole CRL.
 *
 * A serial's bucket is the first 32 bits of SHA-256(lowercase serial hex)
 * modulo a power of two: reader and writer agree given the `bucketCount`
 * stored with the CRL, and the hash spreads CA-chosen serials (sequential,
 * prefixed) evenly.
 */

/** Stored form of one entry, with one-letter names: a 2 MiB CRL holds ~50,000 of them and every byte is written. */
export interface BucketEntry {
  /** revocationDate, ISO 8601 UTC. */
  d: string;
  /** reasonCode, when the entry carries one. */
  r?: CrlReason;
}

/** About 1,000 serials per bucket on average (~70 KB), far below DynamoDB's 400 KB item limit. */
const TARGET_ENTRIES_PER_BUCKET = 1024;
/** Hard ceiling for the fullest bucket's estimated size, whatever the hash did. */
const MAX_BUCKET_BYTES = 200 * 1024;
const MAX_BUCKET_COUNT = 1 << 16;
/** Per-entry overhead of a map element holding a two-member map (names, type bytes, lengths), rounded up. */
const ENTRY_OVERHEAD_BYTES = 16;

export function bucketOf(serialNumberHex: string, bucketCount: number): number {
  return createHash('sha256').update(serialNumberHex.toLowerCase(), 'utf8').digest().readUInt32BE(0) & (bucketCount - 1);
}

export function encodeBucket(entry: CrlEntry): BucketEntry {
  return entry.reason === undefined ? { d: entry.revocationDate.toISOString() } : { d: entry.revocationDate.toISOString(), r: entry.reason };
}

export function decodeBucket(serialNumberHex: string, stored: BucketEntry): CrlEntry {
  const entry: { serialNumberHex: string; revocationDate: Date; reason?: CrlReason } = { serialNumberHex, revocationDate: new Date(stored.d) };
  if (stored.r !== undefined) entry.reason = stored.r;
  return entry;
}

/** The smallest power of two that keeps the average near the target and every bucket under the byte ceiling. */
export function bucketCountFor(entries: readonly CrlEntry[]): number {
  let count = 1;
  while (count < MAX_BUCKET_COUNT && entries.length / count > TARGET_ENTRIES_PER_BUCKET) count *= 2;
  while (count < MAX_BUCKET_COUNT && largestBucketBytes(entries, count) > MAX_BUCKET_BYTES) count *= 2;
  return count;
}

function largestBucketBytes(entries: readonly CrlEntry[], count: number): number {
  const sizes = new Array<number>(count).fill(0);
  for (const entry of entries) {
    sizes[bucketOf(entry.serialNumberHex, count)] += entry.serialNumberHex.length + 1 + 24 + 1 + (entry.reason?.length ?? 0) + ENTRY_OVERHEAD_BYTES;
  }
  return sizes.reduce((max, size) => Math.max(max, size), 0);
}
