import { namesMatch } from '../distinguished-name';
import { failure } from '../result';
import { type PathCheck, positionOf } from './check';

/** RFC 5280 §6.1.3 (a)(4): each certificate's issuer name equals the subject name of the next one (compared per §7.1). */
export const checkNameChaining: PathCheck = (path) => {
  for (let i = 0; i + 1 < path.length; i++) {
    if (!namesMatch(path[i].issuer, path[i + 1].subject)) {
      return failure(
        'issuer_name_mismatch',
        `${positionOf(path, i).label} names issuer '${path[i].issuerDn}', but the next certificate is '${path[i + 1].subjectDn}'`,
      );
    }
  }
  return undefined;
};

/**
 * RFC 5280 §6.1.4 (l) and (m): walking from the anchor down, every
 * non-self-issued intermediate consumes one unit of max_path_length, and a
 * pathLenConstraint lowers it. The anchor's own pathLenConstraint is honoured
 * too (RFC 5937 §3.2): an organisation whose root says pathlen:0 meant it.
 * The leaf is never counted (§4.2.1.9: the last certificate is an end entity).
 */
export const checkPathLength: PathCheck = (path) => {
  let remaining = Number.POSITIVE_INFINITY;
  /** Where the constraint in force was set (named only in a refusal). */
  let limitSetAt = -1;
  for (let i = path.length - 1; i >= 1; i--) {
    const certificate = path[i];
    const isAnchor = i === path.length - 1;
    if (!isAnchor && !certificate.selfIssued) {
      if (remaining <= 0) {
        const limitSetBy = `${positionOf(path, limitSetAt).label} (pathlen:${path[limitSetAt].extensions.basicConstraints?.pathLen})`;
        return failure('path_length_exceeded', `${positionOf(path, i).label} exceeds the pathLenConstraint of ${limitSetBy}`);
      }
      remaining--;
    }
    const pathLen = certificate.extensions.basicConstraints?.pathLen;
    if (certificate.isCA && pathLen !== undefined && pathLen < remaining) {
      remaining = pathLen;
      limitSetAt = i;
    }
  }
  return undefined;
};

/** Relying-party limit on intermediates (x509-limbo `max_chain_depth`); self-issued ones do not count, as in §6.1.4 (l). */
export const checkPathDepth: PathCheck = (path, policy) => {
  if (policy.maxPathDepth === undefined) return undefined;
  const intermediates = path.slice(1, -1).filter((c) => !c.selfIssued).length;
  return intermediates <= policy.maxPathDepth
    ? undefined
    : failure('path_too_deep', `path has ${intermediates} intermediate certificate(s); the policy allows ${policy.maxPathDepth}`);
};
