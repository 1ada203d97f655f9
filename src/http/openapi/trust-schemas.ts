import { CRL_REASONS } from '../../domain/revocation/crl-reasons';
import { ref } from './responses';
import type { JsonSchema } from './types';

function object(properties: Record<string, JsonSchema>, required: readonly string[]): JsonSchema {
  return { type: 'object', properties, required, additionalProperties: false };
}

const text: JsonSchema = { type: 'string' };
const instant: JsonSchema = { type: 'string', format: 'date-time' };
const fingerprint: JsonSchema = { type: 'string', pattern: '^[0-9a-f]{64}$', description: "Lowercase hex SHA-256 of the certificate's DER." };
const file = (description: string): JsonSchema => ({ type: 'string', contentMediaType: 'application/octet-stream', description });

const CRL_FIELDS: Record<string, JsonSchema> = {
  id: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'The issuer (name and key): one current CRL per issuer.' },
  issuer: text,
  thisUpdate: instant,
  nextUpdate: instant,
  crlNumber: { type: 'string', pattern: '^[0-9]+$' },
  revokedCount: { type: 'integer', minimum: 0 },
};
const CRL_REQUIRED = ['id', 'issuer', 'thisUpdate', 'nextUpdate', 'revokedCount'];

/** Roots, revocations and CRLs of a pool (docs/contract.md §3.1, §3.4). */
export const TRUST_SCHEMAS = {
  RootUpload: object({ certificate: file('The PEM file of a self-signed CA certificate, at most 64 KiB.') }, ['certificate']),
  RootUploaded: object(
    {
      success: { const: true },
      message: text,
      clientPoolId: text,
      filename: text,
      fingerprint,
      replacedFingerprint: { ...fingerprint, description: 'The certificate this upload replaced for the same subject and key.' },
    },
    ['success', 'message', 'clientPoolId', 'filename', 'fingerprint'],
  ),
  RootList: object(
    {
      certificates: {
        type: 'array',
        description: 'Oldest upload first.',
        items: object(
          {
            fingerprint,
            fingerprints: { type: 'array', items: fingerprint, description: 'Every fingerprint the anchor was uploaded under, oldest first.' },
            subject: text,
            notBefore: instant,
            notAfter: instant,
            filename: text,
            uploadedAt: instant,
          },
          ['fingerprint', 'subject', 'notBefore', 'notAfter', 'filename', 'uploadedAt'],
        ),
      },
    },
    ['certificates'],
  ),
  RevocationInput: {
    ...object(
      {
        fingerprint,
        certificate: { type: 'string', description: 'One PEM certificate: also matches its issuer and serial, and for a CA its subject and key.' },
        reason: {
          type: 'string',
          enum: CRL_REASONS.filter((reason) => reason !== 'removeFromCRL'),
          description: 'RFC 5280 §5.3.1 CRLReason; default unspecified.',
        },
      },
      [],
    ),
    oneOf: [{ required: ['fingerprint'] }, { required: ['certificate'] }],
  },
  Revocation: object(
    {
      id: fingerprint,
      fingerprint,
      subject: text,
      issuer: text,
      serialNumber: text,
      reason: { type: 'string', enum: CRL_REASONS },
      revokedAt: instant,
      matches: { type: 'array', items: { type: 'string', enum: ['fingerprint', 'issuerAndSerial', 'subjectAndKey'] }, minItems: 1 },
    },
    ['id', 'fingerprint', 'reason', 'revokedAt', 'matches'],
  ),
  RevocationList: object({ revocations: { type: 'array', description: 'Oldest first.', items: ref('Revocation') } }, ['revocations']),
  CrlUpload: object(
    {
      crl: file('A complete CRL, PEM or DER, at most 2 MiB.'),
      issuer: file("PEM certificate of the CRL's issuer when it is an intermediate, optionally followed by its chain up to a root of the pool."),
    },
    ['crl'],
  ),
  CrlImported: object(
    {
      ...CRL_FIELDS,
      ignoredCount: { type: 'integer', minimum: 1, description: 'Entries no certificate can match (serials out of RFC 5280 bounds), not stored.' },
    },
    CRL_REQUIRED,
  ),
  CrlList: object(
    {
      crls: {
        type: 'array',
        items: object(
          { ...CRL_FIELDS, stale: { type: 'boolean', description: "Past its nextUpdate: its issuer's certificates are refused (`crl_expired`)." } },
          [...CRL_REQUIRED, 'stale'],
        ),
      },
    },
    ['crls'],
  ),
} satisfies Record<string, JsonSchema>;
