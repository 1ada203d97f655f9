import { makeIntermediate, makeLeaf, makeRoot, TEST_NOW, type TestCertificate } from '../../support/pki';
import { expectCode, validate } from './helpers';

/* RFC 5280 §6.1.3 (a)(2): every certificate of the path, anchor included, is valid at the injected time. */
describe('validity period', () => {
  let root: TestCertificate;
  let intermediate: TestCertificate;
  const day = 86_400_000;
  const before = new Date(TEST_NOW.getTime() - day);
  const after = new Date(TEST_NOW.getTime() + day);

  beforeAll(async () => {
    root = await makeRoot();
    intermediate = await makeIntermediate(root);
  });

  it('refuses an expired device certificate', async () => {
    const leaf = await makeLeaf(intermediate, { notAfter: before });
    await expectCode(validate([leaf, intermediate], [root]), 'certificate_expired', /^leaf /);
  });

  it('refuses a device certificate that is not yet valid', async () => {
    const leaf = await makeLeaf(intermediate, { notBefore: after });
    await expectCode(validate([leaf, intermediate], [root]), 'certificate_not_yet_valid', /^leaf /);
  });

  it('refuses an expired intermediate', async () => {
    const ica = await makeIntermediate(root, { notAfter: before });
    await expectCode(validate([await makeLeaf(ica), ica], [root]), 'certificate_expired', /^intermediate #1 /);
  });

  it('refuses a not-yet-valid intermediate', async () => {
    const ica = await makeIntermediate(root, { notBefore: after });
    await expectCode(validate([await makeLeaf(ica), ica], [root]), 'certificate_not_yet_valid', /^intermediate #1 /);
  });

  it('refuses an expired trust anchor', async () => {
    const oldRoot = await makeRoot({ notAfter: before });
    const ica = await makeIntermediate(oldRoot);
    await expectCode(validate([await makeLeaf(ica), ica], [oldRoot]), 'certificate_expired', /^trust anchor /);
  });

  it('treats notBefore and notAfter as inclusive (RFC 5280 §4.1.2.5)', async () => {
    const leaf = await makeLeaf(intermediate, { notBefore: TEST_NOW, notAfter: TEST_NOW });
    await expectCode(validate([leaf, intermediate], [root]), 'valid');
    await expectCode(validate([leaf, intermediate], [root], { now: new Date(TEST_NOW.getTime() + 1000) }), 'certificate_expired');
    await expectCode(validate([leaf, intermediate], [root], { now: new Date(TEST_NOW.getTime() - 1000) }), 'certificate_not_yet_valid');
  });

  it('reads GeneralizedTime after 2049 and UTCTime before 1950 boundaries correctly', async () => {
    const leaf = await makeLeaf(intermediate, { notBefore: new Date('1950-01-01T00:00:00Z'), notAfter: new Date('2050-01-01T00:00:00Z') });
    await expectCode(validate([leaf, intermediate], [root]), 'valid');
    await expectCode(validate([leaf, intermediate], [root], { now: new Date('2050-01-01T00:00:01Z') }), 'certificate_expired');
  });

  it('uses only the injected clock', async () => {
    const leaf = await makeLeaf(intermediate, { notBefore: new Date('2001-01-01T00:00:00Z'), notAfter: new Date('2001-12-31T00:00:00Z') });
    await expectCode(validate([leaf, intermediate], [root], { now: new Date('2001-06-01T00:00:00Z') }), 'valid');
  });
});
