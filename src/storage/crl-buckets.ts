import { createHash } from 'node:crypto';
import type { CrlEntry, CrlReason } from '../domain/revocation';

/**
 * How a CRL's entries are spread over bucket items (keys.ts:
 * `CRLENTRIES#{issuerId}#{crlId}#{bucket}`), so that the token path reads
 * one small item per certificate instead of the whole CRL.
 *
 * A serial's bucket is the first 32 bits of SHA-256(lowercase serial hex)
 * modulo a power of two: reader and writer agree given the `bucketCount`
 * stored with the CRL, and the hash spreads CA-chosen serials (sequential,
 * prefixed) evenly.
 *
 * Size: DynamoDB bills a strongly consistent read per started 4 KB of the
 * whole item, whatever the projection, so a bucket is kept within 4 KB
 * (MAX_BUCKET_ITEM_BYTES, measured with DynamoDB's item-size rules): one read
 * unit per certificate of a token request. A 2 MiB CRL (~50,000 entries)
 * then takes a few thousand items, written in parallel batches.
 */

/** Stored form of one entry, with one-letter names: a 2 MiB CRL holds ~50,000 of them and every byte is written. */
export interface BucketEntry {
  /** revocationDate, ISO 8601 UTC. */
  d: string;
  /** reasonCode, when the entry carries one. */
  r?: CrlReason;
}

/** One read unit: a strongly consistent read of an item up to this size costs 1 RCU. */
export const MAX_BUCKET_ITEM_BYTES = 4096;
/** DynamoDB refuses items over 400 KB (ValidationException); bucket items stay well below. */
const ITEM_LIMIT_BYTES = 350 * 1024;
/**
 * A serial is a map key, that is an attribute name, which DynamoDB caps at
 * 64 KB (ValidationException). The domain stores serials of at most 20
 * octets (41 characters, crl-entries.ts); anything longer than this is refused
 * before a write rather than failing every attempt.
 */
export const MAX_SERIAL_KEY_CHARS = 1024;

export function bucketOf(serialNumberHex: string, bucketCount: number): number {
  return serialHash(serialNumberHex.toLowerCase()) & (bucketCount - 1);
}

function serialHash(serialNumberHex: string): number {
  return createHash('sha256').update(serialNumberHex, 'utf8').digest().readUInt32BE(0);
}

function encodeBucket(entry: CrlEntry): BucketEntry {
  return entry.reason === undefined ? { d: entry.revocationDate.toISOString() } : { d: entry.revocationDate.toISOString(), r: entry.reason };
}

export function decodeBucket(serialNumberHex: string, stored: BucketEntry): CrlEntry {
  const entry: { serialNumberHex: string; revocationDate: Date; reason?: CrlReason } = { serialNumberHex, revocationDate: new Date(stored.d) };
  if (stored.r !== undefined) entry.reason = stored.r;
  return entry;
}

/**
 * Size of a value by DynamoDB's rules
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
 * a string its UTF-8 bytes, a number about one byte per two digits plus one,
 * a map or list 3 bytes plus, per element, 1 byte, its name and its value; a
 * string set the sum of its strings. An item is a map without the 3 bytes.
 */
function attributeBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace(/[.-]/g, '').length / 2) + 1;
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Set) return [...value].reduce((sum: number, member) => sum + attributeBytes(member), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, member) => sum + 1 + attributeBytes(member), 0);
  if (typeof value === 'object') return 3 + mapElementsBytes(value as Record<string, unknown>);
  throw new TypeError(`attributeBytes: unsupported ${typeof value}`);
}

export function itemBytes(item: Record<string, unknown>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name, 'utf8') + attributeBytes(value), 0);
}

function mapElementsBytes(map: Record<string, unknown>): number {
  return Object.entries(map).reduce((sum, [name, value]) => sum + 1 + Buffer.byteLength(name, 'utf8') + attributeBytes(value), 0);
}

/**
 * What one entry adds to its bucket item: an element of the `entries` map
 * (1 byte, the serial, the value map). attributeBytes, unrolled for the
 * ASCII-only BucketEntry: it runs 50,000 times per upload.
 */
export function entryBytes(serialNumberHex: string, stored: BucketEntry): number {
  return 1 + serialNumberHex.length + 3 + (1 + 1 + stored.d.length) + (stored.r === undefined ? 0 : 1 + 1 + stored.r.length);
}

export interface BucketPlan {
  readonly bucketCount: number;
  /** Index = bucket number; every bucket is present, empty ones included. */
  readonly buckets: ReadonlyArray<Record<string, BucketEntry>>;
  /** Estimated size of the fullest bucket item. */
  readonly largestItemBytes: number;
}

/** Refusal of entries that cannot be stored (only hand-crafted serials get here): thrown before anything is written. */
export class UnstorableCrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnstorableCrlError';
  }
}

/**
 * Spreads the entries (distinct lowercase serials, the first entry of a
 * serial kept) over the smallest power of two of buckets whose fullest item,
 * `emptyItemBytes` (keys and bookkeeping of an empty bucket) included, fits
 * MAX_BUCKET_ITEM_BYTES. Never more buckets than entries (rounded up to a
 * power of two), nor four times the count the average alone asks for: more
 * buckets cost a write each and only serials chosen to share a bucket would
 * need them; those get fuller items instead, and UnstorableCrlError when a
 * bucket would come near DynamoDB's item limit (or a serial exceeds
 * MAX_SERIAL_KEY_CHARS).
 */
export function planBuckets(entries: readonly CrlEntry[], emptyItemBytes: number): BucketPlan {
  const distinct = new Map<string, { hash: number; stored: BucketEntry; bytes: number }>();
  for (const entry of entries) {
    const serial = entry.serialNumberHex.toLowerCase();
    if (serial.length > MAX_SERIAL_KEY_CHARS)
      throw new UnstorableCrlError(`a serial of ${serial.length} hex digits cannot be stored (at most ${MAX_SERIAL_KEY_CHARS})`);
    if (distinct.has(serial)) continue;
    const stored = encodeBucket(entry);
    distinct.set(serial, { hash: serialHash(serial), stored, bytes: entryBytes(serial, stored) });
  }
  const cap = Math.max(1, nextPowerOfTwo(distinct.size));
  const budget = MAX_BUCKET_ITEM_BYTES - emptyItemBytes;
  let total = 0;
  for (const { bytes } of distinct.values()) total += bytes;
  let count = 1;
  // From an average of half the budget (hashing is uneven), doubling while the fullest bucket does not fit:
  // at most twice, which random serials never need; more would only multiply the writes for crafted ones.
  while (count < cap && total / count > budget / 2) count *= 2;
  const limit = Math.min(cap, count * 4);
  let largest = largestBucketBytes(distinct.values(), count);
  while (count < limit && largest > budget) {
    count *= 2;
    largest = largestBucketBytes(distinct.values(), count);
  }
  const largestItemBytes = emptyItemBytes + largest;
  if (largestItemBytes > ITEM_LIMIT_BYTES) throw new UnstorableCrlError(`the CRL's serials crowd one storage bucket to ${largestItemBytes} bytes`);
  const buckets = Array.from({ length: count }, () => ({}) as Record<string, BucketEntry>);
  for (const [serial, { hash, stored }] of distinct) buckets[hash & (count - 1)][serial] = stored;
  return { bucketCount: count, buckets, largestItemBytes };
}

function largestBucketBytes(entries: Iterable<{ hash: number; bytes: number }>, count: number): number {
  const sizes = new Float64Array(count);
  let largest = 0;
  for (const { hash, bytes } of entries) {
    const index = hash & (count - 1);
    sizes[index] += bytes;
    if (sizes[index] > largest) largest = sizes[index];
  }
  return largest;
}

function nextPowerOfTwo(n: number): number {
  let power = 1;
  while (power < n) power *= 2;
  return power;
}
