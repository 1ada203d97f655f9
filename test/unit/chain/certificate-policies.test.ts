import { ANY_POLICY, DEFAULT_POLICY_INPUTS, parseCertificate, processCertificatePolicies } from '../../../src/domain/chain';
import { makeIntermediate, makeLeaf, makeRoot, type RawExtensionSpec, TEST_NOW, type TestCertificate } from '../../support/pki';
import { certificatePolicies, inhibitAnyPolicy, policyConstraints, policyMappings } from './extension-builders';
import { DEVICE_POLICY, expectCode, validate } from './helpers';

/*
 * RFC 5280 §6.1 certificate policy processing (§6.1.3 (d)-(f), §6.1.4 (a),
 * (b), (h)-(j), §6.1.5 (g)) on the valid-policy graph of RFC 9618: one
 * failing chain per rule, with the device profile (x5c order).
 */
const P1 = '2.16.840.1.101.3.2.1.48.1';
const P2 = '2.16.840.1.101.3.2.1.48.2';
const P3 = '2.16.840.1.101.3.2.1.48.3';

describe('certificate policies', () => {
  let root: TestCertificate;

  beforeAll(async () => {
    root = await makeRoot();
  });

  const ca = (issuer: TestCertificate, cn: string, extensions: readonly RawExtensionSpec[]) => makeIntermediate(issuer, { cn, extensions });
  const leaf = (issuer: TestCertificate, policies?: readonly string[]) =>
    makeLeaf(issuer, { extensions: policies === undefined ? [] : [certificatePolicies(policies)] });

  it("accepts paths without any policy extension: with RFC 5280's default inputs no policy is required", async () => {
    const ica = await makeIntermediate(root);
    await expectCode(validate([await leaf(ica), ica], [root]), 'valid');
    await expectCode(validate([await leaf(ica, [P3]), ica], [root]), 'valid');
  });

  describe('requireExplicitPolicy (§4.2.1.11, §6.1.3 (f)): no_valid_policy', () => {
    let ica: TestCertificate;
    beforeAll(async () => {
      ica = await ca(root, 'Explicit CA', [certificatePolicies([P1]), policyConstraints({ requireExplicitPolicy: 0 })]);
    });

    it("accepts an end entity asserting the CA's policy, or anyPolicy", async () => {
      await expectCode(validate([await leaf(ica, [P1]), ica], [root]), 'valid');
      await expectCode(validate([await leaf(ica, [ANY_POLICY]), ica], [root]), 'valid');
    });

    it('refuses an end entity with another policy, or none', async () => {
      await expectCode(validate([await leaf(ica, [P2]), ica], [root]), 'no_valid_policy', /^leaf .*none of the certificate policies is valid for the path/);
      await expectCode(validate([await leaf(ica), ica], [root]), 'no_valid_policy', /has no certificatePolicies/);
    });

    it("requires a policy when only the end entity's own policyConstraints asks for one (§6.1.5 (b)), never when only the anchor's does", async () => {
      const open = await ca(root, 'Open CA', [certificatePolicies([ANY_POLICY])]);
      const strictLeaf = (policies: readonly string[]) =>
        makeLeaf(open, { extensions: [...(policies.length > 0 ? [certificatePolicies(policies)] : []), policyConstraints({ requireExplicitPolicy: 0 })] });
      await expectCode(validate([await strictLeaf([]), open], [root]), 'no_valid_policy', /^leaf /);
      await expectCode(validate([await strictLeaf([P2]), open], [root]), 'valid');
      const strictRoot = await makeRoot({ cn: 'Strict Root', extensions: [policyConstraints({ requireExplicitPolicy: 0 })] });
      const below = await makeIntermediate(strictRoot, { cn: 'Below Strict Root' });
      await expectCode(validate([await leaf(below), below], [strictRoot]), 'valid');
    });

    it('counts SkipCerts down: requireExplicitPolicy 2 frees the end entity right below, not one certificate further', async () => {
      const lenient = await ca(root, 'Skip-2 CA', [policyConstraints({ requireExplicitPolicy: 2 })]);
      await expectCode(validate([await leaf(lenient), lenient], [root]), 'valid');
      const sub = await makeIntermediate(lenient, { cn: 'Sub CA' });
      await expectCode(validate([await leaf(sub), sub, lenient], [root]), 'no_valid_policy');
    });
  });

  describe('policyMappings (§4.2.1.5, §6.1.4 (a), (b))', () => {
    it("maps the issuer's policy to the subject's: the end entity asserts the mapped one", async () => {
      const ica = await ca(root, 'Mapping CA', [certificatePolicies([P1]), policyMappings([[P1, P2]]), policyConstraints({ requireExplicitPolicy: 0 })]);
      await expectCode(validate([await leaf(ica, [P2]), ica], [root]), 'valid');
      await expectCode(validate([await leaf(ica, [P1]), ica], [root]), 'no_valid_policy');
    });

    it('refuses a mapping to or from anyPolicy: invalid_policy_mapping', async () => {
      for (const pair of [
        [ANY_POLICY, P1],
        [P1, ANY_POLICY],
      ] as const) {
        const ica = await ca(root, 'AnyPolicy Mapping CA', [certificatePolicies([P1]), policyMappings([pair])]);
        await expectCode(validate([await leaf(ica, [P1]), ica], [root]), 'invalid_policy_mapping', /anyPolicy may not be mapped/);
      }
    });

    it('ignores mappings once inhibitPolicyMapping has run out: the mapped policy is deleted', async () => {
      const top = await ca(root, 'Inhibiting CA', [certificatePolicies([P1]), policyConstraints({ requireExplicitPolicy: 0, inhibitPolicyMapping: 0 })]);
      const mapping = await ca(top, 'Mapping Sub CA', [certificatePolicies([P1]), policyMappings([[P1, P2]])]);
      await expectCode(validate([await leaf(mapping, [P2]), mapping, top], [root]), 'no_valid_policy');
      const open = await ca(root, 'Open CA', [certificatePolicies([P1]), policyConstraints({ requireExplicitPolicy: 0 })]);
      const openMapping = await ca(open, 'Mapping Sub CA', [certificatePolicies([P1]), policyMappings([[P1, P2]])]);
      await expectCode(validate([await leaf(openMapping, [P2]), openMapping, open], [root]), 'valid');
    });
  });

  describe('inhibitAnyPolicy (§4.2.1.14, §6.1.3 (d)(2))', () => {
    it('stops anyPolicy from counting below the CA, but not an explicit policy', async () => {
      const ica = await ca(root, 'Inhibit Any CA', [certificatePolicies([ANY_POLICY]), policyConstraints({ requireExplicitPolicy: 0 }), inhibitAnyPolicy(0)]);
      await expectCode(validate([await leaf(ica, [ANY_POLICY]), ica], [root]), 'no_valid_policy');
      await expectCode(validate([await leaf(ica, [P1]), ica], [root]), 'valid');
    });
  });

  describe("the relying party's initial inputs (§6.1.1 (c), (f))", () => {
    let ica: TestCertificate;
    beforeAll(async () => {
      ica = await ca(root, 'Policy CA', [certificatePolicies([P1, P2])]);
    });

    it('initial-explicit-policy requires a valid policy on the path', async () => {
      const explicit = { ...DEFAULT_POLICY_INPUTS, initialExplicitPolicy: true };
      await expectCode(validate([await leaf(ica), ica], [root], { policyProcessing: explicit }), 'no_valid_policy');
      await expectCode(validate([await leaf(ica, [P1]), ica], [root], { policyProcessing: explicit }), 'valid');
    });

    it('user-initial-policy-set keeps only the policies the relying party accepts', async () => {
      const only = (policy: string) => ({ ...DEFAULT_POLICY_INPUTS, initialExplicitPolicy: true, userInitialPolicySet: [policy] });
      await expectCode(validate([await leaf(ica, [P1]), ica], [root], { policyProcessing: only(P1) }), 'valid');
      await expectCode(validate([await leaf(ica, [P1]), ica], [root], { policyProcessing: only(P3) }), 'no_valid_policy', /user-initial-policy-set/);
    });

    it('returns the user-constrained policy set (§6.1.6)', async () => {
      const path = [await leaf(ica, [P2, P3]), ica, root].map((c) => parseCertificate(c.der));
      expect(processCertificatePolicies(path)).toEqual({ valid: true, policies: [P2] });
      expect(processCertificatePolicies(path, { ...DEFAULT_POLICY_INPUTS, userInitialPolicySet: [P1, P2] })).toEqual({ valid: true, policies: [P2] });
      expect(processCertificatePolicies(path, { ...DEFAULT_POLICY_INPUTS, userInitialPolicySet: [P1] })).toEqual({ valid: true, policies: [] });
    });

    it('refuses an empty user-initial-policy-set as a programming error', async () => {
      const policy = { ...DEVICE_POLICY, policyProcessing: { ...DEFAULT_POLICY_INPUTS, userInitialPolicySet: [] } };
      await expect(validate([await leaf(ica), ica], [root], policy)).rejects.toThrow(TypeError);
    });
  });

  it('refuses a certificatePolicies extension that names one policy twice (§4.2.1.4): malformed_certificate', async () => {
    await expectCode(
      validate([await leaf(await makeIntermediate(root), [P1, P1]), await makeIntermediate(root)], [root]),
      'malformed_certificate',
      /appears more than once/,
    );
  });

  it('keeps the graph linear: 60 policies mapped many-to-many across four CAs are processed exactly', async () => {
    const policies = Array.from({ length: 60 }, (_, i) => `1.3.6.1.4.1.55555.7.${i}`);
    const everyToEvery = policies.slice(0, 8).flatMap((from) => policies.slice(0, 8).map((to) => [from, to] as const));
    let issuer = root;
    const chain: TestCertificate[] = [];
    for (const cn of ['Graph CA 1', 'Graph CA 2', 'Graph CA 3']) {
      issuer = await ca(issuer, cn, [certificatePolicies(policies), policyMappings(everyToEvery)]);
      chain.unshift(issuer);
    }
    const end = await leaf(issuer, [policies[3], policies[59]]);
    const path = [end, ...chain, root].map((c) => parseCertificate(c.der));
    expect(processCertificatePolicies(path)).toEqual({ valid: true, policies: [policies[3], policies[59]] });
    await expectCode(validate([end, ...chain], [root], { now: TEST_NOW }), 'valid');
  });
});
