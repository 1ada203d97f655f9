import { createHash } from 'node:crypto';
import { parseCertificate, tryParseCertificate } from '../../../src/domain/chain';
import { cachedCertificateCount } from '../../../src/domain/chain/parsed-certificates';
import { makeIntermediate, makeLeaf, makeRoot, type TestCertificate } from '../../support/pki';

/* The process-wide cache of parsed certificates (parse-certificate.ts): keyed by the exact bytes, bounded. */
describe('parsed certificates kept by the process', () => {
  let root: TestCertificate;
  let intermediate: TestCertificate;

  beforeAll(async () => {
    root = await makeRoot({ cn: 'Cache Root' });
    intermediate = await makeIntermediate(root, { cn: 'Cache Intermediate', pathLen: 0 });
  });

  const copy = (bytes: Uint8Array) => new Uint8Array(bytes);
  const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
  /** The same certificate with one bit of its signature value changed: other bytes, still well formed. */
  const flipLastBit = (bytes: Uint8Array) => {
    const changed = copy(bytes);
    changed[changed.length - 1] ^= 0x01;
    return changed;
  };

  it('parses a CA certificate once: the same bytes in another array give the same frozen certificate', () => {
    const first = parseCertificate(copy(intermediate.der));
    const again = parseCertificate(copy(intermediate.der));
    expect(again).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('never answers a changed byte with the cached certificate', () => {
    const original = parseCertificate(copy(intermediate.der));
    const changed = flipLastBit(intermediate.der);
    const parsed = parseCertificate(changed);
    expect(parsed).not.toBe(original);
    expect(parsed.sha256Hex).toBe(sha256Hex(changed));
    expect(Buffer.from(parsed.der).equals(Buffer.from(changed))).toBe(true);
  });

  it('answers a CA certificate met recently, arriving in a new array, with its certificate; one octet changed, with another', () => {
    const met = parseCertificate(copy(intermediate.der));
    expect(parseCertificate(copy(intermediate.der))).toBe(met);
    for (let octet = 0; octet < 3; octet++) {
      const changed = copy(intermediate.der);
      changed[changed.length - 1 - octet] ^= 0x40;
      const parsed = parseCertificate(changed);
      expect(parsed).not.toBe(met);
      expect(parsed.sha256Hex).toBe(sha256Hex(changed));
    }
  });

  it('parses an array again when its bytes changed since it was parsed', () => {
    const bytes = copy(intermediate.der);
    const before = parseCertificate(bytes);
    bytes[bytes.length - 1] ^= 0x01;
    const after = parseCertificate(bytes);
    expect(after.sha256Hex).toBe(sha256Hex(bytes));
    expect(after.sha256Hex).not.toBe(before.sha256Hex);
    bytes[5] ^= 0xff; // no longer a certificate at all
    expect(tryParseCertificate(bytes)).toMatchObject({ ok: false, code: 'malformed_certificate' });
  });

  it('keeps its own copy of the bytes: changing the caller’s array afterwards changes nothing cached', () => {
    const bytes = copy(root.der);
    const parsed = parseCertificate(bytes);
    bytes.fill(0);
    expect(parseCertificate(copy(root.der))).toBe(parsed);
    expect(parsed.sha256Hex).toBe(sha256Hex(parsed.der));
  });

  it('serves the issuer name of a certificate from its CA’s parsed subject', async () => {
    const leaf = await makeLeaf(intermediate, { cn: 'cache-device' });
    expect(parseCertificate(copy(leaf.der)).issuer).toBe(parseCertificate(copy(intermediate.der)).subject);
  });

  it('keeps at most 16 end-entity certificates, the most recent ones', async () => {
    const leaves = await Promise.all(Array.from({ length: 20 }, (_, i) => makeLeaf(intermediate, { cn: `cache-leaf-${i}` })));
    const parsed = leaves.map((leaf) => parseCertificate(copy(leaf.der)));
    expect(cachedCertificateCount().other).toBe(16);
    expect(parseCertificate(copy(leaves[19].der))).toBe(parsed[19]);
    expect(parseCertificate(copy(leaves[0].der))).not.toBe(parsed[0]);
  });

  it('keeps at most 256 CA certificates, the most recently used ones', () => {
    const anchor = parseCertificate(copy(root.der));
    // 300 other encodings of the intermediate, none parsed before: the signature's last two octets changed
    // (the octet before the last always, which no other test here does).
    const variants = Array.from({ length: 300 }, (_, i) => {
      const variant = copy(intermediate.der);
      variant[variant.length - 1] ^= (i + 0x101) & 0xff;
      variant[variant.length - 2] ^= (i + 0x101) >> 8;
      return variant;
    });
    const parsed = variants.map((variant) => parseCertificate(copy(variant)));
    expect(new Set(parsed.map((c) => c.sha256Hex)).size).toBe(300);
    expect(parsed.every((c) => c.isCA)).toBe(true);
    expect(cachedCertificateCount().ca).toBe(256);
    expect(parseCertificate(copy(variants[299]))).toBe(parsed[299]);
    expect(parseCertificate(copy(variants[0]))).not.toBe(parsed[0]);
    // The root was used (read) before the 300 came: unlike them, it outlives one pass of the eviction.
    expect(parseCertificate(copy(root.der))).toBe(anchor);
  });
});
