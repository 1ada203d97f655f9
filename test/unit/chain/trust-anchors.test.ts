import { parseCertificate, TrustAnchors, validateChain } from '../../../src/domain/chain';
import { makeIntermediate, makeLeaf, makeRoot, type TestCertificate } from '../../support/pki';
import { DEVICE_POLICY, outcome } from './helpers';

/*
 * TrustAnchors: a pool's roots parsed once (the token endpoint validates
 * every request of a pool against the same roots). Validating against it
 * must decide exactly as validating against the same DER.
 */
let root: TestCertificate;
let otherRoot: TestCertificate;
let sameNameOtherKey: TestCertificate;
let intermediate: TestCertificate;
let device: TestCertificate;

beforeAll(async () => {
  root = await makeRoot({ cn: 'Anchors Root' });
  otherRoot = await makeRoot({ cn: 'Anchors Other Root' });
  sameNameOtherKey = await makeRoot({ cn: 'Anchors Root' });
  intermediate = await makeIntermediate(root, { cn: 'Anchors Intermediate', pathLen: 0 });
  device = await makeLeaf(intermediate, { cn: 'anchors-device' });
});

const copy = (bytes: Uint8Array) => new Uint8Array(bytes);
const both = async (chain: TestCertificate[], anchors: Uint8Array[]) => {
  const input = { chain: chain.map((c) => copy(c.der)), intermediates: 'ordered' as const };
  return {
    der: outcome(await validateChain({ ...input, anchors }, DEVICE_POLICY)),
    parsed: outcome(await validateChain({ ...input, anchors: TrustAnchors.fromDer(anchors) }, DEVICE_POLICY)),
  };
};

describe('TrustAnchors', () => {
  it('decides as the same anchors given as DER: valid, and each refusal with the same code and detail', async () => {
    const cases: [TestCertificate[], TestCertificate[], string][] = [
      [[device, intermediate], [root, otherRoot], 'valid'],
      [[device, intermediate], [otherRoot], 'untrusted_root'],
      [[device, intermediate], [sameNameOtherKey], 'untrusted_root'],
      [[device], [root], 'untrusted_root'],
      [[device, intermediate, root], [root], 'valid'],
    ];
    for (const [chain, anchors, code] of cases) {
      const { der, parsed } = await both(
        chain,
        anchors.map((c) => copy(c.der)),
      );
      expect(parsed).toEqual(der);
      expect(parsed.code).toBe(code);
    }
  });

  it('keeps each distinct anchor once, in the order given, and leaves out one that does not parse', () => {
    const garbage = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01);
    const anchors = TrustAnchors.fromDer([copy(otherRoot.der), garbage, copy(root.der), copy(otherRoot.der)]);
    expect(anchors.certificates.map((c) => c.subjectDn)).toEqual(['CN=Anchors Other Root', 'CN=Anchors Root']);
    expect(anchors.certificates[1]).toBe(parseCertificate(copy(root.der)));
    expect(anchors.bySubject.get(parseCertificate(copy(root.der)).subject.comparisonKey)).toEqual([anchors.certificates[1]]);
    expect(Object.isFrozen(anchors)).toBe(true);
    expect(Object.isFrozen(anchors.certificates)).toBe(true);
  });

  it('refuses every chain when no anchor parses, as with no anchor at all', async () => {
    const none = await validateChain(
      { chain: [copy(device.der), copy(intermediate.der)], anchors: TrustAnchors.fromDer([Uint8Array.of(1, 2, 3)]) },
      DEVICE_POLICY,
    );
    expect(outcome(none)).toEqual({ code: 'untrusted_root', detail: 'no trust anchor is configured' });
  });

  it('holds its own parsed anchors: changing the DER arrays it was made from changes nothing', async () => {
    const ders = [copy(root.der)];
    const anchors = TrustAnchors.fromDer(ders);
    ders[0].fill(0);
    const result = await validateChain({ chain: [copy(device.der), copy(intermediate.der)], anchors }, DEVICE_POLICY);
    expect(outcome(result).code).toBe('valid');
  });
});
