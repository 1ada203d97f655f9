import { KeyObject, sign } from 'node:crypto';
import { type ParsedCertificate, parseCertificate } from '../../../src/domain/chain';
import { SignatureCache } from '../../../src/domain/chain/signature-cache';
import { verifiedLinkCount } from '../../../src/domain/chain/verified-links';
import { makeIntermediate, makeLeaf, makeRoot, type TestCertificate } from '../../support/pki';

/* CA → CA signatures remembered by the process (verified-links.ts): by the exact bytes of both, successes only, bounded. */
describe('verified CA links kept by the process', () => {
  let root: TestCertificate;
  let intermediate: TestCertificate;
  let rootKey: KeyObject;

  beforeAll(async () => {
    root = await makeRoot({ cn: 'Links Root' });
    intermediate = await makeIntermediate(root, { cn: 'Links Intermediate', pathLen: 0 });
    rootKey = KeyObject.from(root.keys.privateKey);
  });

  /** Verifies subject ← issuer in a fresh per-validation cache; how many signatures it actually verified. */
  function verifications(subject: ParsedCertificate, issuer: ParsedCertificate): { ok: boolean; count: number } {
    const signatures = new SignatureCache();
    const { ok } = signatures.verify(subject, issuer);
    return { ok, count: signatures.count };
  }

  /**
   * The same TBSCertificate signed again by the root: ECDSA signatures are
   * randomised, so every call gives another valid certificate (other bytes).
   */
  function resigned(certificate: ParsedCertificate): ParsedCertificate {
    const signature = sign('sha256', certificate.tbsDer, rootKey);
    const bitString = Buffer.concat([Buffer.of(0x03), derLength(signature.length + 1), Buffer.of(0x00), signature]);
    const body = Buffer.concat([certificate.tbsDer, certificate.signatureAlgorithm.der, bitString]);
    return parseCertificate(new Uint8Array(Buffer.concat([Buffer.of(0x30), derLength(body.length), body])));
  }

  it('verifies a CA certificate’s signature once, then knows it', () => {
    const subject = resigned(parseCertificate(intermediate.der));
    const issuer = parseCertificate(root.der);
    expect(verifications(subject, issuer)).toEqual({ ok: true, count: 1 });
    expect(verifications(subject, issuer)).toEqual({ ok: true, count: 0 });
  });

  it('verifies an end-entity certificate every time', async () => {
    const leaf = parseCertificate((await makeLeaf(intermediate, { cn: 'links-device' })).der);
    const issuer = parseCertificate(intermediate.der);
    expect(verifications(leaf, issuer)).toEqual({ ok: true, count: 1 });
    expect(verifications(leaf, issuer)).toEqual({ ok: true, count: 1 });
  });

  it('does not remember a failure, and a changed byte is another link', () => {
    const known = resigned(parseCertificate(intermediate.der));
    const issuer = parseCertificate(root.der);
    expect(verifications(known, issuer)).toMatchObject({ ok: true });
    const changed = new Uint8Array(known.der);
    changed[changed.length - 1] ^= 0x01;
    const forged = parseCertificate(changed);
    expect(forged.isCA).toBe(true);
    expect(verifications(forged, issuer)).toEqual({ ok: false, count: 1 });
    expect(verifications(forged, issuer)).toEqual({ ok: false, count: 1 });
  });

  it('keeps at most 1024 links, the most recently used ones', () => {
    const issuer = parseCertificate(root.der);
    const template = parseCertificate(intermediate.der);
    const subjects = Array.from({ length: 1030 }, () => resigned(template));
    for (const subject of subjects) expect(verifications(subject, issuer)).toEqual({ ok: true, count: 1 });
    expect(verifiedLinkCount()).toBe(1024);
    expect(verifications(subjects[1029], issuer).count).toBe(0);
    expect(verifications(subjects[0], issuer).count).toBe(1);
  });
});

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.of(length);
  const octets: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) octets.unshift(n % 256);
  return Buffer.of(0x80 | octets.length, ...octets);
}
