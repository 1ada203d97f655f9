import { MAX_POOL_AUDIENCES, parseAudiences, selectAudience } from '../../../src/domain/audiences';
import { DomainError } from '../../../src/errors';

/* docs/contract.md §3.5 pool audiences and §4.1 `resource` (RFC 8707 §2). */

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return `${error.code}${error.context.field ? `:${error.context.field}` : ''}`;
    throw error;
  }
  return 'ok';
}

describe('parseAudiences', () => {
  it('keeps absolute https URLs exactly as given, and [] (which removes them)', () => {
    const audiences = ['https://api.example.com', 'https://api.example.com/', 'https://pay.example.com:8443/v1?tenant=a'];
    expect(parseAudiences(audiences)).toEqual(audiences);
    expect(parseAudiences([])).toEqual([]);
  });

  it(`accepts ${MAX_POOL_AUDIENCES} and refuses ${MAX_POOL_AUDIENCES + 1}`, () => {
    const urls = (n: number) => Array.from({ length: n }, (_, i) => `https://api${i}.example.com`);
    expect(parseAudiences(urls(MAX_POOL_AUDIENCES))).toHaveLength(MAX_POOL_AUDIENCES);
    expect(codeOf(() => parseAudiences(urls(MAX_POOL_AUDIENCES + 1)))).toBe('invalid_field:audiences');
  });

  it.each([
    ['a string', 'https://api.example.com'],
    ['an object', { url: 'https://api.example.com' }],
    ['null', null],
    ['a number inside', [42]],
    ['an empty string', ['']],
    ['http', ['http://api.example.com']],
    ['another scheme', ['urn:example:api']],
    ['a relative URL', ['/api']],
    ['no scheme', ['api.example.com']],
    ['a scheme without host', ['https:api.example.com']],
    ['a fragment', ['https://api.example.com/#x']],
    ['whitespace', [' https://api.example.com']],
    ['credentials', ['https://user:pw@api.example.com']],
    ['a duplicate', ['https://api.example.com', 'https://api.example.com']],
    ['an over-long URL', [`https://api.example.com/${'x'.repeat(2048)}`]],
  ])('refuses %s (invalid_field)', (_what, value) => {
    expect(codeOf(() => parseAudiences(value))).toBe('invalid_field:audiences');
  });
});

describe('selectAudience', () => {
  const pool = ['https://api.example.com', 'https://pay.example.com'];

  it('without resource: the default audience, whatever the pool has', () => {
    expect(selectAudience(pool, undefined, 'https://idp/pools/p')).toBe('https://idp/pools/p');
    expect(selectAudience(undefined, undefined, 'https://idp/pools/p')).toBe('https://idp/pools/p');
  });

  it('a configured resource becomes the aud', () => {
    expect(selectAudience(pool, 'https://pay.example.com', 'https://idp/pools/p')).toBe('https://pay.example.com');
  });

  it.each([
    ['not configured', pool, 'https://other.example.com'],
    ['not exactly equal', pool, 'https://api.example.com/'],
    ['the default itself', pool, 'https://idp/pools/p'],
    ['a pool without audiences', undefined, 'https://api.example.com'],
    ['a pool with []', [], 'https://api.example.com'],
  ])('refuses a resource %s (resource_not_allowed)', (_what, audiences, resource) => {
    expect(codeOf(() => selectAudience(audiences, resource, 'https://idp/pools/p'))).toBe('resource_not_allowed');
  });
});
