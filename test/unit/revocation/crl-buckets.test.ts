import { randomBytes } from 'node:crypto';
import type { CrlEntry } from '../../../src/domain/revocation';
import {
  bucketOf,
  entryBytes,
  itemBytes,
  MAX_BUCKET_ITEM_BYTES,
  MAX_SERIAL_KEY_CHARS,
  planBuckets,
  UnstorableCrlError,
} from '../../../src/storage/crl-buckets';
import { keys } from '../../../src/storage/keys';

/* How a CRL's entries are spread over DynamoDB items (src/storage/crl-buckets.ts). */
describe('planBuckets', () => {
  const date = new Date('2030-01-01T00:00:00Z');
  const entry = (serialNumberHex: string, reason?: CrlEntry['reason']): CrlEntry => ({ serialNumberHex, revocationDate: date, ...(reason ? { reason } : {}) });
  /** An empty bucket item as the repository measures it. */
  const EMPTY = itemBytes({
    ...keys.crlEntries('pool-0123456789abcdef', 'a'.repeat(64), `${'0'.repeat(12)}${'1'.repeat(16)}`, 999_999),
    type: 'crlEntries',
    crlId: 'x'.repeat(28),
    entries: {},
  });
  const itemOf = (bucket: Record<string, unknown>) => EMPTY + itemBytes({ entries: bucket }) - itemBytes({ entries: {} });

  it('keeps every bucket item of a 2 MiB CRL (50,000 20-octet serials, the longest reason) within one 4 KB read unit', () => {
    const entries = Array.from({ length: 50_000 }, () => entry(randomBytes(20).toString('hex'), 'cessationOfOperation'));
    const plan = planBuckets(entries, EMPTY);
    expect(plan.bucketCount & (plan.bucketCount - 1)).toBe(0);
    expect(plan.buckets).toHaveLength(plan.bucketCount);
    expect(plan.largestItemBytes).toBeLessThanOrEqual(MAX_BUCKET_ITEM_BYTES);
    expect(Math.max(...plan.buckets.map(itemOf))).toBe(plan.largestItemBytes);
    expect(plan.buckets.reduce((n, b) => n + Object.keys(b).length, 0)).toBe(50_000);
    // Each serial is where the reader looks for it.
    const misplaced = plan.buckets.flatMap((map, bucket) => Object.keys(map).filter((serial) => bucketOf(serial, plan.bucketCount) !== bucket));
    expect(misplaced).toEqual([]);
    // Not needlessly many: the average bucket is at least a quarter full.
    expect(plan.buckets.reduce((n, b) => n + itemOf(b), 0) / plan.bucketCount).toBeGreaterThan(MAX_BUCKET_ITEM_BYTES / 4);
  });

  it('measures entries as DynamoDB does: a map element is 1 byte, its name and its value (a map: 3 bytes and its elements)', () => {
    // entries → { "0a": { d: <24 chars>, r: "keyCompromise" } }
    const plan = planBuckets([entry('0A', 'keyCompromise')], EMPTY);
    expect(plan.buckets).toEqual([{ '0a': { d: '2030-01-01T00:00:00.000Z', r: 'keyCompromise' } }]);
    expect(plan.largestItemBytes - EMPTY).toBe(1 + 2 + 3 + (1 + 1 + 24) + (1 + 1 + 13));
    expect(entryBytes('0a', { d: '2030-01-01T00:00:00.000Z' })).toBe(
      itemBytes({ entries: { '0a': { d: '2030-01-01T00:00:00.000Z' } } }) - itemBytes({ entries: {} }),
    );
  });

  it('stores one empty bucket for an empty CRL, and never more buckets than entries (rounded up to a power of two)', () => {
    expect(planBuckets([], EMPTY)).toMatchObject({ bucketCount: 1, buckets: [{}] });
    // Long (but storable) serials that all share bucket 0 of up to 64 buckets: doubling could not separate them.
    const crowded: CrlEntry[] = [];
    for (let i = 0; crowded.length < 5; i++) {
      const serial = `${'7f'.repeat(480)}${i.toString(16).padStart(8, '0')}`;
      if (bucketOf(serial, 64) === 0) crowded.push(entry(serial));
    }
    const plan = planBuckets(crowded, EMPTY);
    expect(plan.bucketCount).toBeLessThanOrEqual(8);
    expect(plan.largestItemBytes).toBeGreaterThan(MAX_BUCKET_ITEM_BYTES);
  });

  it('keeps the first entry of a duplicated serial, whatever the case of its hex', () => {
    const plan = planBuckets([entry('ab', 'keyCompromise'), entry('AB', 'superseded'), entry('ab')], EMPTY);
    expect(plan.buckets.flatMap((b) => Object.entries(b))).toEqual([['ab', { d: date.toISOString(), r: 'keyCompromise' }]]);
  });

  it('refuses a serial longer than any certificate carries and DynamoDB can name (a map key is an attribute name, at most 64 KB)', () => {
    expect(() => planBuckets([entry('ab'.repeat(MAX_SERIAL_KEY_CHARS))], EMPTY)).toThrow(UnstorableCrlError);
    expect(() => planBuckets([entry('a'.repeat(MAX_SERIAL_KEY_CHARS))], EMPTY)).not.toThrow();
  });

  it('refuses entries made to crowd one bucket past what an item can hold', () => {
    const crowded: CrlEntry[] = [];
    for (let i = 0; crowded.length < 400; i++) {
      const serial = `${'7f'.repeat(500)}${i.toString(16).padStart(8, '0')}`;
      if (bucketOf(serial, 1024) === 0) crowded.push(entry(serial));
    }
    expect(() => planBuckets(crowded, EMPTY)).toThrow(/crowd one storage bucket/);
  });
});
