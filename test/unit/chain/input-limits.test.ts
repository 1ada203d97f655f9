import fc from 'fast-check';
import { validateChain } from '../../../src/domain/chain';
import type { TestCertificate } from '../../support/pki';
import { DEVICE_POLICY, expectCode, makeDefaultChain, validate } from './helpers';

// Key generation (RSA-4096, OpenSSL) and child processes are slow on a loaded machine.
jest.setTimeout(60_000);

/* Input shape and hostile bytes: refused before (or instead of) any expensive work, never thrown. */
describe('input limits and hostile input', () => {
  let root: TestCertificate;
  let intermediate: TestCertificate;
  let leaf: TestCertificate;

  beforeAll(async () => {
    ({ root, intermediate, leaf } = await makeDefaultChain());
  });

  it('refuses an empty chain', async () => {
    await expectCode(validate([], [root]), 'chain_empty');
  });

  it('refuses more than 5 certificates before parsing any of them', async () => {
    const garbage = new Uint8Array([1, 2, 3]);
    await expectCode(validate([leaf, intermediate, garbage, garbage, garbage, garbage], [root]), 'chain_too_long');
  });

  it('refuses an oversized certificate before parsing', async () => {
    await expectCode(validate([leaf, new Uint8Array(16 * 1024 + 1)], [root]), 'certificate_too_large', /certificate #1/);
  });

  it('refuses the same certificate twice', async () => {
    await expectCode(validate([leaf, intermediate, intermediate], [root]), 'duplicate_certificate', /#2 is the same as certificate #1/);
  });

  it.each([
    ['garbage bytes', () => new Uint8Array([0xde, 0xad, 0xbe, 0xef])],
    ['an empty element', () => new Uint8Array(0)],
    ['truncated DER', () => leaf.der.subarray(0, leaf.der.length - 7)],
    ['trailing bytes', () => new Uint8Array([...leaf.der, 0x00])],
    ['BER that is not DER (long-form length)', () => toLongFormLength(leaf.der)],
    ['a bare SEQUENCE', () => new Uint8Array([0x30, 0x00])],
  ])('refuses %s as malformed_certificate', async (_, bytes) => {
    await expectCode(validate([bytes(), intermediate], [root]), 'malformed_certificate', /certificate #0/);
  });

  it('refuses a certificate made of thousands of tiny ASN.1 nodes without decoding them all', async () => {
    const nulls = new Uint8Array(8000).map((_, i) => (i % 2 === 0 ? 0x05 : 0x00));
    const bomb = new Uint8Array([0x30, 0x82, nulls.length >> 8, nulls.length & 0xff, ...nulls]);
    await expectCode(validate([bomb], [root]), 'malformed_certificate', /node count/);
  });

  it('refuses a non-byte element without throwing', async () => {
    const result = await validateChain({ chain: ['MIIB' as unknown as Uint8Array], anchors: [root.der] }, DEVICE_POLICY);
    expect(result).toMatchObject({ valid: false, code: 'malformed_certificate' });
  });

  it('refuses when the pool has no usable trust anchor, skipping a malformed one', async () => {
    await expectCode(validate([leaf, intermediate], []), 'untrusted_root', /no trust anchor/);
    await expectCode(validate([leaf, intermediate], [new Uint8Array([1, 2, 3])]), 'untrusted_root');
    await expectCode(validate([leaf, intermediate], [new Uint8Array([1, 2, 3]), root]), 'valid');
  });

  it('throws a TypeError for a broken policy (configuration, not input)', async () => {
    await expect(validateChain({ chain: [leaf.der], anchors: [root.der] }, { ...DEVICE_POLICY, now: new Date('nope') })).rejects.toThrow(TypeError);
  });

  it('never throws and never accepts on mutated certificates', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: leaf.der.length - 1 }), fc.integer({ min: 1, max: 255 }), async (index, flip) => {
        const mutated = new Uint8Array(leaf.der);
        mutated[index] ^= flip;
        const result = await validateChain({ chain: [mutated, intermediate.der], anchors: [root.der] }, DEVICE_POLICY);
        expect(result.valid).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('never throws on arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
        const result = await validateChain({ chain: [bytes], anchors: [root.der] }, DEVICE_POLICY);
        expect(result.valid).toBe(false);
      }),
      { numRuns: 150 },
    );
  });
});

/** Re-encodes the outer SEQUENCE length with one extra length octet: valid BER, invalid DER. */
function toLongFormLength(der: Uint8Array): Uint8Array {
  const lengthOctets = der[1] & 0x7f;
  const length = der.subarray(2, 2 + lengthOctets);
  return new Uint8Array([0x30, 0x80 | (lengthOctets + 1), 0x00, ...length, ...der.subarray(2 + lengthOctets)]);
}
