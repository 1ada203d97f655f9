import { anchorIdentity } from './anchor-identity';
import { publicKeyRefusal, signatureAlgorithmRefusal } from './checks/algorithm-policy';
import type { ParsedCertificate } from './parse-certificate';
import type { ValidationPolicy } from './policy';
import { type ChainFailure, failure } from './result';
import type { SignatureCache } from './signature-cache';
import { indexBySubject, type TrustAnchors } from './trust-anchors';
import { validatePath } from './validate-path';

const NO_CERTIFICATES: ReadonlyMap<string, readonly ParsedCertificate[]> = new Map();

export type PathSearchOutcome = { readonly path: readonly ParsedCertificate[] } | { readonly failure: ChainFailure };

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
  anchors: TrustAnchors,
  policy: ValidationPolicy,
  signatures: SignatureCache,
): PathSearchOutcome {
  const search = new PathSearch(pool, anchors, policy, signatures);
  const found = search.extend(start);
  if (found !== undefined) return { path: found };
  if (search.firstFailure !== undefined) return { failure: search.firstFailure };
  const limits = policy.pathBuilding;
  if (search.exhausted) {
    return { failure: failure('path_building_limit', `gave up after ${limits.maxSteps} steps / ${limits.maxCandidatePaths} candidate paths`) };
  }
  const last = start[start.length - 1];
  const reason = search.anchorNameMatched
    ? `a trust anchor has the issuer's name '${last.issuerDn}' but its key did not sign the certificate`
    : `no trust anchor of this pool is named '${last.issuerDn}'${pool.length === 0 ? ' (missing intermediate?)' : ''}`;
  return { failure: failure('untrusted_root', `'${last.subjectDn}' does not chain to a trust anchor: ${reason}`) };
}

/** The state of one search (a class rather than closures: one object per validation). */
class PathSearch {
  steps = 0;
  candidatePaths = 0;
  exhausted = false;
  firstFailure: ChainFailure | undefined = undefined;
  anchorNameMatched = false;
  private readonly poolBySubject: ReadonlyMap<string, readonly ParsedCertificate[]>;

  constructor(
    pool: readonly ParsedCertificate[],
    private readonly anchors: TrustAnchors,
    private readonly policy: ValidationPolicy,
    private readonly signatures: SignatureCache,
  ) {
    this.poolBySubject = pool.length === 0 ? NO_CERTIFICATES : indexBySubject(pool);
  }

  /** An anchor's identity includes its subject: no anchor of that name, no copy (and no hash to compute). */
  private anchorCopied(certificate: ParsedCertificate): ParsedCertificate | undefined {
    return this.anchors.bySubject.has(certificate.subject.comparisonKey) ? this.anchors.byIdentity.get(anchorIdentity(certificate)) : undefined;
  }

  private step(): boolean {
    this.steps++;
    if (this.steps > this.policy.pathBuilding.maxSteps) this.exhausted = true;
    return !this.exhausted;
  }

  private complete(path: readonly ParsedCertificate[]): readonly ParsedCertificate[] | undefined {
    this.candidatePaths++;
    if (this.candidatePaths > this.policy.pathBuilding.maxCandidatePaths) {
      this.exhausted = true;
      return undefined;
    }
    const result = validatePath(path, this.policy, this.signatures);
    if (result === undefined) return path;
    this.firstFailure ??= result;
    return undefined;
  }

  /**
   * An anchor is a candidate issuer when its key verifies the certificate's
   * signature. When the algorithm policy forbids that signature or key, the
   * link is left to validatePath so the refusal carries its own error code.
   */
  private anchorSigned(certificate: ParsedCertificate, anchor: ParsedCertificate): boolean {
    const algorithms = this.policy.algorithms;
    return (
      signatureAlgorithmRefusal(certificate.signatureAlgorithm, algorithms) !== undefined ||
      publicKeyRefusal(anchor.publicKey, algorithms) !== undefined ||
      this.signatures.verify(certificate, anchor).ok
    );
  }

  extend(path: readonly ParsedCertificate[]): readonly ParsedCertificate[] | undefined {
    const current = path[path.length - 1];
    // The current certificate is a copy of a trust anchor (same subject and key, RFC 5280 §6.1.1 (d)): the
    // path ends there, at the anchor as stored, whatever the copy's own dates, issuer or encoding.
    const stored = this.anchorCopied(current);
    if (stored !== undefined) {
      const found = this.complete([...path.slice(0, -1), stored]);
      if (found !== undefined || this.exhausted) return found;
    }
    // A trust anchor issued it: name match (RFC 5280 §7.1), then the anchor's key must verify its signature.
    for (const anchor of this.anchors.bySubject.get(current.issuer.comparisonKey) ?? []) {
      if (!this.step()) return undefined;
      if (inPath(path, anchor)) continue;
      this.anchorNameMatched = true;
      if (!this.anchorSigned(current, anchor)) continue;
      const found = this.complete([...path, anchor]);
      if (found !== undefined || this.exhausted) return found;
    }
    // An untrusted certificate from the pool issued it.
    for (const candidate of this.poolBySubject.get(current.issuer.comparisonKey) ?? []) {
      if (!this.step()) return undefined;
      if (inPath(path, candidate) || this.anchorCopied(candidate) !== undefined) continue;
      const found = this.extend([...path, candidate]);
      if (found !== undefined || this.exhausted) return found;
    }
    return undefined;
  }
}

/** The same certificate (by SHA-256 of its DER) is already on the path; paths are short (the chain length is capped). */
function inPath(path: readonly ParsedCertificate[], certificate: ParsedCertificate): boolean {
  for (let i = 0; i < path.length; i++) if (path[i].sha256Hex === certificate.sha256Hex) return true;
  return false;
}
