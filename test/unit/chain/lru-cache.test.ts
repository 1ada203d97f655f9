import { LruCache } from '../../../src/domain/chain/lru-cache';

describe('LruCache', () => {
  it('never holds more than its capacity, forgetting the least recently used entry', () => {
    const cache = new LruCache<number>(3);
    for (const [index, key] of ['a', 'b', 'c', 'd'].entries()) cache.set(key, index);
    expect(cache.size).toBe(3);
    expect(cache.get('a')).toBeUndefined();
    expect([cache.get('b'), cache.get('c'), cache.get('d')]).toEqual([1, 2, 3]);
  });

  it('counts a read as a use: the entry read last is kept over one written earlier', () => {
    const cache = new LruCache<string>(2);
    cache.set('anchor', 'root');
    cache.set('other', 'x');
    expect(cache.get('anchor')).toBe('root');
    cache.set('third', 'y');
    expect(cache.has('anchor')).toBe(true);
    expect(cache.has('other')).toBe(false);
  });

  it('replaces the value of a key without growing', () => {
    const cache = new LruCache<number>(2);
    cache.set('k', 1);
    cache.set('k', 2);
    expect(cache.size).toBe(1);
    expect(cache.get('k')).toBe(2);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses capacity %p with a TypeError', (capacity) => {
    expect(() => new LruCache(capacity)).toThrow(TypeError);
  });
});
