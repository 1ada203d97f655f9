import fc from 'fast-check';

/**
 * A multipart/form-data upload (RFC 7578) described as data, so the fuzzer
 * can break it structurally (boundaries, parts, headers, names, filenames)
 * and then at the byte level (truncation, insertion). `render` gives the
 * Content-Type header and the body bytes as a client would send them.
 */

interface Part {
  name?: string;
  filename?: string;
  contentType?: string;
  extraHeaders: string[];
  content: Buffer;
  /** A part header line without the colon, or with a broken Content-Disposition. */
  brokenDisposition?: boolean;
}

export interface MultipartUpload {
  /** The boundary named in Content-Type (`null`: parameter missing). */
  headerBoundary: string | null;
  quoteHeaderBoundary: boolean;
  mediaType: string;
  /** The boundary actually used in the body. */
  bodyBoundary: string;
  parts: Part[];
  closing: boolean;
  newline: '\r\n' | '\n';
  preamble: string;
  epilogue: string;
}

export function validUpload(pem: string, boundary = '----hostileFormBoundary7MA4YWxkTrZu0gW'): MultipartUpload {
  return {
    headerBoundary: boundary,
    quoteHeaderBoundary: false,
    mediaType: 'multipart/form-data',
    bodyBoundary: boundary,
    parts: [{ name: 'certificate', filename: 'root-ca.crt', contentType: 'application/x-pem-file', extraHeaders: [], content: Buffer.from(pem) }],
    closing: true,
    newline: '\r\n',
    preamble: '',
    epilogue: '',
  };
}

export function render(upload: MultipartUpload): { contentType: string; body: Buffer } {
  const nl = upload.newline;
  const chunks: Buffer[] = [Buffer.from(upload.preamble)];
  for (const part of upload.parts) {
    const disposition = part.brokenDisposition
      ? 'Content-Disposition form-data'
      : [
          'Content-Disposition: form-data',
          part.name === undefined ? undefined : `name="${part.name}"`,
          part.filename === undefined ? undefined : `filename="${part.filename}"`,
        ]
          .filter(Boolean)
          .join('; ');
    const headers = [disposition, ...(part.contentType === undefined ? [] : [`Content-Type: ${part.contentType}`]), ...part.extraHeaders];
    chunks.push(Buffer.from(`--${upload.bodyBoundary}${nl}${headers.join(nl)}${nl}${nl}`), part.content, Buffer.from(nl));
  }
  if (upload.closing) chunks.push(Buffer.from(`--${upload.bodyBoundary}--${nl}`));
  chunks.push(Buffer.from(upload.epilogue));
  const boundaryParameter =
    upload.headerBoundary === null ? '' : `; boundary=${upload.quoteHeaderBoundary ? `"${upload.headerBoundary}"` : upload.headerBoundary}`;
  return { contentType: `${upload.mediaType}${boundaryParameter}`, body: Buffer.concat(chunks) };
}

type Change = (upload: MultipartUpload) => MultipartUpload;

const boundaryText = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9'()+_,./:=?-]{1,70}$/),
  fc.constantFrom('', ' ', 'a b', 'x'.repeat(71), 'x'.repeat(300), '"', ';', '--', '\u00e9', 'boundary\r\nX-Injected: 1'),
);

const partChange: fc.Arbitrary<(part: Part) => Part> = fc.oneof(
  fc.constant((part: Part) => ({ ...part, filename: undefined })),
  fc.constant((part: Part) => ({ ...part, name: undefined })),
  fc.constant((part: Part) => ({ ...part, brokenDisposition: true })),
  fc.string({ maxLength: 12 }).map((name) => (part: Part) => ({ ...part, name })),
  fc
    .oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', '../../etc/passwd', 'C:\\root.crt', 'a"b.crt', '\u0000.crt', 'é€.crt', 'x'.repeat(400)))
    .map((filename) => (part: Part) => ({ ...part, filename })),
  fc.constantFrom('text/plain', 'application/octet-stream', '', 'multipart/mixed; boundary=x').map((contentType) => (part: Part) => ({ ...part, contentType })),
  fc.integer({ min: 1, max: 100 * 1024 }).map((size) => (part: Part) => ({ ...part, extraHeaders: [...part.extraHeaders, `X-Pad: ${'a'.repeat(size)}`] })),
  fc
    .integer({ min: 1, max: 60 })
    .map((count) => (part: Part) => ({ ...part, extraHeaders: [...part.extraHeaders, ...Array.from({ length: count }, (_, i) => `X-H${i}: v`)] })),
  fc
    .constantFrom('Content-Transfer-Encoding: base64', 'Content-Disposition: form-data; name="other"; filename="b.crt"', 'no colon here', ': empty name')
    .map((line) => (part: Part) => ({ ...part, extraHeaders: [...part.extraHeaders, line] })),
  fc
    .oneof(
      fc.constant(Buffer.alloc(0)),
      fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
      fc.constant(Buffer.alloc(70 * 1024, 0x41)),
    )
    .map((content) => (part: Part) => ({ ...part, content })),
);

export const uploadChange: fc.Arbitrary<Change> = fc.oneof(
  // boundary corruption
  boundaryText.map(
    (boundary): Change =>
      (u) => ({ ...u, headerBoundary: boundary }),
  ),
  boundaryText.map(
    (boundary): Change =>
      (u) => ({ ...u, bodyBoundary: boundary }),
  ),
  boundaryText.map(
    (boundary): Change =>
      (u) => ({ ...u, headerBoundary: boundary, bodyBoundary: boundary }),
  ),
  fc.constant<Change>((u) => ({ ...u, headerBoundary: null })),
  fc.constant<Change>((u) => ({ ...u, quoteHeaderBoundary: true })),
  fc.constantFrom('multipart/mixed', 'multipart/form-data ', 'MULTIPART/FORM-DATA', 'multipart/related', 'application/x-www-form-urlencoded').map(
    (mediaType): Change =>
      (u) => ({ ...u, mediaType }),
  ),
  fc.constant<Change>((u) => ({ ...u, closing: false })),
  fc.constant<Change>((u) => ({ ...u, newline: '\n' })),
  fc.string({ maxLength: 64 }).map(
    (preamble): Change =>
      (u) => ({ ...u, preamble }),
  ),
  fc.string({ maxLength: 64 }).map(
    (epilogue): Change =>
      (u) => ({ ...u, epilogue }),
  ),
  // duplicate and extra parts
  fc.constant<Change>((u) => ({ ...u, parts: [...u.parts, ...u.parts] })),
  fc.constant<Change>((u) => ({ ...u, parts: [] })),
  fc.integer({ min: 1, max: 12 }).map(
    (count): Change =>
      (u) => ({ ...u, parts: [...u.parts, ...Array.from({ length: count }, (_, i) => ({ name: `field${i}`, extraHeaders: [], content: Buffer.from('v') }))] }),
  ),
  fc.integer({ min: 1, max: 6 }).map(
    (count): Change =>
      (u) => ({
        ...u,
        parts: [
          ...Array.from({ length: count }, (_, i) => ({ name: `file${i}`, filename: `f${i}.txt`, extraHeaders: [], content: Buffer.from('x') })),
          ...u.parts,
        ],
      }),
  ),
  // one part's headers, name, filename or content
  fc.tuple(fc.nat(), partChange).map(
    ([index, change]): Change =>
      (u) => ({ ...u, parts: u.parts.map((part, i) => (i === index % Math.max(1, u.parts.length) ? change(part) : part)) }),
  ),
);

export type ByteChange =
  | { kind: 'none' }
  | { kind: 'truncate'; keep: number }
  | { kind: 'insert'; position: number; bytes: Uint8Array }
  | { kind: 'flip'; position: number; bit: number };

export const byteChange: fc.Arbitrary<ByteChange> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<ByteChange>({ kind: 'none' }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat({ max: 1 << 20 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('insert' as const), position: fc.nat({ max: 1 << 20 }), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flip' as const), position: fc.nat({ max: 1 << 20 }), bit: fc.integer({ min: 0, max: 7 }) }) },
);

export function applyBytes(body: Buffer, change: ByteChange): Buffer {
  if (change.kind === 'none' || body.length === 0) return body;
  const at = (position: number) => position % body.length;
  if (change.kind === 'truncate') return body.subarray(0, at(change.keep));
  if (change.kind === 'insert') return Buffer.concat([body.subarray(0, at(change.position)), Buffer.from(change.bytes), body.subarray(at(change.position))]);
  const copy = Buffer.from(body);
  copy[at(change.position)] ^= 1 << change.bit;
  return copy;
}
