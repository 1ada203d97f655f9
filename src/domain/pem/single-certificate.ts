import { DomainError } from '../../errors';
import { readPem } from './read-pem';

/** How a caller names what it read, so each refusal reads right where it is shown. */
export interface SingleCertificateWording {
  /** "the file", "the certificate field". */
  readonly source: string;
  /** What to send instead of a key: "upload only the root CA certificate". */
  readonly sendOnly: string;
  /** What to do with several certificates: "upload exactly one root CA certificate". */
  readonly sendOne: string;
}

/**
 * The DER of the one CERTIFICATE block of a PEM text (docs/contract.md §3.1). What the
 * text holds decides the refusal, in this order, so a wrong file is never
 * half-used: a private key anywhere (`private_key_not_allowed`), a CSR
 * anywhere (`csr_not_allowed`), no PEM at all, DER included, or another
 * block type (`pem_required`), several certificates
 * (`single_certificate_required`), a malformed block (`pem_required`).
 */
export function readSingleCertificatePem(input: string | Uint8Array, wording: SingleCertificateWording): Uint8Array {
  const { labels, blocks, problem } = readPem(input);
  const { source } = wording;
  if (labels.some((label) => label.includes('PRIVATE KEY'))) {
    throw new DomainError('private_key_not_allowed', `${source} contains a private key: ${wording.sendOnly}, and treat that key as exposed`);
  }
  if (labels.some((label) => label.includes('CERTIFICATE REQUEST'))) {
    throw new DomainError('csr_not_allowed', `${source} holds a certificate signing request (CSR), not a certificate`);
  }
  if (labels.length === 0 && problem === undefined) {
    throw new DomainError('pem_required', `${source} is not PEM: expected one -----BEGIN CERTIFICATE----- block (DER and other encodings are refused)`);
  }
  const other = labels.find((label) => label !== 'CERTIFICATE');
  if (other !== undefined) throw new DomainError('pem_required', `unexpected PEM block '${other}': expected one CERTIFICATE block`);
  if (labels.length > 1) throw new DomainError('single_certificate_required', `${source} holds ${labels.length} certificates: ${wording.sendOne}`);
  if (problem !== undefined) throw new DomainError('pem_required', `${source} holds no complete PEM CERTIFICATE block: ${problem.detail}`);
  return blocks[0].der;
}
