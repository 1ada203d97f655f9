import { ALGORITHM_POLICY_CHECKS } from './checks/algorithm-policy';
import { checkCertificatePolicies } from './checks/certificate-policies';
import { CERTIFICATE_PROFILE_CHECKS } from './checks/certificate-profile';
import { positionsOf, runCertificateChecks } from './checks/check';
import { ISSUER_CHECKS } from './checks/issuer-constraints';
import { LEAF_CHECKS } from './checks/leaf-profile';
import { checkExcludedSubtrees, checkPermittedSubtrees } from './checks/name-constraints';
import { checkNameChaining, checkPathDepth, checkPathLength } from './checks/path-constraints';
import { checkSignatures } from './checks/signatures';
import { checkValidityPeriod } from './checks/validity-period';
import type { ParsedCertificate } from './parse-certificate';
import type { ValidationPolicy } from './policy';
import type { ChainFailure } from './result';
import type { SignatureCache } from './signature-cache';

const VALIDITY_CHECKS = [checkValidityPeriod];

/**
 * Validates one candidate path (leaf first, trust anchor last) against every
 * rule. The order is fixed so that each input has one deterministic error
 * code, and all cheap structural checks run before any signature is verified.
 * Returns undefined when the path is valid.
 */
export function validatePath(path: readonly ParsedCertificate[], policy: ValidationPolicy, signatures: SignatureCache): ChainFailure | undefined {
  const positions = positionsOf(path);
  return (
    runCertificateChecks(CERTIFICATE_PROFILE_CHECKS, path, policy, true, positions) ??
    runCertificateChecks(ALGORITHM_POLICY_CHECKS, path, policy, true, positions) ??
    checkNameChaining(path, policy) ??
    runCertificateChecks(ISSUER_CHECKS, path, policy, true, positions) ??
    checkPathLength(path, policy) ??
    checkPathDepth(path, policy) ??
    checkPermittedSubtrees(path, policy) ??
    checkExcludedSubtrees(path, policy) ??
    checkCertificatePolicies(path, policy) ??
    runCertificateChecks(LEAF_CHECKS, path, policy, true, positions) ??
    runCertificateChecks(VALIDITY_CHECKS, path, policy, true, positions) ??
    checkSignatures(path, signatures)
  );
}
