import { optionalStringMap, optionalText, rejectUnknownFields, requireObject, requireText } from '../../../src/domain/fields';
import { DomainError } from '../../../src/errors';

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, field: error.context.field };
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('requireObject', () => {
  it('accepts a plain object', () => {
    expect(requireObject({ a: 1 })).toEqual({ a: 1 });
  });

  it.each([null, undefined, [], [1], 'text', 42, true])('refuses %j with invalid_body', (value) => {
    expect(refusal(() => requireObject(value))).toEqual({ code: 'invalid_body', field: undefined });
  });
});

describe('requireText / optionalText', () => {
  it('accepts a non-empty string up to the limit', () => {
    expect(requireText({ name: 'Till 1' }, 'name')).toBe('Till 1');
    expect(requireText({ name: 'x'.repeat(1024) }, 'name')).toHaveLength(1024);
    expect(requireText({ name: 'abc' }, 'name', 3)).toBe('abc');
  });

  it.each([
    ['missing', {}],
    ['empty', { name: '' }],
    ['blank', { name: ' \t\n' }],
    ['too long', { name: 'x'.repeat(1025) }],
    ['a number', { name: 7 }],
    ['an array', { name: ['a'] }],
    ['null', { name: null }],
  ])('requireText refuses %s with invalid_field naming the field', (_name, body) => {
    expect(refusal(() => requireText(body, 'name'))).toEqual({ code: 'invalid_field', field: 'name' });
  });

  it('optionalText treats missing and null as absent but validates anything else', () => {
    expect(optionalText({}, 'description')).toBeUndefined();
    expect(optionalText({ description: null }, 'description')).toBeUndefined();
    expect(optionalText({ description: 'd' }, 'description')).toBe('d');
    expect(refusal(() => optionalText({ description: '' }, 'description'))).toEqual({ code: 'invalid_field', field: 'description' });
    expect(refusal(() => optionalText({ description: 1 }, 'description'))).toEqual({ code: 'invalid_field', field: 'description' });
  });
});

describe('optionalStringMap (tags and metadata)', () => {
  it('accepts a flat map of short keys to strings, and absence', () => {
    expect(optionalStringMap({ tags: { business_unit_id: 'BU-1', 'a.b:c-d': '' } }, 'tags')).toEqual({ business_unit_id: 'BU-1', 'a.b:c-d': '' });
    expect(optionalStringMap({}, 'tags')).toBeUndefined();
    expect(optionalStringMap({ tags: null }, 'tags')).toBeUndefined();
    expect(optionalStringMap({ tags: {} }, 'tags')).toEqual({});
  });

  it('returns a map without a prototype, so no inherited name ever reads as a tag', () => {
    const tags = optionalStringMap({ tags: { site: 'A' } }, 'tags');
    expect(Object.getPrototypeOf(tags)).toBeNull();
    expect(tags?.toString).toBeUndefined();
  });

  it('accepts 50 entries and values up to 1024 characters', () => {
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    expect(optionalStringMap({ tags: fifty }, 'tags')).toEqual(fifty);
    expect(optionalStringMap({ tags: { k: 'v'.repeat(1024) } }, 'tags')).toEqual({ k: 'v'.repeat(1024) });
  });

  it.each([
    ['an array', ['a']],
    ['a string', 'BU-1'],
    ['a number value', { k: 1 }],
    ['a nested object', { k: { nested: 'x' } }],
    ['a null value', { k: null }],
    ['a key with a space', { 'business unit': 'x' }],
    ['a key with a #', { 'a#b': 'x' }],
    ['an empty key', { '': 'x' }],
    ['a 65-character key', { ['k'.repeat(65)]: 'x' }],
    ['a key named __proto__ (as JSON.parse makes it)', JSON.parse('{"__proto__": "x"}')],
    ['a key named constructor', { constructor: 'x' }],
    ['a key named prototype', { prototype: 'x' }],
    ['a 1025-character value', { k: 'v'.repeat(1025) }],
    ['51 entries', Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']))],
  ])('refuses %s with invalid_field', (_name, value) => {
    expect(refusal(() => optionalStringMap({ metadata: value }, 'metadata'))).toEqual({ code: 'invalid_field', field: 'metadata' });
  });
});

describe('rejectUnknownFields', () => {
  it('passes when every field is allowed (or there are none)', () => {
    expect(() => rejectUnknownFields({ id: 'a', name: 'b' }, ['id', 'name', 'description'])).not.toThrow();
    expect(() => rejectUnknownFields({}, ['id'])).not.toThrow();
  });

  it('names the first unknown field, truncated to 64 characters', () => {
    expect(refusal(() => rejectUnknownFields({ id: 'a', admin: true }, ['id']))).toEqual({ code: 'invalid_field', field: 'admin' });
    const long = 'x'.repeat(500);
    expect(refusal(() => rejectUnknownFields({ [long]: 1 }, ['id']))).toEqual({ code: 'invalid_field', field: 'x'.repeat(64) });
  });

  it('is not fooled by inherited names', () => {
    expect(refusal(() => rejectUnknownFields(JSON.parse('{"__proto__": {"admin": true}}'), ['id']))).toEqual({ code: 'invalid_field', field: '__proto__' });
  });
});
