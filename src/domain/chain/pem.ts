import { readPem } from '../pem/read-pem';

export type PemDecodeResult = { readonly ok: true; readonly certificates: Uint8Array[] } | { readonly ok: false; readonly reason: string };

/**
 * The DER of every `CERTIFICATE` block (RFC 7468 §5), read by the product's
 * one PEM reader (src/domain/pem, RFC 7468 §3 lax: text outside blocks,
 * a byte-order mark, CRLF and trailing spaces ignored). Any other block type
 * (a private key, a CSR) or a malformed block refuses the whole text, so that
 * a wrong file is never half-used.
 */
export function decodePemCertificates(text: string | Uint8Array): PemDecodeResult {
  const { blocks, problem } = readPem(text);
  if (problem !== undefined) return { ok: false, reason: problem.detail };
  const other = blocks.find((block) => block.label !== 'CERTIFICATE');
  if (other !== undefined) return { ok: false, reason: `unexpected PEM block "${other.label}"` };
  if (blocks.length === 0) return { ok: false, reason: 'no PEM CERTIFICATE block found' };
  return { ok: true, certificates: blocks.map((block) => block.der) };
}

export function encodePemCertificate(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${base64.replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
}
