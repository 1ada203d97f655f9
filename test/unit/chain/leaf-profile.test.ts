import { EKU_ANY, EKU_CLIENT_AUTH, EKU_SERVER_AUTH, type EkuPolicy } from '../../../src/domain/chain';
import { EKU, makeIntermediate, makeLeaf, makeRoot, type TestCertificate } from '../../support/pki';
import { expectCode, validate } from './helpers';

/* The end entity: docs/contract.md §4.3 device rules, and the EKU policy parameter used by conformance runs. */
describe('leaf (device certificate) profile', () => {
  let root: TestCertificate;
  let intermediate: TestCertificate;

  beforeAll(async () => {
    root = await makeRoot();
    intermediate = await makeIntermediate(root);
  });

  it('accepts an X.509 v1 device certificate without extensions (docs/contract.md §5)', async () => {
    await expectCode(validate([await makeLeaf(intermediate, { v1: true }), intermediate], [root]), 'valid');
  });

  it('refuses a v1 leaf when the policy requires v3', async () => {
    const leaf = await makeLeaf(intermediate, { version: 1 });
    await expectCode(validate([leaf, intermediate], [root], { leafMayBeV1: false }), 'leaf_version');
  });

  it('refuses a CA certificate as the device certificate', async () => {
    const caLeaf = await makeLeaf(intermediate, { ca: true, keyUsage: ['digitalSignature', 'keyCertSign'] });
    await expectCode(validate([caLeaf, intermediate], [root]), 'leaf_is_ca');
    await expectCode(validate([caLeaf, intermediate], [root], { leafMayBeCa: true }), 'valid');
  });

  it('refuses a device certificate whose keyUsage lacks digitalSignature', async () => {
    const leaf = await makeLeaf(intermediate, { keyUsage: ['keyEncipherment'] });
    await expectCode(validate([leaf, intermediate], [root]), 'leaf_key_usage', /digitalSignature/);
  });

  it('accepts a device certificate without keyUsage', async () => {
    await expectCode(validate([await makeLeaf(intermediate, { keyUsage: 'absent' }), intermediate], [root]), 'valid');
  });

  describe('extendedKeyUsage under the device policy', () => {
    it.each([
      ['clientAuth', [EKU.clientAuth]],
      ['anyExtendedKeyUsage', [EKU.any]],
      ['serverAuth and clientAuth', [EKU.serverAuth, EKU.clientAuth]],
    ])('accepts %s', async (_, extendedKeyUsage) => {
      await expectCode(validate([await makeLeaf(intermediate, { extendedKeyUsage }), intermediate], [root]), 'valid');
    });

    it('accepts a device certificate without extendedKeyUsage', async () => {
      await expectCode(validate([await makeLeaf(intermediate, { extendedKeyUsage: 'absent' }), intermediate], [root]), 'valid');
    });

    it('refuses serverAuth only', async () => {
      const leaf = await makeLeaf(intermediate, { extendedKeyUsage: [EKU.serverAuth] });
      await expectCode(validate([leaf, intermediate], [root]), 'leaf_extended_key_usage');
    });
  });

  describe('extendedKeyUsage as a parameter (conformance runs)', () => {
    const serverAuth: EkuPolicy = { acceptedPurposes: [EKU_SERVER_AUTH], anyExtendedKeyUsage: 'accept', requirePresent: false };

    it('serverAuth required-if-present accepts serverAuth and refuses clientAuth only', async () => {
      const server = await makeLeaf(intermediate, { eku: [EKU_SERVER_AUTH] });
      const client = await makeLeaf(intermediate, { extendedKeyUsage: [EKU_CLIENT_AUTH] });
      await expectCode(validate([server, intermediate], [root], { extendedKeyUsage: serverAuth }), 'valid');
      await expectCode(validate([client, intermediate], [root], { extendedKeyUsage: serverAuth }), 'leaf_extended_key_usage');
    });

    it("anyExtendedKeyUsage: 'ignore' does not count it, 'reject' refuses its presence", async () => {
      const anyOnly = await makeLeaf(intermediate, { extendedKeyUsage: [EKU_ANY] });
      const serverAndAny = await makeLeaf(intermediate, { extendedKeyUsage: [EKU_SERVER_AUTH, EKU_ANY] });
      const ignore = { ...serverAuth, anyExtendedKeyUsage: 'ignore' as const };
      const reject = { ...serverAuth, anyExtendedKeyUsage: 'reject' as const };
      await expectCode(validate([anyOnly, intermediate], [root], { extendedKeyUsage: ignore }), 'leaf_extended_key_usage');
      await expectCode(validate([serverAndAny, intermediate], [root], { extendedKeyUsage: ignore }), 'valid');
      await expectCode(validate([serverAndAny, intermediate], [root], { extendedKeyUsage: reject }), 'leaf_extended_key_usage', /anyExtendedKeyUsage/);
    });

    it('requirePresent refuses a leaf without the extension', async () => {
      const none = await makeLeaf(intermediate, { extendedKeyUsage: 'absent' });
      await expectCode(validate([none, intermediate], [root], { extendedKeyUsage: { ...serverAuth, requirePresent: true } }), 'leaf_extended_key_usage');
    });

    it('does not apply the leaf EKU rule to CA certificates', async () => {
      const ica = await makeIntermediate(root, { extendedKeyUsage: [EKU.serverAuth] });
      await expectCode(validate([await makeLeaf(ica), ica], [root]), 'valid');
    });
  });
});
