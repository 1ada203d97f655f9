import { createHash } from 'node:crypto';
import { decodePemCertificates, devicePolicy, parseCertificate, validateChain } from '../../../src/domain/chain';
import { adoptCertificate, makeCertificate, makeIntermediate, makeLeaf, subjectNameOf, type TestCertificate } from '../../support/pki';
import { type OpensslRecipe, openssl, runOpensslRecipe } from '../../support/pki-openssl';
import { expectCode, outcome } from './helpers';

// Key generation (RSA-4096, OpenSSL) and child processes are slow on a loaded machine.
jest.setTimeout(60_000);

/*
 * docs/contract.md §5: chains made with the documented OpenSSL recipe must be accepted,
 * and the chains the pkijs chain engine wrongly accepts must be refused.
 */
describe('the docs/contract.md §5 OpenSSL recipe', () => {
  let recipe: OpensslRecipe;
  let root: TestCertificate;
  let intermediate: TestCertificate;
  let device: TestCertificate;
  const at = (): Date => recipe.generatedAt;
  const validate = (chain: readonly Uint8Array[], anchors: readonly Uint8Array[] = [recipe.root], now = at()) =>
    validateChain({ chain, anchors }, devicePolicy(now));

  beforeAll(async () => {
    recipe = await runOpensslRecipe();
    root = adoptCertificate(recipe.root, recipe.rootKeys);
    intermediate = adoptCertificate(recipe.intermediate, recipe.intermediateKeys);
    device = adoptCertificate(recipe.device, recipe.deviceKeys);
  });
  afterAll(() => recipe?.cleanup());

  it('produces a v1 device certificate and a pathlen:0 intermediate (the facts the SPEC measured)', () => {
    expect(parseCertificate(recipe.device)).toMatchObject({ version: 1, extensions: { all: [] } });
    expect(parseCertificate(recipe.intermediate).extensions.basicConstraints).toEqual({ ca: true, pathLen: 0 });
  });

  it('accepts device.chain.crt (device, intermediate, root) and ends the path at the uploaded root', async () => {
    const pem = decodePemCertificates(recipe.deviceChainPem);
    if (!pem.ok) throw new Error(pem.reason);
    const result = await validate(pem.certificates);
    expect(outcome(result).code).toBe('valid');
    if (!result.valid) return;
    expect(result.path.map((c) => c.subjectCN)).toEqual(['device-id-or-asset-id', 'Device Intermediate CA', 'Root CA']);
    expect(result.anchor.sha256Hex).toBe(createHash('sha256').update(recipe.root).digest('hex'));
  });

  it('accepts the chain without the root (x5c = device, intermediate)', async () => {
    const result = await validate([recipe.device, recipe.intermediate]);
    expect(outcome(result).code).toBe('valid');
    if (result.valid) expect(result.path).toHaveLength(3);
  });

  it('accepts the chain when the pool holds several roots (rotation)', async () => {
    const other = await makeCertificate('self-signed', { cn: 'Root CA', basicConstraints: { ca: true } });
    await expectCode(validate([recipe.device, recipe.intermediate], [other.der, recipe.root]), 'valid');
  });

  it('exposes what the token endpoint needs from the device certificate', async () => {
    const result = await validate([recipe.device, recipe.intermediate]);
    if (!result.valid) throw new Error(result.detail);
    const expected = openssl(['x509', '-in', 'device.crt', '-noout', '-fingerprint', '-sha256', '-serial'], recipe.dir);
    expect(result.leaf).toMatchObject({ subjectCN: 'device-id-or-asset-id', subjectO: 'Business Unit ID' });
    expect(expected).toContain(result.leaf.sha256Hex.toUpperCase().match(/../g)!.join(':'));
    expect(expected.toLowerCase()).toContain(`serial=${result.leaf.serialNumberHex}`);
    expect(Buffer.from(result.leaf.sha256Base64Url, 'base64url').toString('hex')).toBe(result.leaf.sha256Hex);
  });

  it('refuses an expired device certificate (365 days) while root and intermediate are still valid', async () => {
    const later = new Date(at().getTime() + 400 * 86_400_000);
    await expectCode(validate([recipe.device, recipe.intermediate], [recipe.root], later), 'certificate_expired');
  });

  it('refuses a self-signed forgery carrying the real device subject, placed in front of the real intermediate', async () => {
    const forgery = await makeCertificate('self-signed', { version: 1, subject: deviceSubject(), keyAlgorithm: 'RSA-2048' });
    expect(parseCertificate(forgery.der).subjectCN).toBe('device-id-or-asset-id');
    await expectCode(validate([forgery.der, recipe.intermediate]), 'issuer_name_mismatch');
  });

  it('refuses a forgery that names the real intermediate as issuer but is signed with its own key', async () => {
    const forgery = await makeCertificate('self-signed', { version: 1, subject: deviceSubject(), issuerName: subjectNameOf(intermediate) });
    await expectCode(validate([forgery.der, recipe.intermediate]), 'bad_signature');
  });

  it('refuses a certificate signed by a device key (a device acting as a CA)', async () => {
    const fake = await makeLeaf(device, { cn: 'someone-else', version: 1, signature: { scheme: 'pkcs1' } });
    await expectCode(validate([fake.der, recipe.device, recipe.intermediate]), 'issuer_not_ca');
  });

  it('refuses a sub-CA under the pathlen:0 intermediate', async () => {
    const subCa = await makeIntermediate(intermediate, { cn: 'Rogue Sub CA' });
    const leaf = await makeLeaf(subCa);
    await expectCode(validate([leaf.der, subCa.der, recipe.intermediate]), 'path_length_exceeded');
  });

  it('refuses an issuer whose keyUsage lacks keyCertSign', async () => {
    const signingOnly = await makeIntermediate(root, { keyUsage: ['digitalSignature', 'cRLSign'] });
    const leaf = await makeLeaf(signingOnly);
    await expectCode(validate([leaf.der, signingOnly.der]), 'issuer_missing_key_cert_sign');
  });

  it('refuses a v1 issuer', async () => {
    const v1Ca = await makeCertificate(root, { cn: 'Legacy v1 CA', version: 1 });
    const leaf = await makeLeaf(v1Ca);
    await expectCode(validate([leaf.der, v1Ca.der]), 'issuer_not_ca');
  });

  it("refuses another pool's chain even though its root has the very same name (recipe subjects are identical)", async () => {
    const other = await runOpensslRecipe({ caKeyBits: 2048 });
    try {
      await expectCode(validate([other.device, other.intermediate, other.root]), 'untrusted_root');
      await expectCode(validate([other.device, other.intermediate]), 'untrusted_root');
    } finally {
      other.cleanup();
    }
  });

  it('refuses a chain with the intermediate missing', async () => {
    await expectCode(validate([recipe.device]), 'untrusted_root');
  });

  function deviceSubject(): [string, string][] {
    return [
      ['C', 'US'],
      ['ST', 'State'],
      ['L', 'City'],
      ['O', 'Business Unit ID'],
      ['CN', 'device-id-or-asset-id'],
    ];
  }
});
