import { FAR_PAST, makeCertificate, makeIntermediate, makeLeaf, makeRoot, TEST_NOW, type TestCertificate } from '../../support/pki';
import { expectCode, outcome, validate } from './helpers';

// Key generation (RSA-4096, OpenSSL) and child processes are slow on a loaded machine.
jest.setTimeout(60_000);

/*
 * 'pool' mode: chain[0] is the peer, the rest an unordered set of untrusted
 * intermediates (x509-limbo inputs). Path building must find a valid path,
 * fall back to alternatives, and terminate quickly on hostile pools.
 */
describe('path building over a pool', () => {
  let root: TestCertificate;
  const lenient = { maxChainLength: 16 };
  const expired = { notBefore: FAR_PAST, notAfter: new Date(TEST_NOW.getTime() - 86_400_000) };

  beforeAll(async () => {
    root = await makeRoot();
  });

  it('orders an unordered pool: leaf <- ICA 2 <- ICA 1 <- root', async () => {
    const ica1 = await makeIntermediate(root, { cn: 'ICA 1' });
    const ica2 = await makeIntermediate(ica1, { cn: 'ICA 2' });
    const leaf = await makeLeaf(ica2);
    const result = await validate([leaf, ica1, ica2], [root], lenient, 'pool');
    expect(outcome(result).detail).toBe('CN=device-001,O=Business Unit 1 <- CN=ICA 2 <- CN=ICA 1 <- CN=Test Root CA');
    await expectCode(validate([leaf, ica1, ica2], [root], lenient, 'ordered'), 'issuer_name_mismatch');
  });

  it('ignores unrelated pool members', async () => {
    const ica = await makeIntermediate(root);
    const unrelated = await makeIntermediate(await makeRoot({ cn: 'Elsewhere' }), { cn: 'Unrelated' });
    await expectCode(validate([await makeLeaf(ica), unrelated, ica], [root], lenient, 'pool'), 'valid');
  });

  it('falls back to another candidate when the first one fails (same name and key, one expired)', async () => {
    const keys = (await makeIntermediate(root)).keys;
    const old = await makeIntermediate(root, { keys, ...expired });
    const renewed = await makeIntermediate(root, { keys });
    const leaf = await makeLeaf(renewed);
    await expectCode(validate([leaf, old, renewed], [root], lenient, 'pool'), 'valid');
    await expectCode(validate([leaf, old], [root], lenient, 'ordered'), 'certificate_expired');
  });

  it('prefers a trust anchor over an expired cross-certificate ("chain of pain")', async () => {
    const root2 = await makeRoot({ cn: 'Old Root' });
    const cross = await makeCertificate(root2, { cn: 'Test Root CA', keys: root.keys, basicConstraints: { ca: true }, ...expired });
    const leaf = await makeLeaf(root);
    await expectCode(validate([leaf, cross], [root, root2], lenient, 'pool'), 'valid');
    await expectCode(validate([leaf, cross], [root2], lenient, 'pool'), 'certificate_expired');
  });

  it('terminates on two CAs that sign each other, in pool and ordered mode', async () => {
    const stubA = await makeRoot({ cn: 'CA A' });
    const stubB = await makeRoot({ cn: 'CA B' });
    const aByB = await makeIntermediate(stubB, { cn: 'CA A', keys: stubA.keys });
    const bByA = await makeIntermediate(stubA, { cn: 'CA B', keys: stubB.keys });
    const leaf = await makeLeaf(stubA);
    await expectCode(validate([leaf, aByB, bByA], [root], lenient, 'pool'), 'untrusted_root');
    await expectCode(validate([leaf, aByB, bByA], [root], lenient, 'ordered'), 'untrusted_root');
  });

  it('terminates on a loop that reaches a trust anchor, and still finds the path', async () => {
    const ica = await makeIntermediate(root, { cn: 'CA A' });
    const stubB = await makeRoot({ cn: 'CA B' });
    const aByB = await makeIntermediate(stubB, { cn: 'CA A', keys: ica.keys });
    const bByA = await makeIntermediate(ica, { cn: 'CA B', keys: stubB.keys });
    await expectCode(validate([await makeLeaf(ica), aByB, bByA, ica], [root], lenient, 'pool'), 'valid');
  });

  it('gives up quickly on many same-named certificates (exponentially many orderings)', async () => {
    const stub = await makeRoot({ cn: 'Loop CA' });
    const pool = await Promise.all(Array.from({ length: 15 }, () => makeIntermediate(stub, { cn: 'Loop CA' })));
    const leaf = await makeLeaf(stub);
    const started = Date.now();
    await expectCode(validate([leaf, ...pool], [root], lenient, 'pool'), 'path_building_limit');
    const sameNamedAnchor = await makeRoot({ cn: 'Loop CA' });
    await expectCode(validate([leaf, ...pool], [sameNamedAnchor], lenient, 'pool'), 'path_building_limit');
    expect(Date.now() - started).toBeLessThan(20_000); // generous: only proves termination
  });

  it('honours the path-building limits', async () => {
    const ica = await makeIntermediate(root);
    const leaf = await makeLeaf(ica);
    await expectCode(validate([leaf, ica], [root], { ...lenient, pathBuilding: { maxSteps: 1, maxCandidatePaths: 16 } }, 'pool'), 'path_building_limit');
  });

  it('refuses a duplicate in the pool', async () => {
    const ica = await makeIntermediate(root);
    await expectCode(validate([await makeLeaf(ica), ica, ica], [root], lenient, 'pool'), 'duplicate_certificate');
  });

  it('applies the same rules as ordered mode to the path it finds', async () => {
    const ica = await makeIntermediate(root, { pathLen: 0 });
    const sub = await makeIntermediate(ica, { cn: 'Sub CA' });
    await expectCode(validate([await makeLeaf(sub), sub, ica], [root], lenient, 'pool'), 'path_length_exceeded');
  });
});
