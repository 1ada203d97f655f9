import { anchorIdentity } from './anchor-identity';
import { publicKeyRefusal, signatureAlgorithmRefusal } from './checks/algorithm-policy';
import type { ParsedCertificate } from './parse-certificate';
import type { ValidationPolicy } from './policy';
import { type ChainFailure, failure } from './result';
import type { SignatureCache } from './signature-cache';
import { validatePath } from './validate-path';

export type PathSearchOutcome = { readonly path: readonly ParsedCertificate[] } | { readonly failure: ChainFailure };

interface SearchState {
  steps: number;
  candidatePaths: number;
  exhausted: boolean;
  firstFailure: ChainFailure | undefined;
  anchorNameMatched: boolean;
}

/**
 * Depth-first search for a valid path from `start` (the leaf, or the whole
 * ordered x5c chain) to a trust anchor, extending with `pool` certificates
 * whose subject matches the current issuer name (RFC 5280 §6.1: path
 * building is outside §6.1 itself; RFC 4158 describes the approach).
 *
 * Termination on any input: a certificate (by SHA-256) never appears twice in
 * a path, so depth is bounded by the pool size; every name-matching candidate
 * examined costs one step and every complete path one validation, both
 * capped by the policy. Certificates are indexed by normalised subject, so
 * the number of configured anchors does not count against the budget.
 * Trust anchors are tried before pool certificates, so the shortest path to an
 * anchor wins and a cross-signed or expired alternative is only a fallback.
 */
export function searchPath(
  start: readonly ParsedCertificate[],
  pool: readonly ParsedCertificate[],
  anchors: readonly ParsedCertificate[],
  policy: ValidationPolicy,
  signatures: SignatureCache,
): PathSearchOutcome {
  const state: SearchState = { steps: 0, candidatePaths: 0, exhausted: false, firstFailure: undefined, anchorNameMatched: false };
  const anchorsByIdentity = new Map(anchors.map((a) => [anchorIdentity(a), a]));
  const anchorsBySubject = indexBySubject(anchors);
  const poolBySubject = indexBySubject(pool);
  const limits = policy.pathBuilding;

  // An anchor's identity includes its subject: no anchor of that name, no copy (and no hash to compute).
  const isAnchorCopy = (certificate: ParsedCertificate): ParsedCertificate | undefined =>
    anchorsBySubject.has(certificate.subject.comparisonKey) ? anchorsByIdentity.get(anchorIdentity(certificate)) : undefined;

  const step = (): boolean => {
    state.steps++;
    if (state.steps > limits.maxSteps) state.exhausted = true;
    return !state.exhausted;
  };

  const complete = (path: readonly ParsedCertificate[]): readonly ParsedCertificate[] | undefined => {
    state.candidatePaths++;
    if (state.candidatePaths > limits.maxCandidatePaths) {
      state.exhausted = true;
      return undefined;
    }
    const result = validatePath(path, policy, signatures);
    if (result === undefined) return path;
    state.firstFailure ??= result;
    return undefined;
  };

  // An anchor is a candidate issuer when its key verifies the certificate's
  // signature. When the algorithm policy forbids that signature or key, the
  // link is left to validatePath so the refusal carries its own error code.
  const anchorSigned = (certificate: ParsedCertificate, anchor: ParsedCertificate): boolean =>
    signatureAlgorithmRefusal(certificate.signatureAlgorithm, policy.algorithms) !== undefined ||
    publicKeyRefusal(anchor.publicKey, policy.algorithms) !== undefined ||
    signatures.verify(certificate, anchor).ok;

  const extend = (path: readonly ParsedCertificate[]): readonly ParsedCertificate[] | undefined => {
    const current = path[path.length - 1];
    const inPath = new Set(path.map((c) => c.sha256Hex));
    // The current certificate is a copy of a trust anchor (same subject and key, RFC 5280 §6.1.1 (d)): the
    // path ends there, at the anchor as stored, whatever the copy's own dates, issuer or encoding.
    const stored = isAnchorCopy(current);
    if (stored !== undefined) {
      const found = complete([...path.slice(0, -1), stored]);
      if (found !== undefined || state.exhausted) return found;
    }
    // A trust anchor issued it: name match (RFC 5280 §7.1), then the anchor's key must verify its signature.
    for (const anchor of anchorsBySubject.get(current.issuer.comparisonKey) ?? []) {
      if (!step()) return undefined;
      if (inPath.has(anchor.sha256Hex)) continue;
      state.anchorNameMatched = true;
      if (!anchorSigned(current, anchor)) continue;
      const found = complete([...path, anchor]);
      if (found !== undefined || state.exhausted) return found;
    }
    // An untrusted certificate from the pool issued it.
    for (const candidate of poolBySubject.get(current.issuer.comparisonKey) ?? []) {
      if (!step()) return undefined;
      if (inPath.has(candidate.sha256Hex) || isAnchorCopy(candidate) !== undefined) continue;
      const found = extend([...path, candidate]);
      if (found !== undefined || state.exhausted) return found;
    }
    return undefined;
  };

  const found = extend(start);
  if (found !== undefined) return { path: found };
  if (state.firstFailure !== undefined) return { failure: state.firstFailure };
  if (state.exhausted) {
    return { failure: failure('path_building_limit', `gave up after ${limits.maxSteps} steps / ${limits.maxCandidatePaths} candidate paths`) };
  }
  const last = start[start.length - 1];
  const reason = state.anchorNameMatched
    ? `a trust anchor has the issuer's name '${last.issuerDn}' but its key did not sign the certificate`
    : `no trust anchor of this pool is named '${last.issuerDn}'${pool.length === 0 ? ' (missing intermediate?)' : ''}`;
  return { failure: failure('untrusted_root', `'${last.subjectDn}' does not chain to a trust anchor: ${reason}`) };
}

/** Groups certificates by normalised subject name (the key `namesMatch` compares). */
function indexBySubject(certificates: readonly ParsedCertificate[]): Map<string, ParsedCertificate[]> {
  const index = new Map<string, ParsedCertificate[]>();
  for (const certificate of certificates) {
    const bucket = index.get(certificate.subject.comparisonKey);
    if (bucket === undefined) index.set(certificate.subject.comparisonKey, [certificate]);
    else bucket.push(certificate);
  }
  return index;
}
