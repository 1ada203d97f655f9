import { type ConstrainedName, constrainedNames } from '../name-constraints/constrained-names';
import { withinSubtree } from '../name-constraints/subtree-match';
import { subtreeRefusal } from '../name-constraints/subtree-support';
import type { NameConstraints } from '../name-constraints-extension';
import type { ParsedCertificate } from '../parse-certificate';
import { type ChainFailure, failure } from '../result';
import { type CertificateCheck, type PathCheck, type PathPosition, positionOf } from './check';

/*
 * Name constraints (RFC 5280 §4.2.1.10, §6.1.3 (b)–(c), §6.1.4 (g)). Rather
 * than folding every CA's subtrees into one permitted_subtrees intersection
 * and one excluded_subtrees union, each certificate's names are held against
 * each constraining CA above it in turn: a name must be inside that CA's
 * permitted subtrees of its form (when it has any) and outside its excluded
 * ones. That is the same decision without computing intersections.
 * The trust anchor's constraints apply too (RFC 5937 §3), as its pathLen does.
 */

/**
 * A CA's nameConstraints can only be honoured if every subtree can be
 * evaluated (subtreeRefusal); otherwise the path is refused rather than the
 * constraint ignored. The leaf's own nameConstraints constrain nothing below
 * it (§6.1.4 runs for certificates 1..n-1 only).
 */
export const checkNameConstraintsSupported: CertificateCheck = (certificate, position) => {
  const constraints = certificate.extensions.nameConstraints;
  if (position.isLeaf || constraints === undefined) return undefined;
  for (const [list, subtrees] of [
    ['permittedSubtrees', constraints.permitted],
    ['excludedSubtrees', constraints.excluded],
  ] as const) {
    for (const subtree of subtrees) {
      const refusal = subtreeRefusal(subtree);
      if (refusal !== undefined) return failure('name_constraints_unsupported', `${position.label}: ${list} holds ${refusal}, which cannot be evaluated`);
    }
  }
  return undefined;
};

/** §6.1.3 (b): every name of a certificate below a constraining CA lies within that CA's permitted subtrees of its form. */
export const checkPermittedSubtrees: PathCheck = (path) =>
  forEachConstrainedName(path, (name, subject, issuer, constraints) => {
    const bases = constraints.permitted.filter((s) => s.base.kind === name.name.kind);
    if (bases.length === 0) return undefined;
    const results = bases.map((s) => withinSubtree(name.name, s.base, 'permitted'));
    if (results.includes(true)) return undefined;
    const why = results.includes(undefined) ? 'cannot be compared with' : 'is not within';
    return failure('name_not_permitted', `${subject.label}: ${name.label} ${why} the permittedSubtrees of ${issuer.label}`);
  });

/** §6.1.3 (c): no name of a certificate below a constraining CA lies within that CA's excluded subtrees. */
export const checkExcludedSubtrees: PathCheck = (path) =>
  forEachConstrainedName(path, (name, subject, issuer, constraints) => {
    for (const subtree of constraints.excluded) {
      if (subtree.base.kind !== name.name.kind) continue;
      const within = withinSubtree(name.name, subtree.base, 'excluded');
      if (within !== false) {
        const why = within === undefined ? 'cannot be shown to lie outside' : 'lies within';
        return failure('name_excluded', `${subject.label}: ${name.label} ${why} the excludedSubtrees of ${issuer.label}`);
      }
    }
    return undefined;
  });

type NameRule = (name: ConstrainedName, subject: PathPosition, issuer: PathPosition, constraints: NameConstraints) => ChainFailure | undefined;

/**
 * Each certificate below the anchor, leaf first, against each constraining
 * CA above it. §6.1.3 (b)/(c): "If certificate i is self-issued and it is not
 * the final certificate in the path, skip this step" (key rollover in a
 * constrained CA).
 */
function forEachConstrainedName(path: readonly ParsedCertificate[], rule: NameRule): ChainFailure | undefined {
  for (let index = 0; index < path.length - 1; index++) {
    if (index > 0 && path[index].selfIssued) continue;
    let names: ConstrainedName[] | undefined;
    for (let at = index + 1; at < path.length; at++) {
      const constraints = path[at].extensions.nameConstraints;
      if (constraints === undefined) continue;
      names ??= constrainedNames(path[index]);
      for (const name of names) {
        const refusal = rule(name, positionOf(path, index), positionOf(path, at), constraints);
        if (refusal !== undefined) return refusal;
      }
    }
  }
  return undefined;
}
