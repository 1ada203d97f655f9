import { bytesEqual } from '../asn1';
import { isEmptyName } from '../distinguished-name';
import { findExtension } from '../extensions';
import { OID } from '../oids';
import { failure } from '../result';
import { checkPolicyMappings } from './certificate-policies';
import type { CertificateCheck } from './check';
import { checkNameConstraintsSupported } from './name-constraints';

/**
 * Extensions this validator understands, with the criticality RFC 5280
 * allows. `any`: either is fine; `non-critical`: RFC 5280 says conforming CAs
 * MUST mark it non-critical, so a critical one is refused.
 */
const KNOWN_EXTENSIONS: Readonly<Record<string, 'any' | 'non-critical'>> = {
  [OID.basicConstraints]: 'any', // §4.2.1.9
  [OID.keyUsage]: 'any', // §4.2.1.3
  [OID.extKeyUsage]: 'any', // §4.2.1.12
  [OID.subjectAltName]: 'any', // §4.2.1.6 (critical when the subject is empty)
  [OID.issuerAltName]: 'any', // §4.2.1.7
  [OID.certificatePolicies]: 'any', // §4.2.1.4, processed by checks/certificate-policies.ts
  [OID.policyMappings]: 'any', // §4.2.1.5
  [OID.policyConstraints]: 'any', // §4.2.1.11
  [OID.inhibitAnyPolicy]: 'any', // §4.2.1.14
  [OID.nameConstraints]: 'any', // §4.2.1.10 (MUST be critical; a non-critical one is honoured all the same), checks/name-constraints.ts
  [OID.crlDistributionPoints]: 'any', // §4.2.1.13
  [OID.authorityKeyIdentifier]: 'non-critical', // §4.2.1.1
  [OID.subjectKeyIdentifier]: 'non-critical', // §4.2.1.2
  [OID.subjectDirectoryAttributes]: 'non-critical', // §4.2.1.8
  [OID.freshestCrl]: 'non-critical', // §4.2.1.15
  [OID.authorityInfoAccess]: 'non-critical', // §4.2.2.1
  [OID.subjectInfoAccess]: 'non-critical', // §4.2.2.2
  [OID.ctSignedCertificateTimestamps]: 'non-critical', // RFC 6962 §3.3
};

/** RFC 5280 §4.1.2.1, §4.1.2.8, §4.1.2.9: unique identifiers need v2+, extensions need v3. */
const checkVersionFields: CertificateCheck = (certificate, position) => {
  if (certificate.extensions.all.length > 0 && certificate.version !== 3) {
    return failure('malformed_certificate', `${position.label} has extensions but is X.509 v${certificate.version}`);
  }
  if (certificate.hasUniqueIdentifiers && certificate.version === 1) {
    return failure('malformed_certificate', `${position.label} has unique identifiers but is X.509 v1`);
  }
  return undefined;
};

/** RFC 5280 §4.1.1.2: signatureAlgorithm MUST be the same algorithm identifier as TBSCertificate.signature. */
const checkSignatureAlgorithmFieldsMatch: CertificateCheck = (certificate, position) =>
  bytesEqual(certificate.signatureAlgorithm.der, certificate.tbsSignatureAlgorithmDer)
    ? undefined
    : failure('signature_algorithm_mismatch', `${position.label}: signatureAlgorithm differs from tbsCertificate.signature`);

/**
 * RFC 5280 §4.1.2.2: a positive integer of at most 20 octets (the INTEGER's
 * content octets). Why `serial` breaks that, or undefined. The one rule for
 * certificates (checkSerialNumber) and for CRL entries, which are not stored
 * when no certificate this rule accepts can carry their serial
 * (src/domain/revocation/crl-entries.ts).
 */
export function serialNumberRefusal(serial: Uint8Array): string | undefined {
  if ((serial[0] & 0x80) !== 0) return 'serial number is negative';
  if (serial.every((b) => b === 0)) return 'serial number is zero';
  if (serial.length > 20) return 'serial number longer than 20 octets';
  return undefined;
}

export const checkSerialNumber: CertificateCheck = (certificate, position) => {
  const refusal = serialNumberRefusal(certificate.serialNumber);
  return refusal === undefined ? undefined : failure('invalid_serial_number', `${position.label}: ${refusal}`);
};

/**
 * RFC 5280 §4.1.2.4: the issuer MUST be a non-empty name. §4.1.2.6: a CA's
 * subject MUST be non-empty, and an empty subject requires a critical
 * subjectAltName (§4.2.1.6).
 */
const checkNames: CertificateCheck = (certificate, position) => {
  if (isEmptyName(certificate.issuer)) return failure('invalid_name', `${position.label}: issuer name is empty`);
  if (!isEmptyName(certificate.subject)) return undefined;
  if (certificate.isCA) return failure('invalid_name', `${position.label}: CA certificate with an empty subject`);
  if (findExtension(certificate.extensions, OID.subjectAltName)?.critical !== true) {
    return failure('invalid_name', `${position.label}: empty subject without a critical subjectAltName`);
  }
  return undefined;
};

/** RFC 5280 §4.2: a certificate with a critical extension the validator does not process MUST be rejected. */
const checkCriticalExtensions: CertificateCheck = (certificate, position) => {
  for (const extension of certificate.extensions.all) {
    const rule = KNOWN_EXTENSIONS[extension.oid];
    if (rule === undefined && extension.critical) {
      return failure('unknown_critical_extension', `${position.label}: unrecognised critical extension ${extension.oid}`);
    }
    if (rule === 'non-critical' && extension.critical) {
      return failure('invalid_extension_criticality', `${position.label}: extension ${extension.oid} MUST be non-critical`);
    }
  }
  return undefined;
};

/** RFC 5280 §4.2.1.3: "If the keyCertSign bit is asserted, then the cA bit in the basic constraints extension MUST also be asserted." */
const checkKeyUsageConsistency: CertificateCheck = (certificate, position) =>
  certificate.extensions.keyUsage?.has('keyCertSign') === true && !certificate.isCA
    ? failure('key_usage_inconsistent', `${position.label}: keyUsage keyCertSign without basicConstraints cA=TRUE`)
    : undefined;

/**
 * RFC 5280 §4.2.1.1: AKI keyIdentifier in every certificate except
 * self-signed ones (approximated by self-issued: the check runs before
 * signatures); §4.2.1.2: SKI in every CA certificate. Policy-controlled.
 */
const checkKeyIdentifiers: CertificateCheck = (certificate, position, policy) => {
  if (!policy.requireKeyIdentifiers) return undefined;
  if (!certificate.selfIssued && certificate.extensions.authorityKeyIdentifier?.keyIdentifier === undefined) {
    return failure('missing_key_identifier', `${position.label}: authorityKeyIdentifier keyIdentifier is missing`);
  }
  if (certificate.isCA && certificate.extensions.subjectKeyIdentifier === undefined) {
    return failure('missing_key_identifier', `${position.label}: CA certificate without subjectKeyIdentifier`);
  }
  return undefined;
};

export const CERTIFICATE_PROFILE_CHECKS: readonly CertificateCheck[] = [
  checkVersionFields,
  checkSignatureAlgorithmFieldsMatch,
  checkSerialNumber,
  checkNames,
  checkCriticalExtensions,
  checkNameConstraintsSupported,
  checkPolicyMappings,
  checkKeyUsageConsistency,
  checkKeyIdentifiers,
];
