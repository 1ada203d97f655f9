import { DomainError } from '../../../src/errors';
import { type MultipartLimits, parseMultipart } from '../../../src/http/multipart';

/*
 * RFC 7578 multipart/form-data as the upload routes read it (docs/contract.md
 * §3.1, §3.4), beyond test/unit/http/request-parsing.test.ts: every file
 * part returned whole and in order, text fields only when named, and each
 * limit refused rather than truncated.
 */
const BOUNDARY = '----device-idp-7MA4YWxkTrZu0gW';
const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

type Part = { field: string; content: string | Buffer; filename?: string; contentType?: string };

function form(...parts: Part[]): Buffer {
  return Buffer.concat([
    ...parts.map((part) =>
      Buffer.concat([
        Buffer.from(
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.field}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}\r\n` +
            `${part.contentType === undefined ? '' : `Content-Type: ${part.contentType}\r\n`}\r\n`,
        ),
        Buffer.from(part.content),
        Buffer.from('\r\n'),
      ]),
    ),
    Buffer.from(`--${BOUNDARY}--\r\n`),
  ]);
}

const LIMITS: MultipartLimits = { maxFileBytes: 64 * 1024, maxFiles: 4, maxFields: 8 };
const refusal = (body: Buffer, limits: MultipartLimits = LIMITS, contentType = CONTENT_TYPE) =>
  parseMultipart(body, contentType, limits).then(
    () => 'resolved',
    (error: unknown) => (error instanceof DomainError ? `${error.code}: ${error.message}` : String(error)),
  );

describe('parseMultipart: parts', () => {
  it('returns every file part whole, in order, also when each spans many chunks', async () => {
    const bytes = (seed: number) => Buffer.from(Array.from({ length: LIMITS.maxFileBytes }, (_, i) => (i * 7 + seed) % 256));
    const files = await parseMultipart(
      form(
        { field: 'certificate', content: bytes(1), filename: 'a.crt', contentType: 'application/x-x509-ca-cert' },
        { field: 'certificate', content: bytes(2), filename: 'b.crt' },
        { field: 'other', content: bytes(3), filename: 'c.bin', contentType: 'application/octet-stream' },
      ),
      CONTENT_TYPE,
      LIMITS,
    );
    expect(files.map((file) => [file.field, file.filename, file.data.length])).toEqual([
      ['certificate', 'a.crt', LIMITS.maxFileBytes],
      ['certificate', 'b.crt', LIMITS.maxFileBytes],
      ['other', 'c.bin', LIMITS.maxFileBytes],
    ]);
    expect(files.map((file) => file.data.equals(bytes(files.indexOf(file) + 1)))).toEqual([true, true, true]);
  });

  it('answers no parts for a form with none', async () => {
    expect(await parseMultipart(Buffer.from(`--${BOUNDARY}--\r\n`), CONTENT_TYPE, LIMITS)).toEqual([]);
  });

  it('returns a named text field as a part with filename "", and ignores the others', async () => {
    const parts = await parseMultipart(
      form(
        { field: 'issuer', content: '-----BEGIN CERTIFICATE-----' },
        { field: 'note', content: 'ignored' },
        { field: 'crl', content: 'CRL', filename: 'ca.crl' },
      ),
      CONTENT_TYPE,
      { ...LIMITS, textFields: ['issuer'] },
    );
    expect(parts).toEqual([
      { field: 'issuer', filename: '', data: Buffer.from('-----BEGIN CERTIFICATE-----') },
      { field: 'crl', filename: 'ca.crl', data: Buffer.from('CRL') },
    ]);
  });

  it('measures a text field in UTF-8 bytes: exactly maxFileBytes passes, one byte more is file_too_large', async () => {
    const limits = { ...LIMITS, maxFileBytes: 10, textFields: ['issuer'] };
    expect((await parseMultipart(form({ field: 'issuer', content: 'ééééé' }), CONTENT_TYPE, limits))[0].data.length).toBe(10);
    expect(await refusal(form({ field: 'issuer', content: 'éééééx' }), limits)).toBe('file_too_large: the field issuer exceeds 10 bytes');
  });
});

describe('parseMultipart: limits and malformed bodies', () => {
  it('refuses more plain fields than maxFields as malformed_multipart, and more files than maxFiles as too_many_files', async () => {
    const fields = Array.from({ length: 3 }, (_, i) => ({ field: `f${i}`, content: 'x' }));
    expect(await refusal(form(...fields), { ...LIMITS, maxFields: 2 })).toBe('malformed_multipart: too many form fields');
    const file = { field: 'certificate', content: 'x', filename: 'a' };
    expect(await refusal(form(file, file), { ...LIMITS, maxFiles: 1 })).toBe('too_many_files: at most 1 file may be uploaded');
  });

  it('accepts maxFiles files with fewer fields, and maxFields fields with fewer files', async () => {
    const file = { field: 'certificate', content: 'x', filename: 'a' };
    const field = { field: 'note', content: 'x' };
    expect(await refusal(form(file, file, field), { maxFileBytes: 10, maxFiles: 2, maxFields: 2 })).toBe('resolved');
    expect(await refusal(form(file, field, field), { maxFileBytes: 10, maxFiles: 2, maxFields: 2 })).toBe('resolved');
  });

  // busboy emits 'partsLimit' on *reaching* its `parts` count (`++parts === partsLimit`), so the limit passed is one more.
  it('accepts a form of exactly maxFiles files and maxFields fields', async () => {
    const file = { field: 'certificate', content: 'x', filename: 'a' };
    const field = { field: 'note', content: 'x' };
    expect(await refusal(form(file, file, field, field), { maxFileBytes: 10, maxFiles: 2, maxFields: 2 })).toBe('resolved');
  });

  it('refuses one part more than maxFiles + maxFields', async () => {
    const file = { field: 'certificate', content: 'x', filename: 'a' };
    const field = { field: 'note', content: 'x' };
    expect(await refusal(form(file, file, field, field, field), { maxFileBytes: 10, maxFiles: 2, maxFields: 2 })).toMatch(
      /^malformed_multipart: too many form/,
    );
  });

  it('refuses the first limit it meets and nothing after it: a too-large file among too many', async () => {
    const big = { field: 'certificate', content: 'x'.repeat(11), filename: 'big' };
    const small = { field: 'certificate', content: 'x', filename: 'small' };
    expect(await refusal(form(big, small, small), { maxFileBytes: 10, maxFiles: 2, maxFields: 1 })).toBe('file_too_large: the uploaded file exceeds 10 bytes');
  });

  it.each([
    ['not multipart at all', 'application/json'],
    ['multipart without a boundary', 'multipart/form-data'],
    ['another multipart subtype', `multipart/mixed; boundary=${BOUNDARY}`],
  ])('refuses %s as malformed_multipart', async (_name, contentType) => {
    expect(await refusal(form({ field: 'certificate', content: 'x', filename: 'a' }), LIMITS, contentType)).toMatch(/^malformed_multipart: /);
  });

  it('refuses a body cut off inside a file part, and one that never uses the declared boundary', async () => {
    const whole = form({ field: 'certificate', content: 'PEM', filename: 'a.crt' });
    expect(await refusal(whole.subarray(0, whole.length - 20))).toBe('malformed_multipart: the multipart/form-data body is malformed');
    expect(await refusal(Buffer.from(whole.toString('latin1').replaceAll(BOUNDARY, 'other-boundary'), 'latin1'))).toBe(
      'malformed_multipart: the multipart/form-data body is malformed',
    );
  });
});
