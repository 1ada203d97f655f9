import fc from 'fast-check';
import { deleteRoot, sha256Hex } from '../support/device-fleet';
import { makeRoot, type TestCertificate } from '../support/pki';
import { type EnvironmentInfo, startTestIdp, type TestIdp } from '../support/test-idp';
import { expectRootStoredOnce, expectUploadRefused, OutcomeTally, type StoredState, storedState } from './support/fuzz-harness';
import { fuzzParameters, fuzzTimeout } from './support/fuzz-settings';
import { applyBytes, byteChange, render, uploadChange, validUpload } from './support/multipart-mutations';
import { failOnUnhandledRejections } from './support/rejection-watch';

/*
 * Property-based fuzzing of the root CA upload's multipart/form-data body
 * (docs/contract.md §3.1, §6): boundary corruption, truncation, duplicate and extra
 * parts, huge part headers, missing filename or name, then byte damage.
 * Never a 5xx or an unhandled rejection; a refusal is a 4xx admin error
 * with nothing in DynamoDB or S3; an acceptance stores exactly the root that
 * was sent, once, under a printable filename.
 */
describe('fuzz: multipart upload bodies', () => {
  let idp: TestIdp;
  let env: EnvironmentInfo;
  let root: TestCertificate;
  let empty: StoredState;

  failOnUnhandledRejections();
  beforeAll(async () => {
    idp = await startTestIdp();
    env = await idp.createEnvironment();
    root = await makeRoot({ cn: 'Multipart Fuzz Root', o: 'Fuzz' });
    empty = await storedState(idp, env.clientPoolId);
  });
  afterAll(() => idp?.stop());

  async function upload(contentType: string, body: Buffer): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await idp.request(`/api/internal/${env.clientPoolId}/certificates`, {
      method: 'POST',
      headers: { 'Content-Type': contentType },
      body: new Uint8Array(body),
    });
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
    } catch {
      return { status: response.status, body: { unparsable: text } };
    }
  }

  it('control: the unmodified request is accepted and stored once, object and record', async () => {
    const { contentType, body } = render(validUpload(root.pem));
    const result = await upload(contentType, body);
    expect({ status: result.status, filename: result.body.filename }).toEqual({ status: 201, filename: 'root-ca.crt' });
    const fingerprint = sha256Hex(root.der);
    const stored = await storedState(idp, env.clientPoolId);
    expect(stored.objects).toEqual([stored.pool.find((item) => item.sk.startsWith('ROOT#') && item.fingerprint === fingerprint)?.objectKey]);
    expect(stored.objects[0]).toMatch(new RegExp(`^pools/${env.clientPoolId}/roots/${fingerprint}/[0-9a-f-]{36}\\.pem$`));
    await deleteRoot(idp, env.clientPoolId, fingerprint);
    expect(await storedState(idp, env.clientPoolId)).toEqual(empty);
  });

  const runs = 100;
  it(
    'structural and byte damage → a 4xx with nothing stored, or exactly the sent root stored once',
    async () => {
      const fingerprint = sha256Hex(root.der);
      const tally = new OutcomeTally();
      const property = fc.asyncProperty(fc.array(uploadChange, { minLength: 1, maxLength: 3 }), byteChange, async (changes, bytes) => {
        const valid = render(validUpload(root.pem));
        const { contentType, body: structured } = render(changes.reduce((upload, change) => change(upload), validUpload(root.pem)));
        const body = applyBytes(structured, bytes);
        // fetch cannot send a header with CR, LF, NUL or non-Latin-1 characters; such a request never reaches the IDP anyway.
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the property excludes exactly these characters (CR, LF, NUL, non-Latin-1).
        fc.pre(!/[\r\n\0]|[^\x00-\xff]/.test(contentType));
        fc.pre(contentType !== valid.contentType || !body.equals(valid.body));

        const result = await upload(contentType, body);
        const after = await storedState(idp, env.clientPoolId);
        tally.add(`${result.status} ${String(result.body.error ?? 'accepted')}`);

        if (result.status === 200 || result.status === 201) {
          expect({
            status: result.status,
            fingerprint: result.body.fingerprint,
            printableFilename: /^[\x20-\x7e]{1,255}$/.test(String(result.body.filename)),
          }).toEqual({
            status: 201,
            fingerprint,
            printableFilename: true,
          });
          expectRootStoredOnce(after, fingerprint);
          await deleteRoot(idp, env.clientPoolId, fingerprint);
        } else {
          expectUploadRefused(result, [400, 413, 415], after, empty);
        }
      });
      await fc.assert(property, fuzzParameters(runs));
      tally.print('multipart upload');
      expect(await storedState(idp, env.clientPoolId)).toEqual(empty);
    },
    fuzzTimeout(runs),
  );
});
