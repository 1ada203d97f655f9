/**
 * A bounded map that forgets a least recently used entry once it holds more
 * than `capacity` of them: the memory a function instance spends on a cache
 * never grows with the traffic it serves (parsed-certificates.ts,
 * distinguished-name.ts, verified-links.ts).
 *
 * "Least recently used" as the second-chance (CLOCK) approximation: a read
 * only marks its entry, and the entries are reordered when one must go (the
 * oldest unmarked one goes; a marked one loses its mark and moves to the
 * newest place). A hit, by far the most frequent operation, then costs one
 * lookup rather than a removal and an insertion.
 */
export class LruCache<V> {
  private readonly entries = new Map<string, { value: V; used: boolean }>();

  /** `capacity`: the most entries kept, a positive integer; throws TypeError otherwise. */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new TypeError(`LruCache capacity must be a positive integer, got ${capacity}`);
  }

  /** The value stored under `key`, which counts as used; undefined when absent. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    entry.used = true;
    return entry.value;
  }

  /** Stores `value` as the newest entry; past `capacity`, the oldest entry not used since it was last passed over goes. */
  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, used: false });
    while (this.entries.size > this.capacity) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, { value: V; used: boolean }];
      this.entries.delete(oldestKey);
      if (oldest.used) {
        oldest.used = false;
        this.entries.set(oldestKey, oldest);
      }
    }
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
