import {
  DEFAULT_ALGORITHM_POLICY,
  DEFAULT_PATH_BUILDING_LIMITS,
  DEFAULT_POLICY_INPUTS,
  type PolicyProcessingInputs,
  type ValidationPolicy,
} from '../../../src/domain/chain';

/** PKITS' validation time: inside every certificate's 2010..2030 window (data README), Unix 1600000000. */
export const PKITS_VALIDATION_TIME = new Date('2020-09-13T12:26:40Z');

/** The manifest's `settings` keys (RFC 5280 §6.1.1 inputs), as the data README lists them. */
const SETTINGS: Readonly<Record<string, keyof PolicyProcessingInputs>> = {
  initialPolicySet: 'userInitialPolicySet',
  initialExplicitPolicy: 'initialExplicitPolicy',
  initialPolicyMappingInhibit: 'initialPolicyMappingInhibit',
  initialAnyPolicyInhibit: 'initialAnyPolicyInhibit',
};

/**
 * A test's RFC 5280 §6.1.1 policy inputs: the defaults overridden by its
 * manifest `settings`. A string when a setting is not understood: such a
 * test is skipped rather than run with inputs it does not prescribe.
 */
export function pkitsPolicyInputs(settings: Readonly<Record<string, unknown>>): PolicyProcessingInputs | string {
  const inputs: Record<string, unknown> = { ...DEFAULT_POLICY_INPUTS };
  for (const [key, value] of Object.entries(settings)) {
    const field = SETTINGS[key];
    const wellTyped = field === 'userInitialPolicySet' ? Array.isArray(value) && value.every((v) => typeof v === 'string') : typeof value === 'boolean';
    if (field === undefined || !wellTyped) return `setting ${key}=${JSON.stringify(value)} is not understood`;
    inputs[field] = value;
  }
  return inputs as unknown as PolicyProcessingInputs;
}

/**
 * The relying-party policy of a generic [RFC 5280 §6.1](https://www.rfc-editor.org/rfc/rfc5280#section-6.1) validator for PKITS,
 * not the device profile: the end entity may be a CA or v1, no keyUsage or
 * EKU is demanded of it, and profile rules that §6.1 does not apply are off
 * (PKITS 4.6.4 has a non-critical basicConstraints and is valid; not every
 * PKITS certificate carries key identifiers). PKITS signs with SHA-256 and
 * RSA-2048, inside the core's algorithm policy, except 4.1.4–4.1.6, which
 * use DSA with SHA-1: those two algorithms are allowed here and only here
 * (the device profile and CRL uploads never accept them).
 */
export function pkitsPolicy(now: Date = PKITS_VALIDATION_TIME, policyProcessing: PolicyProcessingInputs = DEFAULT_POLICY_INPUTS): ValidationPolicy {
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
    algorithms: { ...DEFAULT_ALGORITHM_POLICY, signatureAlgorithms: [...DEFAULT_ALGORITHM_POLICY.signatureAlgorithms, 'dsa-sha1'], minDsaPrimeBits: 1024 },
    pathBuilding: DEFAULT_PATH_BUILDING_LIMITS,
    policyProcessing,
  };
}
