import { generateKeyPairSync, sign, verify } from 'node:crypto';
import fc from 'fast-check';
import { derToJose, type EcdsaJoseAlg, JOSE_SIGNATURE_LENGTH, joseToDer } from '../../../src/crypto/ecdsa-der-to-jose';
import { SigningError } from '../../../src/crypto/signing-error';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const int = (content: string): string => `02${(content.length / 2).toString(16).padStart(2, '0')}${content}`;
const seq = (body: string): string => `30${(body.length / 2).toString(16).padStart(2, '0')}${body}`;

function expectEncodingError(run: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SigningError);
  expect((caught as SigningError).code).toBe('invalid_signature_encoding');
  expect((caught as SigningError).message).toMatch(message);
}

describe('derToJose', () => {
  it.each([
    ['ES256', 'P-256', true],
    ['ES384', 'P-384', true],
    ['ES512', 'P-521', false],
  ] as const)('%s: converts OpenSSL signatures so that ieee-p1363 verification accepts them', (alg, namedCurve, highBitPossible) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
    const half = JOSE_SIGNATURE_LENGTH[alg] / 2;
    let sawShort = false; // r or s below 2^(8·(half−1)): JOSE needs leading zero octets
    let sawHighBit = !highBitPossible; // r or s ≥ 2^(8·half−1): DER needs a sign octet (never on P-521)
    for (let i = 0; i < 5000 && !(sawShort && sawHighBit); i++) {
      const data = Buffer.from(`message ${i}`);
      const der = sign(null, data, privateKey);
      const jose = derToJose(der, alg);
      expect(jose).toHaveLength(2 * half);
      expect(verify(null, data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jose)).toBe(true);
      expect(joseToDer(jose, alg).equals(der)).toBe(true);
      sawShort ||= jose[0] === 0 || jose[half] === 0;
      sawHighBit ||= jose[0] >= 0x80 || jose[half] >= 0x80;
    }
    expect({ sawShort, sawHighBit }).toEqual({ sawShort: true, sawHighBit: true });
  });

  it('strips the DER sign octet of a high-bit integer', () => {
    const r = `00${'ff'.repeat(32)}`;
    const s = `80${'00'.repeat(31)}`;
    const jose = derToJose(hex(seq(int(r) + int(`00${s}`))), 'ES256');
    expect(jose.toString('hex')).toBe('ff'.repeat(32) + s);
  });

  it('left-pads short integers with zero octets', () => {
    const jose = derToJose(hex(seq(int('01') + int('7f'.repeat(31)))), 'ES256');
    expect(jose.toString('hex')).toBe(`${'00'.repeat(31)}01` + `00${'7f'.repeat(31)}`);
  });

  it('reads the long-form length that P-521 signatures need', () => {
    const body = int(`01${'ab'.repeat(65)}`) + int(`01${'cd'.repeat(65)}`);
    const der = `3081${(body.length / 2).toString(16)}${body}`;
    expect(derToJose(hex(der), 'ES512').toString('hex')).toBe(`01${'ab'.repeat(65)}01${'cd'.repeat(65)}`);
  });

  const r = '11'.repeat(32);
  const s = '22'.repeat(32);
  it.each([
    ['empty input', '', /truncated/],
    ['a trailing byte', `${seq(int(r) + int(s))}00`, /trailing bytes/],
    ['a wrong outer tag', `31${seq(int(r) + int(s)).slice(2)}`, /expected DER tag 0x30/],
    ['a wrong integer tag', seq(`03${int(r).slice(2)}${int(s)}`), /expected DER tag 0x2/],
    ['a length beyond the input', `3046${int(r)}${int(s)}`, /exceeds the input/],
    ['a SEQUENCE shorter than its content', `3022${int(r)}${int(s)}`, /trailing bytes/],
    ['a missing s', seq(int(r)), /truncated/],
    ['a third integer', seq(int(r) + int(s) + int('01')), /unexpected content after s/],
    ['a negative r', seq(int(`80${'00'.repeat(31)}`) + int(s)), /r is negative/],
    ['a non-minimal leading zero', seq(int(r) + int(`007f${'00'.repeat(30)}`)), /s has a non-minimal leading zero/],
    ['a zero r', seq(int('00') + int(s)), /r is zero/],
    ['an empty integer', seq(`0200${int(s)}`), /r is an empty INTEGER/],
    ['an oversize r', seq(int(`01${r}`) + int(s)), /r is longer than 32 bytes/],
    ['a non-minimal long-form length', `308144${int(r)}${int(s)}`, /non-minimal DER length/],
    ['an indefinite length', `3080${int(r)}${int(s)}0000`, /unsupported DER length/],
  ])('refuses %s', (_name, der, message) => {
    expectEncodingError(() => derToJose(hex(der), 'ES256'), message);
  });

  it('refuses a 48-byte integer for ES256 that would fit ES384', () => {
    const der = hex(seq(int('11'.repeat(48)) + int('22'.repeat(48))));
    expectEncodingError(() => derToJose(der, 'ES256'), /longer than 32 bytes/);
    expect(derToJose(der, 'ES384')).toHaveLength(96);
  });

  it('refuses an unknown algorithm', () => {
    expectEncodingError(() => derToJose(hex(seq(int(r) + int(s))), 'ES999' as EcdsaJoseAlg), /unsupported ECDSA algorithm/);
  });
});

describe('joseToDer', () => {
  it('adds a sign octet to high-bit halves and drops leading zeros', () => {
    const jose = hex(`${'00'.repeat(31)}80${'ff'.repeat(32)}`);
    expect(joseToDer(jose, 'ES256').toString('hex')).toBe(seq(int('0080') + int(`00${'ff'.repeat(32)}`)));
  });

  it.each([
    ['ES256', 63],
    ['ES256', 96],
    ['ES384', 64],
    ['ES512', 130],
  ] as const)('refuses a %s signature of %i bytes', (alg, length) => {
    expectEncodingError(() => joseToDer(Buffer.alloc(length, 1), alg), /must be \d+ bytes/);
  });

  it('refuses a zero r or s', () => {
    expectEncodingError(() => joseToDer(Buffer.concat([Buffer.alloc(32), Buffer.alloc(32, 1)]), 'ES256'), /r is zero/);
    expectEncodingError(() => joseToDer(Buffer.concat([Buffer.alloc(32, 1), Buffer.alloc(32)]), 'ES256'), /s is zero/);
  });

  it.each(['ES256', 'ES384', 'ES512'] as const)('%s: derToJose(joseToDer(x)) = x for any non-zero r and s', (alg) => {
    const half = JOSE_SIGNATURE_LENGTH[alg] / 2;
    const nonZero = fc.uint8Array({ minLength: half, maxLength: half }).filter((a) => a.some((b) => b !== 0));
    fc.assert(
      fc.property(nonZero, nonZero, (r, s) => {
        const jose = Buffer.concat([r, s]);
        expect(derToJose(joseToDer(jose, alg), alg).equals(jose)).toBe(true);
      }),
    );
  });
});
