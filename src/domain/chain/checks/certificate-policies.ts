import type { ParsedCertificate } from '../parse-certificate';
import { ANY_POLICY } from '../policy-extensions';
import { DEFAULT_POLICY_INPUTS, processCertificatePolicies } from '../policy-graph';
import { failure } from '../result';
import { type CertificateCheck, type PathCheck, positionOf } from './check';

/**
 * [RFC 5280 §6.1.4 (a)](https://www.rfc-editor.org/rfc/rfc5280#section-6.1.4):
 * "verify that the special value anyPolicy does not appear as an
 * issuerDomainPolicy or a subjectDomainPolicy" in the policyMappings of
 * an intermediate (§4.2.1.5: "Policies MUST NOT be mapped either to or from
 * the special value anyPolicy"). The leaf's and the anchor's mappings are
 * not processed.
 */
export const checkPolicyMappings: CertificateCheck = (certificate, position) => {
  if (position.isLeaf || position.isAnchor) return undefined;
  const mapping = certificate.extensions.policyMappings?.find((m) => m.issuerDomainPolicy === ANY_POLICY || m.subjectDomainPolicy === ANY_POLICY);
  if (mapping === undefined) return undefined;
  return failure(
    'invalid_policy_mapping',
    `${position.label}: policyMappings maps ${mapping.issuerDomainPolicy} to ${mapping.subjectDomainPolicy}; anyPolicy may not be mapped`,
  );
};

/**
 * RFC 5280 §6.1.3 (d)–(f), §6.1.5 (g): the path is valid under its
 * certificate policies, with the relying party's initial inputs (RFC 5280
 * §6.1.1's defaults unless the validation policy sets them): the valid
 * policy graph is not empty whenever an explicit policy is required
 * (requireExplicitPolicy, or initial-explicit-policy).
 */
export const checkCertificatePolicies: PathCheck = (path, policy) => {
  if (policy.policyProcessing === undefined && !requiresExplicitPolicy(path)) return undefined;
  const result = processCertificatePolicies(path, policy.policyProcessing ?? DEFAULT_POLICY_INPUTS);
  return result.valid ? undefined : failure('no_valid_policy', `${positionOf(path, result.index).label}: ${result.reason}`);
};

/**
 * Whether a certificate of the path other than the anchor carries
 * policyConstraints. Without one, and with RFC 5280's default inputs
 * (initial-explicit-policy false), explicit_policy starts at n + 1, loses at
 * most one per certificate and never reaches 0 (§6.1.3 (f), §6.1.5 (a), (b),
 * (g)): the path is valid under its policies whatever they are, and the
 * policy graph need not be built.
 */
function requiresExplicitPolicy(path: readonly ParsedCertificate[]): boolean {
  for (let i = 0; i < path.length - 1; i++) if (path[i].extensions.policyConstraints !== undefined) return true;
  return false;
}
