import { createHash } from 'node:crypto';
import { makeCertificate, makeIntermediate, makeLeaf, makeRoot, subjectNameOf, type TestCertificate } from '../../support/pki';
import { expectCode, makeDefaultChain, validate } from './helpers';

/* RFC 5280 §6.1.3 / §6.1.4: names, signatures, trust anchors and issuer constraints along the path. */
describe('path constraints', () => {
  let root: TestCertificate;
  let intermediate: TestCertificate;
  let leaf: TestCertificate;

  beforeAll(async () => {
    ({ root, intermediate, leaf } = await makeDefaultChain());
  });

  describe('chaining and trust', () => {
    it('accepts the root included in the chain (matched by exact bytes)', async () => {
      await expectCode(validate([leaf, intermediate, root], [root]), 'valid');
    });

    it('refuses a chain out of order: each element must be issued by the next (RFC 7515 §4.1.6)', async () => {
      const other = await makeIntermediate(root, { cn: 'Other Intermediate' });
      await expectCode(validate([leaf, other], [root]), 'issuer_name_mismatch');
    });

    it('refuses a certificate whose issuer name matches but whose signature does not verify', async () => {
      const impostor = await makeIntermediate(root); // same subject as `intermediate`, different key
      await expectCode(validate([leaf, impostor], [root]), 'bad_signature', /^leaf .* is not signed by intermediate #1/);
    });

    it('refuses a chain ending at a root that is not a trust anchor of this pool', async () => {
      const otherRoot = await makeRoot({ cn: 'Other Root' });
      const otherIca = await makeIntermediate(otherRoot);
      await expectCode(validate([await makeLeaf(otherIca), otherIca, otherRoot], [root]), 'untrusted_root');
    });

    it('refuses a same-named root with another key (untrusted_root, not a crypto error)', async () => {
      const twin = await makeRoot(); // same name as `root`
      const ica = await makeIntermediate(twin);
      await expectCode(validate([await makeLeaf(ica), ica, twin], [root]), 'untrusted_root');
      await expectCode(validate([await makeLeaf(ica), ica], [root]), 'untrusted_root');
    });

    it('finds the right root among same-named anchors (rotation)', async () => {
      const newRoot = await makeRoot();
      const ica = await makeIntermediate(newRoot);
      await expectCode(validate([await makeLeaf(ica), ica], [root, newRoot]), 'valid');
    });

    it('accepts an intermediate pinned as the trust anchor', async () => {
      const result = await validate([leaf, intermediate], [intermediate]);
      expect(result.valid && result.anchor.sha256Hex).toBe(createHash('sha256').update(intermediate.der).digest('hex'));
    });
  });

  describe('issuers must be CAs (RFC 5280 §6.1.4 (k), (n))', () => {
    it('refuses an issuer without basicConstraints', async () => {
      const ica = await makeIntermediate(root, { basicConstraints: 'absent', keyUsage: 'absent' });
      await expectCode(validate([await makeLeaf(ica), ica], [root]), 'issuer_not_ca', /no basicConstraints/);
    });

    it('refuses an issuer with cA=FALSE', async () => {
      const ica = await makeIntermediate(root, { basicConstraints: { ca: false }, keyUsage: ['digitalSignature'] });
      await expectCode(validate([await makeLeaf(ica), ica], [root]), 'issuer_not_ca', /cA=FALSE/);
    });

    it('refuses a trust anchor that is not a CA', async () => {
      const notCa = await makeCertificate('self-signed', { cn: 'Not A CA', basicConstraints: { ca: false } });
      await expectCode(validate([await makeLeaf(notCa)], [notCa]), 'issuer_not_ca', /^trust anchor/);
    });

    it('refuses a trust anchor whose keyUsage lacks keyCertSign', async () => {
      const crlOnly = await makeRoot({ keyUsage: ['cRLSign', 'digitalSignature'] });
      await expectCode(validate([await makeLeaf(crlOnly)], [crlOnly]), 'issuer_missing_key_cert_sign', /^trust anchor/);
    });
  });

  describe('pathLenConstraint (RFC 5280 §6.1.4 (l), (m))', () => {
    it('accepts root -> ICA(pathlen:1) -> ICA -> leaf', async () => {
      const ica1 = await makeIntermediate(root, { cn: 'ICA 1', basicConstraints: { ca: true, pathLen: 1 } });
      const ica2 = await makeIntermediate(ica1, { cn: 'ICA 2' });
      await expectCode(validate([await makeLeaf(ica2), ica2, ica1], [root]), 'valid');
    });

    it('refuses root -> ICA(pathlen:0) -> ICA -> leaf', async () => {
      const ica1 = await makeIntermediate(root, { cn: 'ICA 1', basicConstraints: { ca: true, pathLen: 0 } });
      const ica2 = await makeIntermediate(ica1, { cn: 'ICA 2' });
      await expectCode(validate([await makeLeaf(ica2), ica2, ica1], [root]), 'path_length_exceeded', /pathlen:0/);
    });

    it('refuses root -> ICA(pathlen:1) -> ICA -> ICA -> leaf', async () => {
      const ica1 = await makeIntermediate(root, { cn: 'ICA 1', basicConstraints: { ca: true, pathLen: 1 } });
      const ica2 = await makeIntermediate(ica1, { cn: 'ICA 2' });
      const ica3 = await makeIntermediate(ica2, { cn: 'ICA 3' });
      await expectCode(validate([await makeLeaf(ica3), ica3, ica2, ica1], [root]), 'path_length_exceeded');
    });

    it("honours the trust anchor's own pathLenConstraint (RFC 5937)", async () => {
      const strictRoot = await makeRoot({ cn: 'Strict Root', basicConstraints: { ca: true, pathLen: 0 } });
      const ica = await makeIntermediate(strictRoot);
      await expectCode(validate([await makeLeaf(strictRoot)], [strictRoot]), 'valid');
      await expectCode(validate([await makeLeaf(ica), ica], [strictRoot]), 'path_length_exceeded');
    });

    it('does not count self-issued intermediates (key rollover)', async () => {
      const ica = await makeIntermediate(root, { cn: 'Rolling CA', basicConstraints: { ca: true, pathLen: 0 } });
      const rolled = await makeIntermediate(ica, { cn: 'Rolling CA' }); // issuer name == subject name, new key
      await expectCode(validate([await makeLeaf(rolled), rolled, ica], [root]), 'valid');
    });

    it('ignores a pathLenConstraint in the leaf', async () => {
      const leafWithPathLen = await makeLeaf(intermediate, { basicConstraints: { ca: false, pathLen: 0 } });
      await expectCode(validate([leafWithPathLen, intermediate], [root]), 'valid');
    });
  });

  describe('maxPathDepth (relying-party limit, x509-limbo max_chain_depth)', () => {
    it('counts non-self-issued intermediates only', async () => {
      await expectCode(validate([leaf, intermediate], [root], { maxPathDepth: 1 }), 'valid');
      await expectCode(validate([leaf, intermediate], [root], { maxPathDepth: 0 }), 'path_too_deep');
      await expectCode(validate([await makeLeaf(root)], [root], { maxPathDepth: 0 }), 'valid');
    });
  });

  it('refuses a forged issuer name even when the forger controls a real intermediate key', async () => {
    const forged = await makeLeaf(intermediate, { issuerName: subjectNameOf(root) });
    await expectCode(validate([forged, intermediate], [root]), 'issuer_name_mismatch');
  });
});
