import type { KeyUsageName } from './extensions';
import { OID } from './oids';
import type { PolicyProcessingInputs } from './policy-graph';
import type { EcCurve } from './public-key-info';
import { SIGNATURE_ALGORITHM_NAMES, type SignatureAlgorithmName } from './signature-algorithm';

/**
 * What the relying party requires of the end entity's extendedKeyUsage
 * (RFC 5280 §4.2.1.12 leaves the interpretation to the application).
 */
export interface EkuPolicy {
  /** Purposes (OIDs) any one of which satisfies the relying party. */
  readonly acceptedPurposes: readonly string[];
  /**
   * anyExtendedKeyUsage (2.5.29.37.0) in the leaf: 'accept' = counts as an
   * accepted purpose (RFC 5280 reading); 'ignore' = does not count;
   * 'reject' = its presence fails validation (CA/B BR 7.1.2.7.10 reading).
   */
  readonly anyExtendedKeyUsage: 'accept' | 'ignore' | 'reject';
  /** When false, a leaf without the extension is accepted: absent EKU means "any purpose". */
  readonly requirePresent: boolean;
}

export interface AlgorithmPolicy {
  /** Accepted certificate signature algorithms, for every certificate of the path including the anchor. */
  readonly signatureAlgorithms: readonly SignatureAlgorithmName[];
  readonly minRsaModulusBits: number;
  /** Upper bound keeps the cost of one verification bounded. */
  readonly maxRsaModulusBits: number;
  readonly ecCurves: readonly EcCurve[];
  /**
   * DSA keys (RFC 3279 §2.3.2) are refused unless this is set: the least
   * size of the prime p, up to 3072 bits (FIPS 186-4). Keys that inherit
   * their parameters are sized by the issuer key they inherit from.
   */
  readonly minDsaPrimeBits?: number;
}

export interface PathBuildingLimits {
  /** Candidate issuers examined, in total, before giving up ('pool' mode). */
  readonly maxSteps: number;
  /** Complete candidate paths fully validated before giving up. */
  readonly maxCandidatePaths: number;
}

export interface ValidationPolicy {
  /** Injected clock: the validation time of RFC 5280 §6.1.1 (c). */
  readonly now: Date;
  /** Maximum number of certificates supplied by the peer (leaf + intermediates [+ root]). */
  readonly maxChainLength: number;
  /** Maximum size of one DER certificate, checked before parsing. */
  readonly maxCertificateBytes: number;
  /**
   * Maximum number of non-self-issued intermediates between the leaf and the
   * anchor (x509-limbo `max_chain_depth`); undefined means no limit beyond
   * pathLenConstraint.
   */
  readonly maxPathDepth?: number;
  readonly extendedKeyUsage: EkuPolicy;
  /** Bits the leaf's keyUsage must assert when the extension is present (RFC 5280 §4.2.1.3). */
  readonly leafKeyUsage: readonly KeyUsageName[];
  /** Whether the leaf may carry basicConstraints cA=TRUE. */
  readonly leafMayBeCa: boolean;
  /** Whether the leaf may be an X.509 v1/v2 certificate (no extensions). */
  readonly leafMayBeV1: boolean;
  /**
   * RFC 5280 §4.2.1.9 "MUST mark the extension as critical" for CA
   * certificates. Off for devices: the docs/contract.md §5 recipe's intermediate has a
   * non-critical basicConstraints.
   */
  readonly requireCriticalBasicConstraints: boolean;
  /**
   * RFC 5280 §4.2.1.1/§4.2.1.2: AKI in every certificate except self-signed
   * ones, SKI in every CA certificate. Off for devices: the docs/contract.md §5 recipe's
   * device certificate is v1 and has no extensions at all.
   */
  readonly requireKeyIdentifiers: boolean;
  readonly algorithms: AlgorithmPolicy;
  readonly pathBuilding: PathBuildingLimits;
  /**
   * RFC 5280 §6.1.1 (c), (e)–(g) policy inputs; undefined means RFC 5280's
   * defaults (any policy, nothing inhibited, no explicit policy required),
   * under which only the CAs' own policyConstraints can require a policy.
   */
  readonly policyProcessing?: PolicyProcessingInputs;
}

export const EKU_CLIENT_AUTH = OID.clientAuth;
export const EKU_SERVER_AUTH = OID.serverAuth;
export const EKU_ANY = OID.anyExtendedKeyUsage;

/** docs/contract.md §4.3: when the device certificate has extendedKeyUsage it must include clientAuth or anyExtendedKeyUsage. */
const DEVICE_EKU_POLICY: EkuPolicy = {
  acceptedPurposes: [EKU_CLIENT_AUTH],
  anyExtendedKeyUsage: 'accept',
  requirePresent: false,
};

/** docs/contract.md §4.3 algorithm policy: RSA PKCS#1 v1.5 and PSS, ECDSA, with SHA-256/384/512; no DSA. */
export const DEFAULT_ALGORITHM_POLICY: AlgorithmPolicy = {
  signatureAlgorithms: SIGNATURE_ALGORITHM_NAMES.filter((name) => !name.startsWith('dsa-')),
  minRsaModulusBits: 2048,
  maxRsaModulusBits: 8192,
  ecCurves: ['P-256', 'P-384', 'P-521'],
};

export const DEFAULT_PATH_BUILDING_LIMITS: PathBuildingLimits = { maxSteps: 256, maxCandidatePaths: 16 };

/** The device profile of docs/contract.md §4.3, validated at `now`. */
export function devicePolicy(now: Date): ValidationPolicy {
  return {
    now,
    maxChainLength: 5,
    // The whole assertion is capped at 16 KiB (docs/contract.md §4.3), so one certificate never legitimately exceeds it.
    maxCertificateBytes: 16 * 1024,
    extendedKeyUsage: DEVICE_EKU_POLICY,
    leafKeyUsage: ['digitalSignature'],
    leafMayBeCa: false,
    leafMayBeV1: true,
    requireCriticalBasicConstraints: false,
    requireKeyIdentifiers: false,
    algorithms: DEFAULT_ALGORITHM_POLICY,
    pathBuilding: DEFAULT_PATH_BUILDING_LIMITS,
  };
}

/** Programming errors in a policy fail loudly; they are configuration, not input. */
export function assertValidPolicy(policy: ValidationPolicy): void {
  const positiveInteger = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) > 0;
  if (!(policy.now instanceof Date) || Number.isNaN(policy.now.getTime())) throw new TypeError('policy.now must be a valid Date');
  if (!positiveInteger(policy.maxChainLength)) throw new TypeError('policy.maxChainLength must be a positive integer');
  if (!positiveInteger(policy.maxCertificateBytes)) throw new TypeError('policy.maxCertificateBytes must be a positive integer');
  if (policy.maxPathDepth !== undefined && !(Number.isSafeInteger(policy.maxPathDepth) && policy.maxPathDepth >= 0)) {
    throw new TypeError('policy.maxPathDepth must be a non-negative integer');
  }
  if (!positiveInteger(policy.pathBuilding.maxSteps) || !positiveInteger(policy.pathBuilding.maxCandidatePaths)) {
    throw new TypeError('policy.pathBuilding limits must be positive integers');
  }
  const inputs = policy.policyProcessing;
  if (inputs !== undefined && (!Array.isArray(inputs.userInitialPolicySet) || inputs.userInitialPolicySet.length === 0)) {
    throw new TypeError('policy.policyProcessing.userInitialPolicySet must list at least one policy OID');
  }
}
