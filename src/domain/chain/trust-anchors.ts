import { anchorIdentity } from './anchor-identity';
import { type ParsedCertificate, tryParseCertificate } from './parse-certificate';

/**
 * A pool's trust anchors (its roots, RFC 5280 §6.1.1 (d)), parsed and
 * indexed once, for a caller that validates many chains against the same
 * anchors (the token endpoint: one pool's roots for every request). Made
 * from DER only, so it holds exactly what `validateChain` would have parsed
 * from those bytes: one certificate per distinct DER, in the order given,
 * an anchor that does not parse left out (it cannot match anything). The
 * caller decides when its anchors changed (IssueToken compares them octet
 * by octet on every read); nothing here is kept beyond the object.
 */
export class TrustAnchors {
  /** Distinct anchors by SHA-256 of their DER, in the order given. */
  readonly certificates: readonly ParsedCertificate[];
  /** anchorIdentity (subject and key) → anchor: a copy of one in x5c ends the path there. */
  readonly byIdentity: ReadonlyMap<string, ParsedCertificate>;
  /** Normalised subject (RFC 5280 §7.1) → the anchors of that name. */
  readonly bySubject: ReadonlyMap<string, readonly ParsedCertificate[]>;

  private constructor(certificates: readonly ParsedCertificate[]) {
    this.certificates = Object.freeze([...certificates]);
    this.byIdentity = new Map(certificates.map((anchor) => [anchorIdentity(anchor), anchor]));
    this.bySubject = indexBySubject(certificates);
    Object.freeze(this);
  }

  /** Parses `anchors` (DER); malformed ones are skipped, repeated bytes kept once. */
  static fromDer(anchors: Iterable<Uint8Array>): TrustAnchors {
    const byThumbprint = new Map<string, ParsedCertificate>();
    for (const der of anchors) {
      const result = tryParseCertificate(der);
      if (result.ok && !byThumbprint.has(result.certificate.sha256Hex)) byThumbprint.set(result.certificate.sha256Hex, result.certificate);
    }
    return new TrustAnchors([...byThumbprint.values()]);
  }
}

/** Groups certificates by normalised subject name (the key `namesMatch` compares). */
export function indexBySubject(certificates: readonly ParsedCertificate[]): Map<string, ParsedCertificate[]> {
  const index = new Map<string, ParsedCertificate[]>();
  for (const certificate of certificates) {
    const bucket = index.get(certificate.subject.comparisonKey);
    if (bucket === undefined) index.set(certificate.subject.comparisonKey, [certificate]);
    else bucket.push(certificate);
  }
  return index;
}
