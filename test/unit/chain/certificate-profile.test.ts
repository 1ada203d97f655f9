import * as asn1js from 'asn1js';
import { der, dnsSubjectAltNameValue, EXT, makeIntermediate, makeLeaf, makeRoot, signatureAlgorithmIdentifier, type TestCertificate } from '../../support/pki';
import { expectCode, validate } from './helpers';

/* RFC 5280 §4.1 / §4.2 certificate profile rules, each broken on its own. */
describe('certificate profile checks', () => {
  let root: TestCertificate;
  let intermediate: TestCertificate;

  beforeAll(async () => {
    root = await makeRoot();
    intermediate = await makeIntermediate(root);
  });

  const unknownOid = '1.3.6.1.4.1.55555.1.1';
  const someValue = der(new asn1js.Utf8String({ value: 'x' }));

  it('accepts the baseline hierarchy', async () => {
    await expectCode(validate([await makeLeaf(intermediate), intermediate], [root]), 'valid');
  });

  describe('critical extensions (RFC 5280 §4.2)', () => {
    it('refuses an unknown critical extension in the leaf', async () => {
      const leaf = await makeLeaf(intermediate, { extensions: [{ oid: unknownOid, critical: true, value: someValue }] });
      await expectCode(validate([leaf, intermediate], [root]), 'unknown_critical_extension');
    });

    it('refuses an unknown critical extension in an intermediate', async () => {
      const ica = await makeIntermediate(root, { extensions: [{ oid: unknownOid, critical: true, value: someValue }] });
      await expectCode(validate([await makeLeaf(ica), ica], [root]), 'unknown_critical_extension');
    });

    it('refuses an unknown critical extension in the trust anchor', async () => {
      const badRoot = await makeRoot({ extensions: [{ oid: unknownOid, critical: true, value: someValue }] });
      const ica = await makeIntermediate(badRoot);
      await expectCode(validate([await makeLeaf(ica), ica], [badRoot]), 'unknown_critical_extension');
    });

    it('ignores an unknown non-critical extension', async () => {
      const leaf = await makeLeaf(intermediate, { extensions: [{ oid: unknownOid, critical: false, value: someValue }] });
      await expectCode(validate([leaf, intermediate], [root]), 'valid');
    });

    it('refuses a critical authorityKeyIdentifier (§4.2.1.1: MUST be non-critical)', async () => {
      const leaf = await makeLeaf(intermediate, {
        keyIdentifiers: false,
        extensions: [{ oid: EXT.authorityKeyIdentifier, critical: true, value: der(new asn1js.Sequence({ value: [] })) }],
      });
      await expectCode(validate([leaf, intermediate], [root]), 'invalid_extension_criticality');
    });

    it('accepts a critical certificatePolicies (no policy constraint can fail the path)', async () => {
      const anyPolicy = der(new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: '2.5.29.32.0' })] })] }));
      const leaf = await makeLeaf(intermediate, { extensions: [{ oid: '2.5.29.32', critical: true, value: anyPolicy }] });
      await expectCode(validate([leaf, intermediate], [root]), 'valid');
    });

    it('accepts a critical nameConstraints on a CA: it is evaluated (name-constraints.test.ts)', async () => {
      const permittedDns = new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 0 },
        value: [new asn1js.Sequence({ value: [new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 }, valueHex: Buffer.from('example.com') })] })],
      });
      const value = der(new asn1js.Sequence({ value: [permittedDns] }));
      const ica = await makeIntermediate(root, { extensions: [{ oid: EXT.nameConstraints, critical: true, value }] });
      // The device has no dNSName, so a dNSName subtree has nothing to constrain.
      await expectCode(validate([await makeLeaf(ica), ica], [root]), 'valid');
    });

    it('processes a critical policyConstraints requireExplicitPolicy (certificate-policies.test.ts)', async () => {
      const value = der(new asn1js.Sequence({ value: [new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: new Uint8Array([0]) })] }));
      const ica = await makeIntermediate(root, { extensions: [{ oid: EXT.policyConstraints, critical: true, value }] });
      // The intermediate asserts no policy, so no policy can be valid for the path.
      await expectCode(validate([await makeLeaf(ica), ica], [root]), 'no_valid_policy');
    });
  });

  describe('structure', () => {
    it('refuses extensions in an X.509 v1 certificate', async () => {
      const leaf = await makeLeaf(intermediate, {
        version: 1,
        extensions: [{ oid: EXT.subjectAltName, critical: false, value: dnsSubjectAltNameValue('a.example') }],
      });
      await expectCode(validate([leaf, intermediate], [root]), 'malformed_certificate');
    });

    it('refuses two instances of one extension (§4.2)', async () => {
      const san = { oid: EXT.subjectAltName, critical: false, value: dnsSubjectAltNameValue('a.example') };
      const leaf = await makeLeaf(intermediate, { extensions: [san, san] });
      await expectCode(validate([leaf, intermediate], [root]), 'malformed_certificate');
    });

    it('refuses an extension whose value does not parse (§4.2.1.6 GeneralNames)', async () => {
      const leaf = await makeLeaf(intermediate, { extensions: [{ oid: EXT.subjectAltName, critical: false, value: Buffer.from('example.com') }] });
      await expectCode(validate([leaf, intermediate], [root]), 'malformed_certificate');
    });

    it('refuses signatureAlgorithm differing from tbsCertificate.signature (§4.1.1.2)', async () => {
      const leaf = await makeLeaf(intermediate, {
        tamper: (c) => {
          c.signatureAlgorithm = signatureAlgorithmIdentifier('ecdsa', 'SHA-384');
        },
      });
      await expectCode(validate([leaf, intermediate], [root]), 'signature_algorithm_mismatch');
    });

    it.each([
      ['zero', new Uint8Array([0])],
      ['negative', new Uint8Array([0x80, 0x01])],
      ['longer than 20 octets', new Uint8Array(21).fill(0x11)],
    ])('refuses a %s serial number (§4.1.2.2)', async (_, serialNumber) => {
      const leaf = await makeLeaf(intermediate, { serialNumber });
      await expectCode(validate([leaf, intermediate], [root]), 'invalid_serial_number');
    });

    it('accepts a 20-octet serial number', async () => {
      const leaf = await makeLeaf(intermediate, { serialNumber: new Uint8Array(20).fill(0x7f) });
      await expectCode(validate([leaf, intermediate], [root]), 'valid');
    });

    it('refuses a CA with an empty subject (§4.1.2.6)', async () => {
      const ica = await makeIntermediate(root, { subject: [] });
      await expectCode(validate([await makeLeaf(ica), ica], [root]), 'invalid_name');
    });

    it('refuses an empty issuer name (§4.1.2.4)', async () => {
      const leaf = await makeLeaf(intermediate, { issuerName: der(new asn1js.Sequence({ value: [] })) });
      await expectCode(validate([leaf, intermediate], [root]), 'invalid_name');
    });

    it('refuses keyCertSign without cA=TRUE (§4.2.1.3), even on a leaf', async () => {
      const leaf = await makeLeaf(intermediate, { keyUsage: ['digitalSignature', 'keyCertSign'] });
      await expectCode(validate([leaf, intermediate], [root]), 'key_usage_inconsistent');
    });
  });

  describe('profile options off in the device policy (the docs/contract.md §5 recipe needs them off)', () => {
    it('requireKeyIdentifiers refuses a leaf without authorityKeyIdentifier', async () => {
      const leaf = await makeLeaf(intermediate, { keyIdentifiers: false });
      await expectCode(validate([leaf, intermediate], [root]), 'valid');
      await expectCode(validate([leaf, intermediate], [root], { requireKeyIdentifiers: true }), 'missing_key_identifier');
    });

    it('requireCriticalBasicConstraints refuses a CA whose basicConstraints is non-critical', async () => {
      const ica = await makeIntermediate(root, { basicConstraints: { ca: true, critical: false } });
      const leaf = await makeLeaf(ica);
      await expectCode(validate([leaf, ica], [root]), 'valid');
      await expectCode(validate([leaf, ica], [root], { requireCriticalBasicConstraints: true }), 'invalid_extension_criticality');
    });
  });
});
