export type PemDecodeResult = { readonly ok: true; readonly certificates: Uint8Array[] } | { readonly ok: false; readonly reason: string };

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * Extracts the DER bytes of every `CERTIFICATE` block (RFC 7468 §5). Text
 * outside blocks (OpenSSL "subject=" lines, comments) is ignored; any other
 * block type (a private key, a CSR) is refused so that a wrong file is never
 * half-used; base64 is checked strictly because Buffer.from silently skips
 * invalid characters.
 */
export function decodePemCertificates(text: string): PemDecodeResult {
  const certificates: Uint8Array[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const [, label, body] = match;
    if (label !== 'CERTIFICATE') return { ok: false, reason: `unexpected PEM block "${label}"` };
    const base64 = body.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) {
      return { ok: false, reason: 'invalid base64 in a CERTIFICATE block' };
    }
    certificates.push(new Uint8Array(Buffer.from(base64, 'base64')));
  }
  if (certificates.length === 0) return { ok: false, reason: 'no PEM CERTIFICATE block found' };
  return { ok: true, certificates };
}

export function encodePemCertificate(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${base64.replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
}
