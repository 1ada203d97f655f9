import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { jwkThumbprint } from '../../../src/crypto/jwk-thumbprint';

/** RFC 7638 §3.1. */
const RFC_7638_KEY = {
  kty: 'RSA',
  n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
  alg: 'RS256',
  kid: '2011-04-29',
};

describe('jwkThumbprint', () => {
  it('matches the RFC 7638 §3.1 example', () => {
    expect(jwkThumbprint(RFC_7638_KEY)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('ignores optional members and member order', () => {
    const { e, n, kty } = RFC_7638_KEY;
    expect(jwkThumbprint({ use: 'sig', e, n, kty })).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it.each(['P-256', 'P-384', 'P-521'])('agrees with jose for an EC %s key', async (namedCurve) => {
    const jwk = generateKeyPairSync('ec', { namedCurve }).publicKey.export({ format: 'jwk' });
    expect(jwkThumbprint(jwk)).toBe(await calculateJwkThumbprint(jwk as Parameters<typeof calculateJwkThumbprint>[0], 'sha256'));
  });

  it('refuses an unknown kty', () => {
    expect(() => jwkThumbprint({ kty: 'XYZ', x: 'a' })).toThrow(/unsupported kty XYZ/);
  });

  it('refuses a missing or non-string required member', () => {
    expect(() => jwkThumbprint({ kty: 'RSA', n: RFC_7638_KEY.n })).toThrow(/"e" is missing/);
    expect(() => jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'AA', y: 5 })).toThrow(/"y" is missing or not a string/);
  });
});
