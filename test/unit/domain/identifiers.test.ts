import { isIdentifier, isScopeToken, MAX_SCOPES, parseScopeParameter, requireIdentifier, requireScopes } from '../../../src/domain/identifiers';
import { DomainError } from '../../../src/errors';

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof DomainError ? error.code : `not a DomainError: ${String(error)}`;
  }
};

describe('identifiers (DynamoDB key and URL path segments)', () => {
  it.each(['a', 'Z', '0', 'device-id-or-asset-id', 'AA:BB:CC:DD:EE:FF', 'user@example.com', 'v1.2_3', 'a'.repeat(128)])('accepts %j', (value) => {
    expect(isIdentifier(value)).toBe(true);
    expect(requireIdentifier('id', value)).toBe(value);
  });

  it.each([
    ['empty', ''],
    ['129 characters', 'a'.repeat(129)],
    ['a leading dash', '-a'],
    ['a leading dot', '.a'],
    ['a #, the key separator', 'a#b'],
    ['a slash', 'a/b'],
    ['a space', 'a b'],
    ['a percent sign', 'a%23'],
    ['a non-ASCII letter', 'gerät'],
    ['a newline', 'a\n'],
  ])('refuses %s', (_name, value) => {
    expect(isIdentifier(value)).toBe(false);
  });

  it.each([undefined, null, 42, ['a'], { id: 'a' }])('refuses the non-string %j', (value) => {
    expect(isIdentifier(value)).toBe(false);
  });

  it('throws invalid_identifier naming the field, without echoing the value', () => {
    try {
      requireIdentifier('deviceId', 'bad value#');
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'invalid_identifier', context: { field: 'deviceId' } });
      expect((error as Error).message).toContain('deviceId');
      expect((error as Error).message).not.toContain('bad value#');
    }
  });
});

describe('scope tokens (RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ))', () => {
  const allowed = (code: number) => code === 0x21 || (code >= 0x23 && code <= 0x5b) || (code >= 0x5d && code <= 0x7e);

  it('accepts exactly the RFC characters among all of U+0000..U+00FF', () => {
    for (let code = 0; code <= 0xff; code++) {
      expect([code, isScopeToken(String.fromCharCode(code))]).toEqual([code, allowed(code)]);
    }
  });

  it('refuses space, double quote and backslash inside a token, and the empty token', () => {
    for (const value of ['a b', 'a"b', 'a\\b', '', '"']) expect(isScopeToken(value)).toBe(false);
  });

  it('accepts real-world scopes', () => {
    for (const value of ['device', 'payments:read', 'https://api.example.com/orders.write', '[x]', '!']) expect(isScopeToken(value)).toBe(true);
  });

  it('bounds one token at 128 characters', () => {
    expect(isScopeToken('s'.repeat(128))).toBe(true);
    expect(isScopeToken('s'.repeat(129))).toBe(false);
  });

  it('refuses non-strings', () => {
    for (const value of [undefined, null, 1, ['device']]) expect(isScopeToken(value)).toBe(false);
  });
});

describe('requireScopes (docs/contract.md §3.2: a non-empty array of scope tokens)', () => {
  it('returns the scopes, duplicates removed, order kept', () => {
    expect(requireScopes(['device', 'b', 'device', 'a'])).toEqual(['device', 'b', 'a']);
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['a string', 'device'],
    ['an object', { 0: 'device' }],
    ['empty', []],
    ['a token with a space', ['a b']],
    ['a double quote', ['"']],
    ['a number', ['device', 1]],
    ['an empty token', ['']],
    [`more than ${MAX_SCOPES} entries`, Array.from({ length: MAX_SCOPES + 1 }, (_, i) => `s${i}`)],
  ])('refuses %s with invalid_scopes', (_name, value) => {
    expect(codeOf(() => requireScopes(value))).toBe('invalid_scopes');
  });

  it(`accepts exactly ${MAX_SCOPES} entries`, () => {
    expect(requireScopes(Array.from({ length: MAX_SCOPES }, (_, i) => `s${i}`))).toHaveLength(MAX_SCOPES);
  });
});

describe('parseScopeParameter (space-delimited request parameter)', () => {
  it('splits on single spaces and removes duplicates', () => {
    expect(parseScopeParameter('device payments:read device')).toEqual(['device', 'payments:read']);
  });

  it.each([
    ['double space', 'a  b'],
    ['leading space', ' a'],
    ['trailing space', 'a '],
    ['empty', ''],
    ['tab', 'a\tb'],
    ['quote', 'a "b"'],
  ])('refuses %s with malformed_scope', (_name, value) => {
    expect(codeOf(() => parseScopeParameter(value))).toBe('malformed_scope');
  });
});
