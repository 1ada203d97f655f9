import type { ParsedCertificate } from './parse-certificate';
import { ANY_POLICY, type PolicyMapping } from './policy-extensions';

/** The policy inputs of [RFC 5280 §6.1.1](https://www.rfc-editor.org/rfc/rfc5280#section-6.1.1) (c), (e), (f), (g). */
export interface PolicyProcessingInputs {
  /** user-initial-policy-set: policy OIDs the relying party accepts; [anyPolicy] = any. */
  readonly userInitialPolicySet: readonly string[];
  readonly initialPolicyMappingInhibit: boolean;
  readonly initialExplicitPolicy: boolean;
  readonly initialAnyPolicyInhibit: boolean;
}

/** RFC 5280 §6.1.1's defaults, which every profile of this project uses unless told otherwise. */
export const DEFAULT_POLICY_INPUTS: PolicyProcessingInputs = {
  userInitialPolicySet: [ANY_POLICY],
  initialPolicyMappingInhibit: false,
  initialExplicitPolicy: false,
  initialAnyPolicyInhibit: false,
};

export type PolicyProcessingResult =
  /** `policies`: the user-constrained policy set (RFC 5280 §6.1.6), possibly empty when no explicit policy is required. */
  | { readonly valid: true; readonly policies: readonly string[] }
  /** `index`: position in the path (leaf 0) of the certificate at which the path failed. */
  | { readonly valid: false; readonly index: number; readonly reason: string };

interface PolicyNode {
  readonly policy: string;
  expected: ReadonlySet<string>;
  readonly parents: PolicyNode[];
}

/** One depth of the graph: at most one node per valid_policy. */
type Level = Map<string, PolicyNode>;

/**
 * Certificate policy processing of RFC 5280 §6.1.2 (a), (d), (e), (h), (j),
 * §6.1.3 (d)–(f), §6.1.4 (b), (h)–(j) and §6.1.5 (a), (b), (g), on the
 * valid_policy_graph of [RFC 9618](https://www.rfc-editor.org/rfc/rfc9618)
 * (which replaces the tree: the same outcome, without the tree's exponential
 * growth, one node per policy and depth with several parents).
 * `path` is leaf first, trust anchor last; the anchor's own extensions are
 * not policy inputs. §6.1.4 (a) (no mapping to or from anyPolicy) is its own
 * check and must have run before.
 */
export function processCertificatePolicies(path: readonly ParsedCertificate[], inputs: PolicyProcessingInputs = DEFAULT_POLICY_INPUTS): PolicyProcessingResult {
  const n = path.length - 1;
  // A path that is its own trust anchor has no certificate to process.
  if (n === 0) return { valid: true, policies: [...inputs.userInitialPolicySet] };
  const certificateAt = (i: number): ParsedCertificate => path[n - i];
  let level: Level | undefined = new Map([[ANY_POLICY, { policy: ANY_POLICY, expected: new Set([ANY_POLICY]), parents: [] }]]);
  const levels: (Level | undefined)[] = [level];
  let explicitPolicy = inputs.initialExplicitPolicy ? 0 : n + 1;
  let inhibitAnyPolicy = inputs.initialAnyPolicyInhibit ? 0 : n + 1;
  let policyMapping = inputs.initialPolicyMappingInhibit ? 0 : n + 1;
  for (let i = 1; i <= n; i++) {
    const certificate = certificateAt(i);
    const extensions = certificate.extensions;
    // §6.1.3 (d), (e).
    const policies = extensions.certificatePolicies;
    level =
      level !== undefined && policies !== undefined
        ? nonEmpty(nextLevel(level, policies, inhibitAnyPolicy > 0 || (i < n && certificate.selfIssued)))
        : undefined;
    // §6.1.3 (f).
    if (explicitPolicy === 0 && level === undefined) return { valid: false, index: n - i, reason: noPolicyReason(policies) };
    if (i === n) {
      levels.push(level);
      break;
    }
    // §6.1.4 (b).
    if (level !== undefined && extensions.policyMappings !== undefined) level = nonEmpty(applyMappings(level, extensions.policyMappings, policyMapping > 0));
    levels.push(level);
    // §6.1.4 (h), (i), (j).
    if (!certificate.selfIssued) {
      if (explicitPolicy > 0) explicitPolicy--;
      if (policyMapping > 0) policyMapping--;
      if (inhibitAnyPolicy > 0) inhibitAnyPolicy--;
    }
    const constraints = extensions.policyConstraints;
    if (constraints?.requireExplicitPolicy !== undefined) explicitPolicy = Math.min(explicitPolicy, constraints.requireExplicitPolicy);
    if (constraints?.inhibitPolicyMapping !== undefined) policyMapping = Math.min(policyMapping, constraints.inhibitPolicyMapping);
    if (extensions.inhibitAnyPolicy !== undefined) inhibitAnyPolicy = Math.min(inhibitAnyPolicy, extensions.inhibitAnyPolicy);
  }
  // §6.1.5 (a), (b).
  if (explicitPolicy > 0) explicitPolicy--;
  if (certificateAt(n).extensions.policyConstraints?.requireExplicitPolicy === 0) explicitPolicy = 0;
  // §6.1.5 (g).
  const policies = userConstrainedPolicies(levels, inputs.userInitialPolicySet);
  if (explicitPolicy > 0 || policies.length > 0) return { valid: true, policies };
  return { valid: false, index: 0, reason: 'an explicit policy is required, and no policy of the path is in the user-initial-policy-set' };
}

/** §6.1.3 (d)(1) and (d)(2): the nodes of depth i from those of depth i-1 and the certificate's policies. */
function nextLevel(previous: Level, policies: readonly string[], anyPolicyAllowed: boolean): Level {
  const next: Level = new Map();
  const anyNode = previous.get(ANY_POLICY);
  for (const policy of policies) {
    if (policy === ANY_POLICY) continue;
    const parents = [...previous.values()].filter((node) => node.expected.has(policy));
    if (parents.length > 0) next.set(policy, { policy, expected: new Set([policy]), parents });
    else if (anyNode !== undefined) next.set(policy, { policy, expected: new Set([policy]), parents: [anyNode] });
  }
  if (!anyPolicyAllowed || !policies.includes(ANY_POLICY)) return next;
  const createdForAnyPolicy = new Set<string>();
  for (const node of previous.values()) {
    for (const value of node.expected) {
      const existing = next.get(value);
      if (existing === undefined) {
        next.set(value, { policy: value, expected: new Set([value]), parents: [node] });
        createdForAnyPolicy.add(value);
      } else if (createdForAnyPolicy.has(value)) {
        existing.parents.push(node);
      }
    }
  }
  return next;
}

/** §6.1.4 (b): map the expected policies of issuerDomainPolicy nodes, or delete those nodes when mapping is inhibited. */
function applyMappings(level: Level, mappings: readonly PolicyMapping[], mappingAllowed: boolean): Level {
  const byIssuerPolicy = new Map<string, Set<string>>();
  for (const { issuerDomainPolicy, subjectDomainPolicy } of mappings) {
    const subjects = byIssuerPolicy.get(issuerDomainPolicy) ?? new Set<string>();
    subjects.add(subjectDomainPolicy);
    byIssuerPolicy.set(issuerDomainPolicy, subjects);
  }
  const anyNode = level.get(ANY_POLICY);
  for (const [issuerPolicy, subjectPolicies] of byIssuerPolicy) {
    const node = level.get(issuerPolicy);
    if (!mappingAllowed) level.delete(issuerPolicy);
    else if (node !== undefined) node.expected = subjectPolicies;
    else if (anyNode !== undefined) level.set(issuerPolicy, { policy: issuerPolicy, expected: subjectPolicies, parents: anyNode.parents });
  }
  return level;
}

/**
 * §6.1.5 (g): the valid policies at depth n intersected with the
 * user-initial-policy-set. A node's policy counts when some path to it from
 * the root enters the non-anyPolicy part of the graph through a policy of the
 * user set (the tree's "valid_policy_node_set" filter, per path); an
 * anyPolicy node at depth n stands for every user policy that no such
 * entering node names.
 */
function userConstrainedPolicies(levels: readonly (Level | undefined)[], userSet: readonly string[]): string[] {
  const last = levels[levels.length - 1];
  if (last === undefined) return [];
  if (userSet.includes(ANY_POLICY)) return [...last.keys()];
  const user = new Set(userSet);
  const live = ancestorsOf([...last.values()]);
  const accepted = new Map<PolicyNode, boolean>();
  const enteringPolicies = new Set<string>();
  for (const level of levels.slice(1)) {
    for (const node of level?.values() ?? []) {
      if (!live.has(node) || node.policy === ANY_POLICY) continue;
      const fromAny = node.parents.some((p) => p.policy === ANY_POLICY);
      if (fromAny) enteringPolicies.add(node.policy);
      accepted.set(node, (fromAny && user.has(node.policy)) || node.parents.some((p) => accepted.get(p) === true));
    }
  }
  const policies = [...last.values()].filter((node) => node.policy !== ANY_POLICY && accepted.get(node) === true).map((node) => node.policy);
  if (last.has(ANY_POLICY)) policies.push(...userSet.filter((p) => !enteringPolicies.has(p) && !policies.includes(p)));
  return policies;
}

/** The nodes of depth n and every node above them: the graph after §6.1.3 (d)(3)'s pruning. */
function ancestorsOf(nodes: readonly PolicyNode[]): Set<PolicyNode> {
  const seen = new Set<PolicyNode>();
  const stack = [...nodes];
  while (stack.length > 0) {
    const node = stack.pop() as PolicyNode;
    if (seen.has(node)) continue;
    seen.add(node);
    stack.push(...node.parents);
  }
  return seen;
}

function nonEmpty(level: Level): Level | undefined {
  return level.size === 0 ? undefined : level;
}

function noPolicyReason(policies: readonly string[] | undefined): string {
  return policies === undefined
    ? 'an explicit policy is required, and the certificate has no certificatePolicies'
    : 'an explicit policy is required, and none of the certificate policies is valid for the path';
}
