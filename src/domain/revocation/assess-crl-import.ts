import { CRL_CONTENT_CHECKS } from './checks/crl-content';
import { type CrlIssuerInput, establishCrlIssuer } from './checks/crl-issuer';
import { crlIssuerId } from './crl-issuer-id';
import type { CrlReason } from './crl-reasons';
import { crlRecordId, crlScopeId } from './crl-scope-id';
import { CrlImportError } from './error-codes';
import { parseCrl } from './parse-crl';
import { type RevocationSubject, revocationSubjects } from './revocation-subjects';

export interface CrlEntry {
  readonly serialNumberHex: string;
  readonly revocationDate: Date;
  readonly reason?: CrlReason;
}

/** What the pool stores for one CRL after a successful import. */
export interface ImportedCrl {
  /** crlRecordId(scopeId, issuerId): the stored CRL's id; the newest CRL per id is kept. */
  readonly id: string;
  /** crlScopeId(anchor of the signer's validated path, the CRL's issuer name): the certificates it speaks for. */
  readonly scopeId: string;
  /** crlIssuerId(issuer certificate whose key verified the CRL): its signer's name and key. */
  readonly issuerId: string;
  /**
   * The revocation identities of the signer's validated path but its anchor
   * (signer first; empty for a root's own CRL): the CRL vouches for nothing
   * while one of them is revoked, so every use of the CRL checks them too.
   */
  readonly signerPath: readonly RevocationSubject[];
  /** RFC 4514 form. */
  readonly issuerDn: string;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  /** Decimal string of the cRLNumber extension. */
  readonly crlNumber?: string;
  /** Of the CRL DER. */
  readonly sha256Hex: string;
  /** Only entries that revoke (removeFromCRL entries dropped) a serial a certificate can carry. */
  readonly entries: readonly CrlEntry[];
  /**
   * Entries left out because no certificate this IDP accepts can carry their
   * serial (negative, zero, longer than 20 octets: ParsedCrlEntry.matchable).
   * They could never match, and storing them would only cost (a serial of
   * 100 KB is a valid INTEGER).
   */
  readonly ignoredCount: number;
}

export interface CrlImportInput extends CrlIssuerInput {
  /** PEM ("X509 CRL" block, [RFC 7468 §5](https://www.rfc-editor.org/rfc/rfc7468#section-5); text around it ignored) or DER. */
  readonly crl: Uint8Array;
}

/**
 * Decides whether an operator-uploaded CRL may stand as its issuer's CRL in
 * the pool. Pure apart from the injected `now`: nothing is fetched, ever.
 * Cheap structural rules run before any signature or path validation.
 * Throws CrlImportError with the first rule the CRL breaks.
 */
export async function assessCrlImport(input: CrlImportInput): Promise<ImportedCrl> {
  if (!(input?.now instanceof Date) || Number.isNaN(input.now.getTime())) throw new TypeError('assessCrlImport: now must be a valid Date');
  try {
    return await assess(input);
  } catch (error) {
    if (error instanceof CrlImportError) throw error;
    // Defence in depth: a bug must not turn hostile input into an unexplained 500.
    throw new CrlImportError('crl_malformed', `unexpected error while reading the CRL: ${(error as Error)?.message ?? String(error)}`);
  }
}

async function assess(input: CrlImportInput): Promise<ImportedCrl> {
  const crl = parseCrl(input.crl);
  for (const check of CRL_CONTENT_CHECKS) {
    const refusal = check(crl, input.now);
    if (refusal !== undefined) throw refusal;
  }
  const { issuer, path } = await establishCrlIssuer(crl, input);
  const scopeId = crlScopeId(path[path.length - 1], crl.issuer);
  const issuerId = crlIssuerId(issuer);
  return {
    id: crlRecordId(scopeId, issuerId),
    scopeId,
    issuerId,
    signerPath: revocationSubjects(path),
    issuerDn: crl.issuerDn,
    thisUpdate: crl.thisUpdate,
    // Present: checkNextUpdatePresent ran.
    nextUpdate: crl.nextUpdate as Date,
    ...(crl.extensions.crlNumber === undefined ? {} : { crlNumber: crl.extensions.crlNumber }),
    sha256Hex: crl.sha256Hex,
    // [RFC 5280 §5.3.1](https://www.rfc-editor.org/rfc/rfc5280#section-5.3.1): removeFromCRL un-revokes; in a complete CRL it simply means "not revoked".
    entries: crl.entries
      .filter((entry) => entry.matchable && entry.reason !== 'removeFromCRL')
      .map(({ serialNumberHex, revocationDate, reason }) =>
        reason === undefined ? { serialNumberHex, revocationDate } : { serialNumberHex, revocationDate, reason },
      ),
    ignoredCount: crl.entries.reduce((count, entry) => (entry.matchable ? count : count + 1), 0),
  };
}
