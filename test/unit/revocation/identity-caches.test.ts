import { createHash } from 'node:crypto';
import { type ParsedCertificate, parseCertificate } from '../../../src/domain/chain';
import { crlIssuerId, crlScopeId, issuerSerialId, revocationSubjects } from '../../../src/domain/revocation';
import { CA_IDENTITY_CAPACITY, cachedCaIdentityCount, caIdentities } from '../../../src/domain/revocation/ca-identities';
import { lengthPrefixedSha256 } from '../../../src/domain/revocation/crl-issuer-id';
import { cachedScopeIdCount, SCOPE_ID_CAPACITY } from '../../../src/domain/revocation/crl-scope-id';
import { makeIntermediate, makeLeaf, makeRoot, type TestCertificate } from '../../support/pki';

/*
 * The revocation identities a token request computes for the CAs that recur
 * on every path are remembered (ca-identities.ts, crl-scope-id.ts,
 * revocation-subjects.ts): keyed by exactly what they are computed from,
 * bounded, and never answering for other bytes.
 */
let root: TestCertificate;
let intermediate: TestCertificate;
let device: TestCertificate;

beforeAll(async () => {
  root = await makeRoot({ cn: 'Identity Cache Root' });
  intermediate = await makeIntermediate(root, { cn: 'Identity Cache Intermediate', pathLen: 0 });
  device = await makeLeaf(intermediate, { cn: 'identity-cache-device' });
});

const copy = (bytes: Uint8Array) => new Uint8Array(bytes);
/** Another well-formed encoding of the certificate: the last octet of its signature changed. */
const otherBytes = (bytes: Uint8Array, change = 0x01) => {
  const changed = copy(bytes);
  changed[changed.length - 1] ^= change;
  return changed;
};
const identitiesOf = (certificate: ParsedCertificate) => ({
  keyId: crlIssuerId(certificate),
  issuerSerialId: issuerSerialId(certificate),
  serialNumberHex: certificate.serialNumberHex,
  delegatesRevocation: false,
});

describe('caIdentities: the path-independent ids of a CA certificate, once per parsed certificate', () => {
  it('computes a CA certificate once, and gives the very same ids for the same parsed certificate', () => {
    const ca = parseCertificate(copy(intermediate.der));
    let computed = 0;
    const compute = (certificate: ParsedCertificate) => {
      computed++;
      return identitiesOf(certificate);
    };
    const first = caIdentities(ca, compute);
    expect(caIdentities(ca, compute)).toBe(first);
    expect(computed).toBe(1);
    expect(first).toEqual(identitiesOf(ca));
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('computes afresh for other bytes (one octet changed), never answering with the cached ids', () => {
    const ca = parseCertificate(copy(intermediate.der));
    caIdentities(ca, identitiesOf);
    const changed = parseCertificate(otherBytes(intermediate.der));
    expect(changed).not.toBe(ca);
    let computed = 0;
    caIdentities(changed, (certificate) => {
      computed++;
      expect(certificate).toBe(changed);
      return identitiesOf(certificate);
    });
    expect(computed).toBe(1);
  });

  it('never keeps a device certificate or an object that is not a frozen parsed certificate', () => {
    const leaf = parseCertificate(copy(device.der));
    const unfrozen = { ...parseCertificate(copy(intermediate.der)) };
    for (const certificate of [leaf, unfrozen, leaf, unfrozen]) {
      let computed = 0;
      caIdentities(certificate, (c) => {
        computed++;
        return identitiesOf(c);
      });
      expect(computed).toBe(1);
    }
  });

  it(`keeps at most ${CA_IDENTITY_CAPACITY} CA certificates`, () => {
    const variants = Array.from({ length: CA_IDENTITY_CAPACITY + 40 }, (_, i) => {
      const variant = copy(intermediate.der);
      variant[variant.length - 1] ^= (i + 0x301) & 0xff;
      variant[variant.length - 2] ^= (i + 0x301) >> 8;
      return parseCertificate(variant);
    });
    for (const variant of variants) caIdentities(variant, identitiesOf);
    expect(cachedCaIdentityCount()).toBe(CA_IDENTITY_CAPACITY);
    let computed = 0;
    caIdentities(variants[0], (c) => {
      computed++;
      return identitiesOf(c);
    });
    expect(computed).toBe(1);
  });
});

describe('crlScopeId: remembered by the exact anchor identity and issuer name it hashes', () => {
  const anchorIdentityOf = (certificate: ParsedCertificate) => {
    const name = Buffer.from(certificate.subject.comparisonKey, 'utf8');
    const length = (bytes: Uint8Array) => Buffer.from(Uint32Array.of(bytes.byteLength).buffer);
    return createHash('sha256').update(length(name)).update(name).update(length(certificate.spkiDer)).update(certificate.spkiDer).digest('hex');
  };
  /** What crlScopeId is defined as, computed without any cache. */
  const uncached = (anchor: ParsedCertificate, comparisonKey: string) =>
    lengthPrefixedSha256([Buffer.from('device-idp crl scope v1', 'utf8'), Buffer.from(anchorIdentityOf(anchor), 'hex'), Buffer.from(comparisonKey, 'utf8')]);

  it('answers a repeated question with the id the definition gives, and another name with another id', () => {
    const anchor = parseCertificate(copy(root.der));
    const issuer = parseCertificate(copy(intermediate.der)).subject;
    for (let round = 0; round < 2; round++) expect(crlScopeId(anchor, issuer)).toBe(uncached(anchor, issuer.comparisonKey));
    const oneCharacterMore = { comparisonKey: `${issuer.comparisonKey} ` };
    expect(crlScopeId(anchor, oneCharacterMore)).toBe(uncached(anchor, oneCharacterMore.comparisonKey));
    expect(crlScopeId(anchor, oneCharacterMore)).not.toBe(crlScopeId(anchor, issuer));
  });

  it('answers for another anchor (same name, other key) with that anchor’s id', async () => {
    const anchor = parseCertificate(copy(root.der));
    const sameNameOtherKey = parseCertificate((await makeRoot({ cn: 'Identity Cache Root' })).der);
    const issuer = parseCertificate(copy(intermediate.der)).subject;
    crlScopeId(anchor, issuer);
    expect(crlScopeId(sameNameOtherKey, issuer)).toBe(uncached(sameNameOtherKey, issuer.comparisonKey));
    expect(crlScopeId(sameNameOtherKey, issuer)).not.toBe(crlScopeId(anchor, issuer));
  });

  it(`keeps at most ${SCOPE_ID_CAPACITY} scope ids, and none for a name too long to keep`, () => {
    const anchor = parseCertificate(copy(root.der));
    for (let i = 0; i < SCOPE_ID_CAPACITY + 50; i++) crlScopeId(anchor, { comparisonKey: `["cn=s:issuer ${i}"]` });
    expect(cachedScopeIdCount()).toBe(SCOPE_ID_CAPACITY);
    const long = { comparisonKey: `["cn=s:${'x'.repeat(600)}"]` };
    const before = cachedScopeIdCount();
    crlScopeId(anchor, long);
    expect(cachedScopeIdCount()).toBe(before);
    // Evicted or never kept, the answer is still the definition's.
    expect(crlScopeId(anchor, { comparisonKey: '["cn=s:issuer 0"]' })).toBe(uncached(anchor, '["cn=s:issuer 0"]'));
    expect(crlScopeId(anchor, long)).toBe(uncached(anchor, long.comparisonKey));
  });
});

describe('revocationSubjects: the same path of the same parsed certificates is answered once', () => {
  it('gives the same frozen subjects for a path of the same certificates, in a new array', () => {
    const path = [device, intermediate, root].map((c) => parseCertificate(copy(c.der)));
    const subjects = revocationSubjects(path);
    expect(revocationSubjects([...path])).toBe(subjects);
    expect(Object.isFrozen(subjects)).toBe(true);
    expect(subjects.every((subject) => Object.isFrozen(subject) && Object.isFrozen(subject.legacyIssuerIds))).toBe(true);
    expect(subjects.map((s) => s.fingerprint)).toEqual([path[0].sha256Hex, path[1].sha256Hex]);
  });

  it('answers a path with one certificate of other bytes with its own subjects', () => {
    const path = [device, intermediate, root].map((c) => parseCertificate(copy(c.der)));
    const subjects = revocationSubjects(path);
    const reencoded = [parseCertificate(otherBytes(device.der)), path[1], path[2]];
    const other = revocationSubjects(reencoded);
    expect(other).not.toBe(subjects);
    expect(other[0].fingerprint).toBe(reencoded[0].sha256Hex);
    expect(other[0].fingerprint).not.toBe(subjects[0].fingerprint);
  });

  it('is not fooled by the caller changing its array after asking', () => {
    const path = [device, intermediate, root].map((c) => parseCertificate(copy(c.der)));
    const subjects = revocationSubjects(path);
    const shorter = path;
    shorter.splice(1, 1);
    expect(revocationSubjects(shorter)).not.toBe(subjects);
    expect(revocationSubjects(shorter)).toHaveLength(1);
  });

  it('computes afresh for certificates that are not frozen (they could change under a remembered answer)', () => {
    const path = [device, intermediate, root].map((c) => ({ ...parseCertificate(copy(c.der)) }));
    const first = revocationSubjects(path);
    expect(revocationSubjects(path)).not.toBe(first);
    expect(revocationSubjects(path)).toEqual(first);
  });
});

describe('lengthPrefixedSha256', () => {
  /** The definition, one update per length and part. */
  const definition = (parts: Uint8Array[]) => {
    const hash = createHash('sha256');
    for (const part of parts) {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(part.byteLength);
      hash.update(length).update(part);
    }
    return hash.digest('hex');
  };

  it('hashes each part preceded by its length (4 octets, big-endian), whatever the sizes', () => {
    const cases = [
      [],
      [new Uint8Array(0)],
      [Buffer.from('a'), Buffer.from('bc')],
      [Buffer.from('ab'), Buffer.from('c')],
      [new Uint8Array(5000).fill(7), Buffer.from('é', 'utf8')],
    ];
    for (const parts of cases) expect(lengthPrefixedSha256(parts)).toBe(definition(parts));
    // The boundary cannot shift: "a|bc" and "ab|c" differ.
    expect(lengthPrefixedSha256(cases[2])).not.toBe(lengthPrefixedSha256(cases[3]));
  });

  it('hashes a view into a larger buffer as the view, not the buffer behind it', () => {
    const backing = Buffer.from('xxhelloyy');
    expect(lengthPrefixedSha256([backing.subarray(2, 7)])).toBe(definition([Buffer.from('hello')]));
  });
});
