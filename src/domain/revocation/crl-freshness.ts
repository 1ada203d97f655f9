export interface CrlFreshness {
  readonly crlNumber?: string;
  readonly thisUpdate: Date;
}

/**
 * Whether `candidate` supersedes `stored` (same issuer): by cRLNumber when
 * both carry one ([RFC 5280 §5.2.3](https://www.rfc-editor.org/rfc/rfc5280#section-5.2.3):
 * "monotonically increasing sequence numbers for a given CRL scope and CRL
 * issuer"), else by thisUpdate. Strict: the same CRL again, or an older one,
 * is not newer, so replaying an old CRL cannot un-revoke a certificate.
 */
export function isNewerCrl(candidate: CrlFreshness, stored: CrlFreshness): boolean {
  const candidateNumber = decimal(candidate.crlNumber);
  const storedNumber = decimal(stored.crlNumber);
  if (candidateNumber !== undefined && storedNumber !== undefined) return candidateNumber > storedNumber;
  return candidate.thisUpdate.getTime() > stored.thisUpdate.getTime();
}

function decimal(value: string | undefined): bigint | undefined {
  return value !== undefined && /^\d{1,60}$/.test(value) ? BigInt(value) : undefined;
}
