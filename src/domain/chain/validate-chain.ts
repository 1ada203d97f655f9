import { type PathSearchOutcome, searchPath } from './build-path';
import { CERTIFICATE_PROFILE_CHECKS } from './checks/certificate-profile';
import { runCertificateChecks } from './checks/check';
import { checkNameChaining } from './checks/path-constraints';
import { type ParsedCertificate, tryParseCertificate } from './parse-certificate';
import { assertValidPolicy, type ValidationPolicy } from './policy';
import { type ChainFailure, type ChainValidationResult, failure } from './result';
import { SignatureCache } from './signature-cache';
import { TrustAnchors } from './trust-anchors';

export interface ChainValidationInput {
  /** DER certificates; chain[0] is the end entity. */
  readonly chain: readonly Uint8Array[];
  /** The trust anchors (the pool's roots): DER, or parsed once by the caller (TrustAnchors.fromDer), which gives the same result. */
  readonly anchors: readonly Uint8Array[] | TrustAnchors;
  /**
   * 'ordered' (default, RFC 7515 §4.1.6 `x5c`): each element is issued by the
   * next, and the last one is an anchor (exact bytes) or issued by one.
   * 'pool': chain[1..] is an unordered set of untrusted intermediates from
   * which a path is built (conformance runs, TLS-style inputs).
   */
  readonly intermediates?: 'ordered' | 'pool';
}

/**
 * Validates a certificate chain per RFC 5280 §6.1 against the given trust
 * anchors and relying-party policy. Pure: the only clock is `policy.now`.
 * Never throws on hostile input (a bad policy is a programming error and
 * throws a TypeError).
 *
 * Work is bounded before it is spent: the number and size of certificates
 * are checked before parsing, parsing is linear, every cheap rule runs
 * before any signature, and path building has step limits.
 */
export async function validateChain(input: ChainValidationInput, policy: ValidationPolicy): Promise<ChainValidationResult> {
  assertValidPolicy(policy);
  try {
    return validate(input, policy);
  } catch (error) {
    // Defence in depth: a bug must not turn hostile input into an exception path.
    return failure('malformed_certificate', `unexpected error while validating: ${(error as Error)?.message ?? String(error)}`);
  }
}

function validate(input: ChainValidationInput, policy: ValidationPolicy): ChainValidationResult {
  const chain: unknown = input?.chain;
  if (!Array.isArray(chain) || chain.length === 0) return failure('chain_empty', 'no certificate was supplied');
  if (chain.length > policy.maxChainLength) {
    return failure('chain_too_long', `${chain.length} certificates supplied; at most ${policy.maxChainLength} are accepted`);
  }
  const parsed = parseChain(chain, policy);
  if (!Array.isArray(parsed)) return parsed;
  const duplicate = findDuplicate(parsed);
  if (duplicate !== undefined) return duplicate;

  const anchors = input.anchors instanceof TrustAnchors ? input.anchors : TrustAnchors.fromDer(Array.isArray(input.anchors) ? input.anchors : []);
  if (anchors.certificates.length === 0) return failure('untrusted_root', 'no trust anchor is configured');

  const outcome = input.intermediates === 'pool' ? searchPool(parsed, anchors, policy) : searchOrdered(parsed, anchors, policy);
  if ('failure' in outcome) return outcome.failure;
  const path = outcome.path;
  return { valid: true, path, leaf: path[0], anchor: path[path.length - 1] };
}

/** chain[0] is the peer; the rest is an unordered set of untrusted intermediates. */
function searchPool(chain: ParsedCertificate[], anchors: TrustAnchors, policy: ValidationPolicy): PathSearchOutcome {
  return searchPath(chain.slice(0, 1), chain.slice(1), anchors, policy, new SignatureCache());
}

/**
 * x5c order (RFC 7515 §4.1.6: each certificate MUST certify the one before
 * it). The chain's own profile and order are checked before looking for an
 * anchor, so a malformed or misordered chain is reported as such rather than
 * as an unknown root.
 */
function searchOrdered(chain: ParsedCertificate[], anchors: TrustAnchors, policy: ValidationPolicy): PathSearchOutcome {
  const refusal = runCertificateChecks(CERTIFICATE_PROFILE_CHECKS, chain, policy, false) ?? checkNameChaining(chain, policy);
  if (refusal !== undefined) return { failure: refusal };
  return searchPath(chain, [], anchors, policy, new SignatureCache());
}

function parseChain(chain: readonly unknown[], policy: ValidationPolicy): ParsedCertificate[] | ChainFailure {
  // Sizes first: nothing is parsed until every element is known to be small.
  for (let index = 0; index < chain.length; index++) {
    const der = chain[index];
    if (der instanceof Uint8Array && der.byteLength > policy.maxCertificateBytes) {
      return failure('certificate_too_large', `certificate #${index} is ${der.byteLength} bytes; at most ${policy.maxCertificateBytes}`);
    }
  }
  const parsed: ParsedCertificate[] = [];
  for (let index = 0; index < chain.length; index++) {
    const result = tryParseCertificate(chain[index] as Uint8Array);
    if (!result.ok) return failure('malformed_certificate', `certificate #${index}: ${result.detail}`);
    parsed.push(result.certificate);
  }
  return parsed;
}

/** docs/contract.md §4.3 "no duplicates": the same certificate twice is either a mistake or an attempt to confuse path building. */
function findDuplicate(chain: readonly ParsedCertificate[]): ChainFailure | undefined {
  // At most maxChainLength certificates: comparing each pair costs less than a map.
  for (let index = 1; index < chain.length; index++) {
    for (let first = 0; first < index; first++) {
      if (chain[first].sha256Hex === chain[index].sha256Hex) {
        return failure('duplicate_certificate', `certificate #${index} is the same as certificate #${first} ('${chain[index].subjectDn}')`);
      }
    }
  }
  return undefined;
}
