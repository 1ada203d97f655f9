import { keyRetentionSeconds, parseTokenLifetime, tokenLifetimeOf } from '../../../src/domain/token-lifetime';
import { DomainError } from '../../../src/errors';

describe('a pool token lifetime (docs/contract.md §3.5)', () => {
  it.each([60, 61, 3600, 86_400])('accepts %i seconds', (value) => {
    expect(parseTokenLifetime(value)).toBe(value);
  });

  it.each([59, 0, -60, 86_401, 60.5, Number.NaN, Number.POSITIVE_INFINITY, '600', null, undefined, {}])('refuses %p with invalid_field', (value) => {
    expect(() => parseTokenLifetime(value)).toThrow(expect.objectContaining({ code: 'invalid_field', context: { field: 'tokenLifetimeSeconds' } }));
    expect(() => parseTokenLifetime(value)).toThrow(DomainError);
  });

  it("a pool's own lifetime wins over the deployment's", () => {
    expect(tokenLifetimeOf({}, 3600)).toBe(3600);
    expect(tokenLifetimeOf({ tokenLifetimeSeconds: 600 }, 3600)).toBe(600);
  });

  it('keys of a pool whose lifetime was ever set stay published for the longest lifetime a token of it may have had', () => {
    expect(keyRetentionSeconds({}, 3600)).toBe(3600);
    expect(keyRetentionSeconds({ tokenLifetimeSeconds: 60 }, 3600)).toBe(86_400);
    expect(keyRetentionSeconds({ tokenLifetimeSeconds: 86_400 }, 3600)).toBe(86_400);
    expect(keyRetentionSeconds({ tokenLifetimeSeconds: 600 }, 100_000)).toBe(100_000);
  });
});
