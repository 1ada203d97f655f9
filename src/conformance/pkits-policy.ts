import { DEFAULT_ALGORITHM_POLICY, DEFAULT_PATH_BUILDING_LIMITS, type ValidationPolicy } from '../domain/chain';

/** PKITS' validation time: inside every certificate's 2010..2030 window (data README), Unix 1600000000. */
export const PKITS_VALIDATION_TIME = new Date('2020-09-13T12:26:40Z');

/**
 * The relying-party policy of a generic [RFC 5280 §6.1](https://www.rfc-editor.org/rfc/rfc5280#section-6.1) validator for PKITS,
 * not the device profile: the end entity may be a CA or v1, no keyUsage or
 * EKU is demanded of it, and profile rules that §6.1 does not apply are off
 * (PKITS 4.6.4 has a non-critical basicConstraints and is valid; not every
 * PKITS certificate carries key identifiers). PKITS signs with SHA-256 and
 * RSA-2048, inside the core's algorithm policy.
 */
export function pkitsPolicy(now: Date = PKITS_VALIDATION_TIME): ValidationPolicy {
  return {
    now,
    maxChainLength: 16,
    maxCertificateBytes: 64 * 1024,
    extendedKeyUsage: { acceptedPurposes: [], anyExtendedKeyUsage: 'accept', requirePresent: false },
    leafKeyUsage: [],
    leafMayBeCa: true,
    leafMayBeV1: true,
    requireCriticalBasicConstraints: false,
    requireKeyIdentifiers: false,
    algorithms: DEFAULT_ALGORITHM_POLICY,
    pathBuilding: DEFAULT_PATH_BUILDING_LIMITS,
  };
}
