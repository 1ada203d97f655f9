import { DomainError } from '../errors';
import type { RefusalCode } from '../refusal-codes';
import {
  type ChainErrorCode,
  DEFAULT_ALGORITHM_POLICY,
  devicePolicy,
  encodePemCertificate,
  type ParsedCertificate,
  tryParseCertificate,
  type ValidationPolicy,
} from './chain';
import { anchorIdentity } from './chain/anchor-identity';
import { ALGORITHM_POLICY_CHECKS } from './chain/checks/algorithm-policy';
import { CERTIFICATE_PROFILE_CHECKS } from './chain/checks/certificate-profile';
import { type CertificateCheck, positionOf, runCertificateChecks } from './chain/checks/check';
import { checkIssuerKeyCertSign } from './chain/checks/issuer-constraints';
import { checkValidityPeriod } from './chain/checks/validity-period';
import { verifyCertificateSignature } from './chain/verify-signature';
import { readSingleCertificatePem, type SingleCertificateWording } from './pem/single-certificate';

export interface AcceptedRoot {
  /** RFC 5280 §6.1.1 (d) identity of the anchor: subject and key (anchorIdentity). */
  anchorId: string;
  der: Uint8Array;
  pem: string;
  fingerprint: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
}

/** Upload-time names for the chain validator's algorithm and keyCertSign refusals (docs/contract.md §3.1 wording); other codes pass as they are. */
const UPLOAD_CODES = {
  unsupported_signature_algorithm: 'weak_signature_algorithm',
  unsupported_public_key: 'weak_key',
  issuer_missing_key_cert_sign: 'missing_key_cert_sign',
} as const satisfies Partial<Record<ChainErrorCode, RefusalCode>>;

function uploadCode(code: ChainErrorCode): RefusalCode {
  return Object.hasOwn(UPLOAD_CODES, code) ? UPLOAD_CODES[code as keyof typeof UPLOAD_CODES] : code;
}

/**
 * The same rules the chain validator applies to a trust anchor, run once at
 * upload time. The algorithm rules come first: a SHA-1/MD5 self-signature is
 * refused as weak before anyone tries (and fails) to verify it.
 */
const ROOT_CHECKS: readonly CertificateCheck[] = [...ALGORITHM_POLICY_CHECKS, ...CERTIFICATE_PROFILE_CHECKS, checkValidityPeriod];

/** docs/contract.md §3.1 is narrower than the chain policy (§4.3): roots are RSA >= 2048 or EC P-256/P-384 only. */
function uploadPolicy(now: Date): ValidationPolicy {
  return { ...devicePolicy(now), algorithms: { ...DEFAULT_ALGORITHM_POLICY, ecCurves: ['P-256', 'P-384'] } };
}

/**
 * docs/contract.md §3.1: PEM only, exactly one certificate, a self-signed CA, not expired,
 * strong key and signature. Every refusal names its rule; nothing here touches
 * storage, so a refused upload stores nothing.
 */
export function assessRootCertificateUpload(content: Buffer, now: Date): AcceptedRoot {
  const der = singlePemCertificate(content);
  const parsed = tryParseCertificate(der);
  if (!parsed.ok) throw new DomainError('malformed_certificate', `the certificate cannot be parsed: ${parsed.detail}`);
  const root = parsed.certificate;

  if (!root.isCA) throw new DomainError('not_a_ca_certificate', 'the certificate is not a CA: basicConstraints cA=TRUE is required');
  const policy = uploadPolicy(now);
  // Alone in its path the root sits at the leaf position, where issuer rules are skipped: check keyCertSign as the issuer it will be.
  const refusal = runCertificateChecks(ROOT_CHECKS, [root], policy) ?? checkIssuerKeyCertSign(root, { ...positionOf([root], 0), isLeaf: false }, policy);
  if (refusal) throw new DomainError(uploadCode(refusal.code), refusal.detail);
  if (!root.selfIssued || !verifyCertificateSignature(root, root).ok) {
    throw new DomainError('not_self_signed', 'the certificate is not a self-signed root: its signature does not verify with its own key');
  }
  return describe(root);
}

const UPLOAD_WORDING: SingleCertificateWording = {
  source: 'the file',
  sendOnly: 'upload only the root CA certificate',
  sendOne: 'upload exactly one root CA certificate',
};

/** RFC 7468 lax reading (src/domain/pem): exports with text around the block and Windows files upload as they are. */
function singlePemCertificate(content: Buffer): Uint8Array {
  if (content.toString('latin1').trim() === '') throw new DomainError('empty_file', 'the uploaded certificate file is empty');
  return readSingleCertificatePem(content, UPLOAD_WORDING);
}

function describe(root: ParsedCertificate): AcceptedRoot {
  return {
    anchorId: anchorIdentity(root),
    der: root.der,
    pem: encodePemCertificate(root.der),
    fingerprint: root.sha256Hex,
    subject: root.subjectDn,
    notBefore: root.notBefore,
    notAfter: root.notAfter,
  };
}
