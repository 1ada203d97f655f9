import { OID } from '../oids';
import { failure } from '../result';
import type { CertificateCheck } from './check';

/* Rules for the end entity only (the device certificate in the device profile). */

/** docs/contract.md §5: the recipe's device certificate is X.509 v1; other profiles (CA/B 7.1.1) require v3. */
const checkLeafVersion: CertificateCheck = (certificate, position, policy) => {
  if (!position.isLeaf || certificate.version === 3 || policy.leafMayBeV1) return undefined;
  return failure('leaf_version', `${position.label} is X.509 v${certificate.version}; v3 is required`);
};

/** docs/contract.md §4.3: the device certificate must not be a CA (a CA key signing assertions would blur issuer and subject). */
const checkLeafNotCa: CertificateCheck = (certificate, position, policy) => {
  if (!position.isLeaf || !certificate.isCA || policy.leafMayBeCa) return undefined;
  return failure('leaf_is_ca', `${position.label} has basicConstraints cA=TRUE and is not acceptable as an end entity`);
};

/** RFC 5280 §4.2.1.3: when keyUsage is present, the key may only be used for the asserted purposes. */
const checkLeafKeyUsage: CertificateCheck = (certificate, position, policy) => {
  const keyUsage = certificate.extensions.keyUsage;
  if (!position.isLeaf || keyUsage === undefined) return undefined;
  const missing = policy.leafKeyUsage.filter((bit) => !keyUsage.has(bit));
  return missing.length === 0 ? undefined : failure('leaf_key_usage', `${position.label}: keyUsage lacks ${missing.join(', ')}`);
};

/**
 * RFC 5280 §4.2.1.12: when extendedKeyUsage is present, the certificate may
 * only be used for one of the listed purposes; whether anyExtendedKeyUsage
 * qualifies, and whether absence is acceptable, is the relying party's call.
 */
const checkLeafExtendedKeyUsage: CertificateCheck = (certificate, position, policy) => {
  if (!position.isLeaf) return undefined;
  const eku = certificate.extensions.extKeyUsage;
  const rule = policy.extendedKeyUsage;
  if (eku === undefined) {
    return rule.requirePresent ? failure('leaf_extended_key_usage', `${position.label} has no extendedKeyUsage`) : undefined;
  }
  if (rule.anyExtendedKeyUsage === 'reject' && eku.includes(OID.anyExtendedKeyUsage)) {
    return failure('leaf_extended_key_usage', `${position.label}: extendedKeyUsage contains anyExtendedKeyUsage, which the policy forbids`);
  }
  const accepted = eku.some(
    (purpose) => rule.acceptedPurposes.includes(purpose) || (rule.anyExtendedKeyUsage === 'accept' && purpose === OID.anyExtendedKeyUsage),
  );
  return accepted
    ? undefined
    : failure('leaf_extended_key_usage', `${position.label}: extendedKeyUsage [${eku.join(', ')}] does not permit [${rule.acceptedPurposes.join(', ')}]`);
};

export const LEAF_CHECKS: readonly CertificateCheck[] = [checkLeafVersion, checkLeafNotCa, checkLeafKeyUsage, checkLeafExtendedKeyUsage];
