import { ALLOWED_ASSERTION_ALGS, MAX_ASSERTION_BYTES, parseCompactJws } from '../../../src/domain/assertion/compact-jws';
import { DomainError } from '../../../src/errors';
import { base64urlJson } from '../../support/device-client';

/* RFC 7515 §7.1 compact serialization, refused before anything is trusted (docs/contract.md §4.2, §4.3). */

const DER_A = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
const DER_B = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x02, 0xff]);
const X5C = [Buffer.from(DER_A).toString('base64'), Buffer.from(DER_B).toString('base64')];
const SIGNATURE = Buffer.from('not checked here').toString('base64url');
const CLAIMS = { iss: 'client', sub: 'device-1' };

function jws(header: unknown = { alg: 'ES256', x5c: X5C }, claims: unknown = CLAIMS, signature = SIGNATURE): string {
  return `${base64urlJson(header)}.${base64urlJson(claims)}.${signature}`;
}

function codeOf(assertion: string): string {
  try {
    parseCompactJws(assertion);
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'parsed';
}

describe('parseCompactJws', () => {
  it('decodes header, claims, x5c DER, signing input and signature', () => {
    const assertion = jws({ alg: 'PS384', typ: 'JWT', x5c: X5C });
    const parsed = parseCompactJws(assertion);
    expect(parsed.header).toEqual({ alg: 'PS384', x5c: [DER_A, DER_B] });
    expect(parsed.claims).toEqual(CLAIMS);
    expect(parsed.signingInput.toString('ascii')).toBe(assertion.split('.').slice(0, 2).join('.'));
    expect(parsed.signature).toEqual(Buffer.from('not checked here'));
  });

  describe('structure: assertion_malformed', () => {
    it.each([
      ['two parts', () => jws().split('.').slice(0, 2).join('.')],
      ['four parts', () => `${jws()}.extra`],
      ['five parts (a JWE)', () => `${jws()}.a.b`],
      ['an empty string', () => ''],
      ['only dots', () => '..'],
    ])('refuses %s', (_name, make) => {
      expect(codeOf(make())).toBe('assertion_malformed');
    });

    it('refuses an empty signature as unsigned (assertion_signature_invalid)', () => {
      expect(codeOf(jws(undefined, undefined, ''))).toBe('assertion_signature_invalid');
    });

    it.each([
      ['standard base64 "+" in the header', (h: string) => `${h.slice(0, -1)}+`],
      ['standard base64 "/" in the header', (h: string) => `${h.slice(0, -1)}/`],
      ['"=" padding', (h: string) => `${h}==`],
      ['whitespace', (h: string) => ` ${h}`],
      ['an impossible length (4n+1)', (h: string) => h.padEnd(h.length + ((5 - (h.length % 4)) % 4), 'A')],
    ])('refuses %s (base64url is strict)', (_name, mangle) => {
      const [header, payload, signature] = jws().split('.');
      expect(codeOf(`${mangle(header)}.${payload}.${signature}`)).toBe('assertion_malformed');
    });

    it('refuses a payload or signature segment that is not base64url', () => {
      const [header, payload, signature] = jws().split('.');
      expect(codeOf(`${header}.${payload}=.${signature}`)).toBe('assertion_malformed');
      expect(codeOf(`${header}.${payload}.${signature}+/`)).toBe('assertion_malformed');
      expect(codeOf(`${header}.${payload}.${signature}\n`)).toBe('assertion_malformed');
    });

    it.each([
      ['not JSON', Buffer.from('{alg: ES256}').toString('base64url')],
      ['a JSON array', base64urlJson(['ES256'])],
      ['JSON null', base64urlJson(null)],
      ['a JSON string', base64urlJson('ES256')],
      ['a JSON number', base64urlJson(256)],
      ['empty', ''],
    ])('refuses a header that is %s', (_name, header) => {
      const [, payload, signature] = jws().split('.');
      expect(codeOf(`${header}.${payload}.${signature}`)).toBe('assertion_malformed');
    });

    it.each([
      ['not JSON', Buffer.from('iss=client').toString('base64url')],
      ['a JSON array', base64urlJson([CLAIMS])],
      ['JSON null', base64urlJson(null)],
      ['JSON true', base64urlJson(true)],
    ])('refuses claims that are %s', (_name, payload) => {
      const [header, , signature] = jws().split('.');
      expect(codeOf(`${header}.${payload}.${signature}`)).toBe('assertion_malformed');
    });

    it('refuses the b64 header parameter (RFC 7797 unencoded payloads)', () => {
      expect(codeOf(jws({ alg: 'ES256', x5c: X5C, b64: false }))).toBe('assertion_malformed');
    });
  });

  describe('alg: only the docs/contract.md §4.2 asymmetric algorithms', () => {
    it.each(ALLOWED_ASSERTION_ALGS.map((alg) => [alg]))('accepts %s', (alg) => {
      expect(parseCompactJws(jws({ alg, x5c: X5C })).header.alg).toBe(alg);
    });

    it('lists exactly the nine algorithms of docs/contract.md §4.2', () => {
      expect([...ALLOWED_ASSERTION_ALGS]).toEqual(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512']);
    });

    it.each([['none'], ['None'], ['HS256'], ['HS512'], ['rs256'], ['es256'], ['EdDSA'], ['ES256K'], [''], [256], [null], [['ES256']]])(
      'refuses alg %p (alg_not_allowed)',
      (alg) => {
        expect(codeOf(jws({ alg, x5c: X5C }))).toBe('alg_not_allowed');
      },
    );

    it('refuses a header without alg', () => {
      expect(codeOf(jws({ x5c: X5C }))).toBe('alg_not_allowed');
    });

    it('refuses alg none even with an empty signature', () => {
      expect(codeOf(jws({ alg: 'none', x5c: X5C }, CLAIMS, ''))).toBe('alg_not_allowed');
    });
  });

  describe('crit (RFC 7515 §4.1.11)', () => {
    it.each([[['exp']], [[]], ['b64'], [null]])('refuses crit %p (crit_not_supported)', (crit) => {
      expect(codeOf(jws({ alg: 'ES256', x5c: X5C, crit }))).toBe('crit_not_supported');
    });
  });

  describe('x5c', () => {
    it('refuses a header without x5c (x5c_missing)', () => {
      expect(codeOf(jws({ alg: 'ES256' }))).toBe('x5c_missing');
      expect(codeOf(jws({ alg: 'ES256', x5u: 'https://example.com/chain.pem' }))).toBe('x5c_missing');
    });

    it.each([
      ['a string', X5C[0]],
      ['an object', { 0: X5C[0] }],
      ['an empty array', []],
      ['null', null],
      ['an array with an empty entry', [X5C[0], '']],
      ['an array with a number', [X5C[0], 42]],
      ['an array with a nested array', [[X5C[0]]]],
      ['unpadded base64', [Buffer.from([1, 2]).toString('base64').replace(/=+$/, '')]],
      ['non-base64 text', ['-----BEGIN CERTIFICATE-----']],
      ['a whole PEM certificate', [`-----BEGIN CERTIFICATE-----\n${X5C[0]}\n-----END CERTIFICATE-----\n`]],
      ['whitespace only', [' \r\n\t']],
      ['a vertical tab', [`${X5C[0].slice(0, 4)}\v${X5C[0].slice(4)}`]],
      ['a form feed', [`${X5C[0]}\f`]],
      ['a no-break space', [`\u00a0${X5C[0]}`]],
      ['a character outside base64', [`${X5C[0].slice(0, 4)}*${X5C[0].slice(5)}`]],
      ['base64 and base64url characters mixed', [`+-${X5C[0].slice(2)}`]],
      ['data after padding', [`${Buffer.from([1, 2]).toString('base64')}AAAA`]],
    ])('refuses x5c as %s (x5c_malformed)', (_name, x5c) => {
      expect(codeOf(jws({ alg: 'ES256', x5c }))).toBe('x5c_malformed');
    });

    it.each([
      ['base64url', [Buffer.from([0xfb, 0xff, 0xfe]).toString('base64url')]],
      ['padded base64url', [`${Buffer.from([0xfb, 0xff]).toString('base64url')}=`]],
      [
        'base64url wrapped at 64 columns',
        [
          `${Buffer.from(new Uint8Array(96).fill(0xff))
            .toString('base64url')
            .replace(/.{1,64}/g, '$&\r\n')}`,
        ],
      ],
      ['base64url in a second entry', [X5C[0], Buffer.from([0xfb, 0xff, 0xfe]).toString('base64url')]],
    ])('refuses x5c as %s with its own code (x5c_base64url)', (_name, x5c) => {
      expect(codeOf(jws({ alg: 'ES256', x5c }))).toBe('x5c_base64url');
    });

    it.each([
      ['LF every 64 columns', '\n'],
      ['CRLF every 64 columns (MSAL)', '\r\n'],
      ['a space every 64 columns', ' '],
      ['a tab every 64 columns', '\t'],
    ])('ignores whitespace inside an entry: %s', (_name, separator) => {
      const der = new Uint8Array(200).map((_, i) => (i * 37) & 0xff);
      const wrap = (bytes: Uint8Array): string =>
        Buffer.from(bytes)
          .toString('base64')
          .replace(/.{1,64}/g, `$&${separator}`);
      expect(wrap(der)).toContain(separator);
      const parsed = parseCompactJws(jws({ alg: 'ES256', x5c: [wrap(der), ` ${X5C[1]}\r\n`] }));
      expect(parsed.header.x5c).toEqual([der, DER_B]);
    });

    it('accepts five certificates and refuses six (chain_too_long)', () => {
      expect(parseCompactJws(jws({ alg: 'ES256', x5c: Array(5).fill(X5C[0]) })).header.x5c).toHaveLength(5);
      expect(codeOf(jws({ alg: 'ES256', x5c: Array(6).fill(X5C[0]) }))).toBe('chain_too_long');
    });
  });

  describe('size (docs/contract.md §4.3: at most 16 KiB of assertion)', () => {
    function sized(bytes: number): string {
      const base = jws(undefined, { ...CLAIMS, pad: '' });
      // Each 3 bytes of JSON become 4 base64url characters; pad until the exact length is reached.
      for (let pad = Math.max(0, Math.floor(((bytes - base.length) * 3) / 4) - 3); ; pad += 1) {
        const candidate = jws(undefined, { ...CLAIMS, pad: 'x'.repeat(pad) });
        if (candidate.length === bytes) return candidate;
        if (candidate.length > bytes) return `${candidate.slice(0, bytes - 1)}A`;
      }
    }

    it('parses an assertion of exactly 16384 bytes and refuses 16385 (assertion_too_large)', () => {
      const limit = sized(MAX_ASSERTION_BYTES);
      expect(limit).toHaveLength(16384);
      expect(codeOf(limit)).not.toBe('assertion_too_large');
      expect(codeOf(`${limit}A`)).toBe('assertion_too_large');
    });

    it('counts bytes, not characters', () => {
      const text = `${'é'.repeat(8200)}`;
      expect(text.length).toBeLessThan(MAX_ASSERTION_BYTES);
      expect(codeOf(text)).toBe('assertion_too_large');
    });

    it('checks the size before decoding anything', () => {
      expect(codeOf('!'.repeat(MAX_ASSERTION_BYTES + 1))).toBe('assertion_too_large');
    });
  });
});
