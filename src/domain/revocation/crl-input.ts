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
 * text around it ignored. A file that also carries a private key, a
 * certificate or a second CRL is refused whole: the operator picked the
 * wrong file, and half-using it would hide that.
 */
export function decodeCrlInput(input: Uint8Array): Uint8Array {
  if (!(input instanceof Uint8Array) || input.byteLength === 0) throw new CrlImportError('crl_malformed', 'the CRL is empty');
  if (input.byteLength > MAX_CRL_BYTES) {
    throw new CrlImportError('crl_too_large', `the CRL is ${input.byteLength} bytes; at most ${MAX_CRL_BYTES} are accepted`);
  }
  // A DER CertificateList starts with a SEQUENCE; PEM text never does.
  if (input[0] === 0x30) return input;
  return decodePem(Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1'));
}

function decodePem(text: string): Uint8Array {
  const blocks = pemBlocks(text);
  if (blocks.some((b) => b.label.includes('PRIVATE KEY'))) {
    throw new CrlImportError('crl_private_key_not_allowed', 'the file contains a private key; upload only the CRL, and treat that key as exposed');
  }
  const crls = blocks.filter((b) => b.label === 'X509 CRL');
  if (crls.length === 0 && blocks.some((b) => CERTIFICATE_LABELS.has(b.label))) {
    throw new CrlImportError('crl_is_certificate', 'the file is a certificate, not a CRL (PEM "X509 CRL" block expected)');
  }
  const other = blocks.find((b) => b.label !== 'X509 CRL');
  if (other !== undefined) throw new CrlImportError('crl_malformed', `unexpected PEM block "${other.label}" next to the CRL`);
  if (crls.length > 1) throw new CrlImportError('crl_multiple_not_allowed', `the file contains ${crls.length} CRLs; upload one CRL per request`);
  if (crls.length === 0) throw new CrlImportError('crl_malformed', 'neither a DER CRL nor a PEM "X509 CRL" block');
  const base64 = crls[0].body.replace(/\s+/g, '');
  // Buffer.from silently skips invalid characters, so the alphabet is checked first.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) {
    throw new CrlImportError('crl_malformed', 'invalid base64 in the "X509 CRL" block');
  }
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

/**
 * The PEM blocks of a text, in one forward scan: a backtracking regular
 * expression would take quadratic time on a hostile upload of many BEGIN
 * lines without their END line.
 */
function pemBlocks(text: string): { label: string; body: string }[] {
  const blocks: { label: string; body: string }[] = [];
  for (let from = 0; ; ) {
    const begin = text.indexOf('-----BEGIN ', from);
    if (begin < 0) return blocks;
    const labelEnd = text.indexOf('-----', begin + 11);
    const label = labelEnd < 0 ? '' : text.slice(begin + 11, labelEnd);
    if (!/^[A-Z0-9 ]{1,64}$/.test(label)) throw new CrlImportError('crl_malformed', 'malformed PEM BEGIN line');
    const endLine = `-----END ${label}-----`;
    const end = text.indexOf(endLine, labelEnd + 5);
    if (end < 0) throw new CrlImportError('crl_malformed', `PEM block "${label}" has no END line`);
    blocks.push({ label, body: text.slice(labelEnd + 5, end) });
    from = end + endLine.length;
  }
}
