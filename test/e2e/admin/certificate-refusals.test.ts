import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRoot } from '../../support/pki';
import { type OpensslRecipe, openssl, runOpensslRecipe, selfSignCa } from '../../support/pki-openssl';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../../support/test-idp';
import { certificatesPath, curlUpload, errorOf, type FormPart, storedCertificateState, uploadFile, uploadParts } from './support';

/*
 * docs/contract.md §3.1: every refused upload says which rule failed, with its status,
 * and stores nothing: no ROOT# item in DynamoDB and no object in S3.
 */
describe('refused root CA uploads (docs/contract.md §3.1)', () => {
  let idp: TestIdp;
  let env: EnvironmentInfo;
  let recipe: OpensslRecipe;
  const file = (name: string) => readFileSync(join(recipe.dir, name));
  /** A self-signed v3 CA made by OpenSSL from a fresh key, e.g. with a 1024-bit key or a SHA-1 signature. */
  const opensslRoot = (name: string, keyBits: number, digest: string) => {
    openssl(['genrsa', '-out', `${name}.key`, String(keyBits)], recipe.dir);
    selfSignCa(recipe.dir, { keyFile: `${name}.key`, certificateFile: `${name}.crt`, subject: `/C=US/O=Organization/CN=${name}`, digest });
    return file(`${name}.crt`);
  };

  beforeAll(async () => {
    [idp, recipe] = await Promise.all([startTestIdp(), runOpensslRecipe({ caKeyBits: 2048 })]);
    env = await idp.createEnvironment();
    openssl(['x509', '-in', 'root-ca.crt', '-outform', 'DER', '-out', 'root-ca.der'], recipe.dir);
  });
  afterAll(async () => {
    recipe?.cleanup();
    await idp?.stop();
  });
  afterEach(async () => {
    expect(await storedCertificateState(idp, env.clientPoolId)).toEqual({ roots: 0, objects: [] });
  });

  const refuses = async (response: Response, status: number, error: string) => expect(await errorOf(response)).toEqual({ status, error });

  describe('file content', () => {
    const cases: Array<[string, number, string, () => Promise<string | Uint8Array> | string | Uint8Array]> = [
      ['a private key (PEM)', 400, 'private_key_not_allowed', () => file('root-ca.key')],
      ['a certificate bundled with its private key', 400, 'private_key_not_allowed', () => Buffer.concat([file('root-ca.crt'), file('root-ca.key')])],
      ['a certificate signing request', 400, 'csr_not_allowed', () => file('intermediate-ca.csr')],
      ['DER bytes', 400, 'pem_required', () => file('root-ca.der')],
      ['text that is not PEM', 400, 'pem_required', () => 'hello, I am a certificate'],
      [
        'a PEM certificate block without its END line (text around a block is ignored: see certificate-upload.test.ts)',
        400,
        'pem_required',
        () => recipe.rootPem.replace('-----END CERTIFICATE-----', ''),
      ],
      ['a PEM block whose body is not base64', 400, 'pem_required', () => '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n'],
      ['PEM around bytes that are not a certificate', 400, 'malformed_certificate', () => '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'],
      ['several certificates in one file (the recipe ca-chain.crt)', 400, 'single_certificate_required', () => file('ca-chain.crt')],
      ['a non-CA certificate (the recipe device.crt)', 400, 'not_a_ca_certificate', () => file('device.crt')],
      ['a CA that is not self-signed (the recipe intermediate)', 400, 'not_self_signed', () => file('intermediate-ca.crt')],
      [
        'an expired root',
        400,
        'certificate_expired',
        async () => (await makeRoot({ notBefore: new Date('2001-01-01Z'), notAfter: new Date('2002-01-01Z') })).pem,
      ],
      ['a root not yet valid', 400, 'certificate_not_yet_valid', async () => (await makeRoot({ notBefore: new Date('2090-01-01Z') })).pem],
      ['a root with an RSA-1024 key', 400, 'weak_key', () => opensslRoot('weak-root', 1024, 'sha256')],
      ['a SHA-1-signed root', 400, 'weak_signature_algorithm', () => opensslRoot('sha1-root', 2048, 'sha1')],
      ['a root on the P-521 curve (docs/contract.md §3.1 allows P-256/P-384)', 400, 'weak_key', async () => (await makeRoot({ keyAlgorithm: 'EC-P521' })).pem],
      [
        'a root whose keyUsage lacks keyCertSign',
        400,
        'missing_key_cert_sign',
        async () => (await makeRoot({ keyUsage: ['digitalSignature', 'cRLSign'] })).pem,
      ],
      [
        'a root with an unknown critical extension',
        400,
        'unknown_critical_extension',
        async () => (await makeRoot({ extensions: [{ oid: '1.3.6.1.4.1.55555.1', critical: true, value: new Uint8Array([0x05, 0x00]) }] })).pem,
      ],
      ['an empty part', 400, 'empty_file', () => ''],
      ['a part of whitespace only', 400, 'empty_file', () => '\n  \r\n'],
    ];
    it.each(cases)('refuses %s with %i %s', async (_name, status, error, content) => {
      await refuses(await uploadFile(idp, env.clientPoolId, await content()), status, error);
    });

    it('refuses a private key sent with the documented curl command', async () => {
      const { status, body } = await curlUpload(`${idp.baseUrl}${certificatesPath(env.clientPoolId)}`, idp.adminApiKey, 'root-ca.key', recipe.dir);
      expect({ status, error: (body as { error: string }).error }).toEqual({ status: 400, error: 'private_key_not_allowed' });
    });
  });

  describe('form shape', () => {
    it('refuses a form without a "certificate" part with 400 missing_certificate_field', async () => {
      await refuses(
        await uploadParts(idp, env.clientPoolId, [{ field: 'file', content: recipe.rootPem, filename: 'root-ca.crt' }]),
        400,
        'missing_certificate_field',
      );
    });

    it('refuses "certificate" sent as a plain field instead of a file with 400 missing_certificate_field', async () => {
      await refuses(await uploadParts(idp, env.clientPoolId, [{ field: 'certificate', content: recipe.rootPem }]), 400, 'missing_certificate_field');
    });

    it('refuses two "certificate" parts with 400 single_certificate_required', async () => {
      const part: FormPart = { field: 'certificate', content: recipe.rootPem, filename: 'root-ca.crt' };
      await refuses(await uploadParts(idp, env.clientPoolId, [part, part]), 400, 'single_certificate_required');
    });

    it('refuses a file over 64 KiB with 413 file_too_large', async () => {
      const big = `${recipe.rootPem}${'#'.repeat(64 * 1024)}`;
      await refuses(await uploadFile(idp, env.clientPoolId, big), 413, 'file_too_large');
    });

    it('draws the line at 64 KiB: 65536 bytes reach the PEM rules, 65537 bytes are 413 file_too_large', async () => {
      await refuses(await uploadFile(idp, env.clientPoolId, 'A'.repeat(64 * 1024)), 400, 'pem_required');
      await refuses(await uploadFile(idp, env.clientPoolId, 'A'.repeat(64 * 1024 + 1)), 413, 'file_too_large');
    });

    it('refuses a request body over 80 KiB with 413 payload_too_large', async () => {
      await refuses(await uploadFile(idp, env.clientPoolId, 'A'.repeat(100 * 1024)), 413, 'payload_too_large');
    });

    it('refuses a JSON body with 400 multipart_required', async () => {
      const response = await idp.request(certificatesPath(env.clientPoolId), { method: 'POST', json: { certificate: recipe.rootPem } });
      await refuses(response, 400, 'multipart_required');
    });

    it('refuses a raw PEM body (text/plain) with 400 multipart_required', async () => {
      const response = await idp.request(certificatesPath(env.clientPoolId), {
        method: 'POST',
        body: recipe.rootPem,
        headers: { 'Content-Type': 'text/plain' },
      });
      await refuses(response, 400, 'multipart_required');
    });

    it('refuses a body cut off inside the file part with 400 malformed_multipart, and keeps serving', async () => {
      const body = `--XyZ\r\nContent-Disposition: form-data; name="certificate"; filename="root-ca.crt"\r\n\r\n${recipe.rootPem.slice(0, 200)}`;
      const headers = { 'Content-Type': 'multipart/form-data; boundary=XyZ' };
      await refuses(await idp.request(certificatesPath(env.clientPoolId), { method: 'POST', body, headers }), 400, 'malformed_multipart');
      expect((await idp.request(certificatesPath(env.clientPoolId))).status).toBe(200);
    });

    it('refuses multipart/form-data without a boundary with 400 malformed_multipart', async () => {
      const response = await idp.request(certificatesPath(env.clientPoolId), {
        method: 'POST',
        body: recipe.rootPem,
        headers: { 'Content-Type': 'multipart/form-data' },
      });
      await refuses(response, 400, 'malformed_multipart');
    });
  });

  it('still accepts the good root after all of that (the refusals were about the input, not the pool)', async () => {
    const response = await uploadFile(idp, env.clientPoolId, recipe.rootPem);
    expect(response.status).toBe(201);
    const remove = await idp.request(`${certificatesPath(env.clientPoolId)}/${((await response.json()) as { fingerprint: string }).fingerprint}`, {
      method: 'DELETE',
    });
    expect(remove.status).toBe(204);
  });
});
