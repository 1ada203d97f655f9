import { createHash } from 'node:crypto';
import { generateApiKey, parseApiKey, secretsEqual, sha256Hex } from '../../../src/domain/api-key-format';

describe('org API key format idpk.<keyId>.<secret>', () => {
  it('generates a key whose id and 256-bit secret parse back, with only the hash to store', () => {
    const key = generateApiKey();
    expect(key.apiKey).toMatch(/^idpk\.k[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/);
    const parsed = parseApiKey(key.apiKey);
    expect(parsed).toEqual({ keyId: key.keyId, secret: key.apiKey.split('.')[2] });
    expect(Buffer.from(parsed!.secret, 'base64url')).toHaveLength(32);
    expect(key.secretHash).toBe(createHash('sha256').update(parsed!.secret).digest('hex'));
    expect(key.secretHash).not.toContain(parsed!.secret);
  });

  it('generates distinct ids and secrets', () => {
    const keys = Array.from({ length: 50 }, generateApiKey);
    expect(new Set(keys.map((k) => k.keyId)).size).toBe(50);
    expect(new Set(keys.map((k) => k.apiKey.split('.')[2])).size).toBe(50);
  });

  it.each([
    ['the admin key style (no dots)', 'n0tAnOrgKey'],
    ['a wrong prefix', `idpx.k0123456789abcdef.${'A'.repeat(43)}`],
    ['an upper-case key id', `idpk.K0123456789ABCDEF.${'A'.repeat(43)}`],
    ['a short key id', `idpk.k0123.${'A'.repeat(43)}`],
    ['a short secret', `idpk.k0123456789abcdef.${'A'.repeat(42)}`],
    ['a long secret', `idpk.k0123456789abcdef.${'A'.repeat(44)}`],
    ['standard base64 characters', `idpk.k0123456789abcdef.${'A'.repeat(42)}+`],
    ['an extra segment', `idpk.k0123456789abcdef.${'A'.repeat(43)}.x`],
    ['empty', ''],
  ])('does not parse %s', (_name, value) => {
    expect(parseApiKey(value)).toBeUndefined();
  });
});

describe('sha256Hex / secretsEqual', () => {
  it('hashes to lowercase hex SHA-256', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(new Uint8Array([0x61, 0x62, 0x63]))).toBe(sha256Hex('abc'));
  });

  it('is true only for the secret whose hash is stored', () => {
    const hash = sha256Hex('s3cret');
    expect(secretsEqual('s3cret', hash)).toBe(true);
    expect(secretsEqual('s3cret ', hash)).toBe(false);
    expect(secretsEqual('S3cret', hash)).toBe(false);
    expect(secretsEqual('', hash)).toBe(false);
  });

  it('is false, never a throw, for a stored hash of the wrong shape', () => {
    expect(secretsEqual('s3cret', '')).toBe(false);
    expect(secretsEqual('s3cret', 'abcd')).toBe(false);
    expect(secretsEqual('s3cret', 'not hex at all')).toBe(false);
  });
});
