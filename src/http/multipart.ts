import busboy from 'busboy';
import { DomainError } from '../errors';

export interface UploadedFile {
  field: string;
  filename: string;
  data: Buffer;
}

export interface MultipartLimits {
  maxFileBytes: number;
  maxFiles: number;
  maxFields: number;
  /** Plain (non-file) fields returned as parts too, with filename ''; a value over maxFileBytes is file_too_large. Others are ignored. */
  textFields?: readonly string[];
}

/**
 * Parses a buffered multipart/form-data body (RFC 7578). Limits are enforced
 * while parsing: an oversized part is refused, never truncated and accepted.
 */
export function parseMultipart(body: Buffer, contentType: string, limits: MultipartLimits): Promise<UploadedFile[]> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        // busboy signals a limit on *reaching* fileSize and parts; one more lets a file of exactly maxFileBytes,
        // and a form of exactly maxFiles + maxFields parts, through (files and fields are counted past their limit).
        limits: { fileSize: limits.maxFileBytes + 1, files: limits.maxFiles, fields: limits.maxFields, parts: limits.maxFiles + limits.maxFields + 1 },
      });
    } catch {
      return reject(new DomainError('malformed_multipart', 'the multipart/form-data body has no valid boundary'));
    }
    const files: UploadedFile[] = [];
    let failure: DomainError | undefined;
    const fail = (error: DomainError) => {
      failure ??= error;
    };
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(new DomainError('file_too_large', `the uploaded file exceeds ${limits.maxFileBytes} bytes`)));
      // A truncated or malformed body destroys the part's stream with an error: unhandled, it would crash the process.
      stream.on('error', () => fail(new DomainError('malformed_multipart', 'the multipart/form-data body is malformed')));
      stream.on('close', () => files.push({ field, filename: info.filename ?? '', data: Buffer.concat(chunks) }));
    });
    parser.on('field', (field, value, info) => {
      if (!limits.textFields?.includes(field)) return;
      if (info.valueTruncated || Buffer.byteLength(value) > limits.maxFileBytes) {
        fail(new DomainError('file_too_large', `the field ${field} exceeds ${limits.maxFileBytes} bytes`));
      } else files.push({ field, filename: '', data: Buffer.from(value, 'utf8') });
    });
    parser.on('filesLimit', () => fail(new DomainError('too_many_files', `at most ${limits.maxFiles} file may be uploaded`)));
    parser.on('fieldsLimit', () => fail(new DomainError('malformed_multipart', 'too many form fields')));
    parser.on('partsLimit', () => fail(new DomainError('malformed_multipart', 'too many form parts')));
    parser.on('error', () => reject(new DomainError('malformed_multipart', 'the multipart/form-data body is malformed')));
    parser.on('close', () => (failure ? reject(failure) : resolve(files)));
    parser.end(body);
  });
}
