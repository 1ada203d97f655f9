import { readPem } from '../pem/read-pem';
import { CrlImportError } from './error-codes';

/**
 * Upper bound on an uploaded CRL, checked before anything is decoded. 4 MiB
 * holds well over 100,000 entries, and parsing is linear in the size.
 */
export const MAX_CRL_BYTES = 4 * 1024 * 1024;

const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

/**
 * The DER of the one CRL in an upload: DER as is, or the single `X509 CRL`
 * block of a PEM file ([RFC 7468 §5](https://www.rfc-editor.org/rfc/rfc7468#section-5)),
 * read laxly (RFC 7468 §3): text around it, a byte-order mark and CRLF
 * ignored. A file that also carries a private key, a certificate or a second
 * CRL is refused whole: the operator picked the wrong file, and half-using it
 * would hide that.
 */
export function decodeCrlInput(input: Uint8Array): Uint8Array {
  if (!(input instanceof Uint8Array) || input.byteLength === 0) throw new CrlImportError('crl_malformed', 'the CRL is empty');
  if (input.byteLength > MAX_CRL_BYTES) {
    throw new CrlImportError('crl_too_large', `the CRL is ${input.byteLength} bytes; at most ${MAX_CRL_BYTES} are accepted`);
  }
  // A DER CertificateList starts with a SEQUENCE; PEM text never does.
  if (input[0] === 0x30) return input;
  return decodePem(input);
}

/** RFC 7468 lax reading (src/domain/pem): text around the block, a byte-order mark and CRLF are ignored. */
function decodePem(input: Uint8Array): Uint8Array {
  const { labels, blocks, problem } = readPem(input);
  if (labels.some((label) => label.includes('PRIVATE KEY'))) {
    throw new CrlImportError('crl_private_key_not_allowed', 'the file contains a private key; upload only the CRL, and treat that key as exposed');
  }
  if (problem !== undefined) throw new CrlImportError('crl_malformed', problem.detail);
  const crls = blocks.filter((b) => b.label === 'X509 CRL');
  if (crls.length === 0 && blocks.some((b) => CERTIFICATE_LABELS.has(b.label))) {
    throw new CrlImportError('crl_is_certificate', 'the file is a certificate, not a CRL (PEM "X509 CRL" block expected)');
  }
  const other = blocks.find((b) => b.label !== 'X509 CRL');
  if (other !== undefined) throw new CrlImportError('crl_malformed', `unexpected PEM block "${other.label}" next to the CRL`);
  if (crls.length > 1) throw new CrlImportError('crl_multiple_not_allowed', `the file contains ${crls.length} CRLs; upload one CRL per request`);
  if (crls.length === 0) throw new CrlImportError('crl_malformed', 'neither a DER CRL nor a PEM "X509 CRL" block');
  return crls[0].der;
}
