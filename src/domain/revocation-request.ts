import { DomainError } from '../errors';
import { tryParseCertificate, type ParsedCertificate } from './chain';
import { rejectUnknownFields, requireObject } from './fields';
import { CRL_REASONS, isCrlReason, type CrlReason } from './revocation';

/** What the operator asked to revoke (SPEC §3.4): a fingerprint, or a certificate whose fingerprint and names are kept. */
export type RevocationTarget =
  | { readonly kind: 'fingerprint'; readonly fingerprint: string }
  | { readonly kind: 'certificate'; readonly certificate: ParsedCertificate };

export interface RevocationRequest {
  readonly target: RevocationTarget;
  readonly reason: CrlReason;
}

const FIELDS = ['fingerprint', 'certificate', 'reason'] as const;
const FINGERPRINT = /^[0-9a-f]{64}$/;
const PEM_LABEL = /-----BEGIN ([A-Z0-9 ]{1,64})-----/g;
/** RFC 7468 §5: one CERTIFICATE block, whitespace around it only; the body class cannot overlap the END line. */
const SINGLE_CERTIFICATE = /^\s*-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*)-----END CERTIFICATE-----\s*$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The lowercase SHA-256 hex of a certificate's DER, as SPEC §3 writes fingerprints; any hex case accepted. */
export function normaliseFingerprint(value: string): string | undefined {
  const lower = value.toLowerCase();
  return FINGERPRINT.test(lower) ? lower : undefined;
}

/**
 * `{"fingerprint": "<64 hex>"}` or `{"certificate": "<PEM>"}`, exactly one,
 * and an optional RFC 5280 §5.3.1 CRLReason name (default `unspecified`).
 * `removeFromCRL` is refused: it un-revokes a delta-CRL entry
 * ([RFC 5280 §5.3.1](https://www.rfc-editor.org/rfc/rfc5280#section-5.3.1));
 * lifting a revocation here is its DELETE.
 */
export function parseRevocationRequest(body: unknown): RevocationRequest {
  const object = requireObject(body);
  rejectUnknownFields(object, FIELDS);
  const { fingerprint, certificate, reason } = object;
  if ((fingerprint === undefined) === (certificate === undefined)) {
    throw new DomainError('fingerprint_or_certificate_required', 'give exactly one of "fingerprint" (64 hex digits) and "certificate" (one PEM certificate)');
  }
  return { target: fingerprint !== undefined ? fingerprintTarget(fingerprint) : certificateTarget(certificate), reason: parseReason(reason) };
}

function fingerprintTarget(value: unknown): RevocationTarget {
  const fingerprint = typeof value === 'string' ? normaliseFingerprint(value) : undefined;
  if (fingerprint === undefined) throw new DomainError('invalid_fingerprint', 'fingerprint must be the 64 hex digits of the SHA-256 of the certificate DER');
  return { kind: 'fingerprint', fingerprint };
}

function certificateTarget(value: unknown): RevocationTarget {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new DomainError('invalid_field', 'certificate must be a string holding one PEM certificate', { field: 'certificate' });
  }
  const labels = [...value.matchAll(PEM_LABEL)].map(([, label]) => label);
  if (labels.some((label) => label.includes('PRIVATE KEY'))) {
    throw new DomainError('private_key_not_allowed', 'the certificate field contains a private key: send only the certificate, and treat that key as exposed');
  }
  if (labels.some((label) => label.includes('CERTIFICATE REQUEST'))) {
    throw new DomainError('csr_not_allowed', 'the certificate field holds a certificate signing request (CSR), not a certificate');
  }
  if (labels.length === 0) throw new DomainError('pem_required', 'certificate must be PEM: one -----BEGIN CERTIFICATE----- block');
  const other = labels.find((label) => label !== 'CERTIFICATE');
  if (other !== undefined) throw new DomainError('pem_required', `unexpected PEM block '${other}': expected one CERTIFICATE block`);
  if (labels.length > 1) throw new DomainError('single_certificate_required', `the field holds ${labels.length} certificates: revoke one certificate per request`);
  const block = SINGLE_CERTIFICATE.exec(value);
  const base64 = block?.[1].replace(/\s+/g, '') ?? '';
  if (!block || !BASE64.test(base64) || base64.length % 4 !== 0) {
    throw new DomainError('pem_required', 'certificate must hold one complete, base64-valid PEM CERTIFICATE block and nothing else');
  }
  const parsed = tryParseCertificate(new Uint8Array(Buffer.from(base64, 'base64')));
  if (!parsed.ok) throw new DomainError('malformed_certificate', `the certificate cannot be parsed: ${parsed.detail}`);
  return { kind: 'certificate', certificate: parsed.certificate };
}

function parseReason(value: unknown): CrlReason {
  if (value === undefined) return 'unspecified';
  if (!isCrlReason(value)) {
    throw new DomainError('invalid_reason', `reason must be one of ${CRL_REASONS.filter((r) => r !== 'removeFromCRL').join(', ')}`);
  }
  if (value === 'removeFromCRL') throw new DomainError('reason_not_allowed', 'removeFromCRL does not revoke: lift a revocation with DELETE .../revocations/{id}');
  return value;
}
