import type { LimboCase } from './limbo-case';

/**
 * Which limbo cases say something about this project's path-validation
 * core. Applicable: path building, basicConstraints, pathLen, keyUsage,
 * extendedKeyUsage, validity, signature algorithms and keys, name
 * constraints (a CA's subtrees applied to the names of every certificate
 * below it, the peer's subject and SANs included), malformed and
 * pathological certificates, trust anchors. Not applicable: matching the
 * peer's names against an expected *hostname* (a device IDP identifies a
 * device by its registration; docs/contract.md §4.3 has no hostname).
 *
 * A case matching no rule is applicable, so a new snapshot is run rather
 * than silently skipped. A case matching two rules is a table error.
 */
export interface ExclusionRule {
  /** Short, stable label printed in reports. */
  readonly name: string;
  /** Human-readable form of `matches`, printed in reports. */
  readonly match: string;
  readonly matches: (testcase: LimboCase) => boolean;
  readonly reason: string;
}

export const LIMBO_EXCLUSIONS: readonly ExclusionRule[] = [
  {
    name: 'dns-id-matching',
    match: 'id ~ /^webpki::(exact|mismatch-.+|.*wildcard.*)-san$/',
    matches: (c) => /^webpki::(exact|mismatch-.+|.*wildcard.*)-san$/.test(c.id),
    reason: 'RFC 6125 DNS-ID matching (exact, subdomain, wildcard) of the peer hostname: the IDP matches no hostname',
  },
  {
    name: 'san-required',
    match: 'id = webpki::no-san',
    matches: (c) => c.id === 'webpki::no-san',
    reason: 'CA/B BR: the server name must be in a SAN; a device is identified by its registration and subject, never by SAN',
  },
  {
    name: 'validation-kind',
    match: 'validation_kind not in {SERVER, CLIENT}',
    matches: (c) => c.validation_kind !== 'SERVER' && c.validation_kind !== 'CLIENT',
    reason: 'no EKU policy is defined for this validation kind',
  },
];

export type Applicability = { readonly applicable: true } | { readonly applicable: false; readonly rule: ExclusionRule };

/** Classifies one case; throws when the table is ambiguous for it (every case lands in exactly one class). */
export function classifyLimboCase(testcase: LimboCase): Applicability {
  const matching = LIMBO_EXCLUSIONS.filter((rule) => rule.matches(testcase));
  if (matching.length > 1) {
    throw new Error(`limbo case ${testcase.id} matches several exclusion rules: ${matching.map((r) => r.name).join(', ')}`);
  }
  return matching.length === 0 ? { applicable: true } : { applicable: false, rule: matching[0] };
}
