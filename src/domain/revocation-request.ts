import { DomainError } from '../errors';
import { type ParsedCertificate, tryParseCertificate } from './chain';
import { rejectUnknownFields, requireObject } from './fields';
import { readSingleCertificatePem, type SingleCertificateWording } from './pem/single-certificate';
import { CRL_REASONS, type CrlReason, isCrlReason } from './revocation';

/** What the operator asked to revoke (docs/contract.md §3.4): a fingerprint, or a certificate whose fingerprint and names are kept. */
export type RevocationTarget =
  | { readonly kind: 'fingerprint'; readonly fingerprint: string }
  | { readonly kind: 'certificate'; readonly certificate: ParsedCertificate };

export interface RevocationRequest {
  readonly target: RevocationTarget;
  readonly reason: CrlReason;
}

const FIELDS = ['fingerprint', 'certificate', 'reason'] as const;
const FINGERPRINT = /^[0-9a-f]{64}$/;
const CERTIFICATE_FIELD_WORDING: SingleCertificateWording = {
  source: 'the certificate field',
  sendOnly: 'send only the certificate',
  sendOne: 'revoke one certificate per request',
};

/** The lowercase SHA-256 hex of a certificate's DER, as docs/contract.md §3 writes fingerprints; any hex case accepted. */
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
  const der = readSingleCertificatePem(value, CERTIFICATE_FIELD_WORDING);
  const parsed = tryParseCertificate(der);
  if (!parsed.ok) throw new DomainError('malformed_certificate', `the certificate cannot be parsed: ${parsed.detail}`);
  return { kind: 'certificate', certificate: parsed.certificate };
}

function parseReason(value: unknown): CrlReason {
  if (value === undefined) return 'unspecified';
  if (!isCrlReason(value)) {
    throw new DomainError('invalid_reason', `reason must be one of ${CRL_REASONS.filter((r) => r !== 'removeFromCRL').join(', ')}`);
  }
  if (value === 'removeFromCRL')
    throw new DomainError('reason_not_allowed', 'removeFromCRL does not revoke: lift a revocation with DELETE .../revocations/{id}');
  return value;
}
