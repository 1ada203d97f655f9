/**
 * A bounded map that forgets its least recently used entry once it holds
 * `capacity` of them: the memory a function instance spends on a cache never
 * grows with the traffic it serves (parse-certificate.ts, verified-links.ts).
 */
export class LruCache<V> {
  private readonly entries = new Map<string, V>();

  /** `capacity`: the most entries kept, a positive integer; throws TypeError otherwise. */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new TypeError(`LruCache capacity must be a positive integer, got ${capacity}`);
  }

  /** The value stored under `key`, which becomes the most recently used; undefined when absent. */
  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      // Map keeps insertion order: re-inserting moves the key to the end, the eviction order's last place.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /** Stores `value` as the most recently used, evicting the least recently used entry past `capacity`. */
  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
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
