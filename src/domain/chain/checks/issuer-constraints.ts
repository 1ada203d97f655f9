import { findExtension } from '../extensions';
import { OID } from '../oids';
import { failure } from '../result';
import type { CertificateCheck } from './check';

/*
 * Rules for every certificate that issues another one in the path: the
 * intermediates and the trust anchor. The anchor is held to the same rules
 * (RFC 5937 §3 lets a relying party apply anchor constraints): a pool root
 * that is not a CA, or whose keyUsage forbids certificate signing, signs nothing.
 */

/**
 * RFC 5280 §6.1.4 (k): the issuer is a v3 certificate with basicConstraints
 * cA=TRUE. A v1/v2 certificate or one without basicConstraints cannot be
 * verified as a CA in-band, so it never issues (docs/contract.md §4.3).
 */
const checkIssuerIsCa: CertificateCheck = (certificate, position) => {
  if (position.isLeaf) return undefined;
  if (certificate.version !== 3) {
    return failure('issuer_not_ca', `${position.label} is X.509 v${certificate.version} and cannot issue certificates`);
  }
  const constraints = certificate.extensions.basicConstraints;
  if (constraints === undefined) return failure('issuer_not_ca', `${position.label} has no basicConstraints and cannot issue certificates`);
  if (!constraints.ca) return failure('issuer_not_ca', `${position.label} has basicConstraints cA=FALSE and cannot issue certificates`);
  return undefined;
};

/** RFC 5280 §6.1.4 (n): when keyUsage is present on an issuer, keyCertSign is asserted. */
export const checkIssuerKeyCertSign: CertificateCheck = (certificate, position) => {
  if (position.isLeaf) return undefined;
  const keyUsage = certificate.extensions.keyUsage;
  return keyUsage === undefined || keyUsage.has('keyCertSign')
    ? undefined
    : failure('issuer_missing_key_cert_sign', `${position.label}: keyUsage lacks keyCertSign`);
};

/** RFC 5280 §4.2.1.9: basicConstraints MUST be critical in CA certificates that sign certificates. Policy-controlled. */
const checkIssuerBasicConstraintsCritical: CertificateCheck = (certificate, position, policy) => {
  if (position.isLeaf || !policy.requireCriticalBasicConstraints) return undefined;
  return findExtension(certificate.extensions, OID.basicConstraints)?.critical === true
    ? undefined
    : failure('invalid_extension_criticality', `${position.label}: basicConstraints of a CA certificate MUST be critical`);
};

export const ISSUER_CHECKS: readonly CertificateCheck[] = [checkIssuerIsCa, checkIssuerKeyCertSign, checkIssuerBasicConstraintsCritical];
