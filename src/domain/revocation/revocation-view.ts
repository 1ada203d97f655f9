import type { CrlEntry, ImportedCrl } from './assess-crl-import';
import { isNewerCrl } from './crl-freshness';

/** The pool's current CRL of one issuer, as the token endpoint consults it. */
export interface CrlStatus {
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly issuerDn: string;
  entry(serialNumberHex: string): CrlEntry | undefined;
}

export interface RevocationView {
  /** sha256 hex fingerprints of certificates revoked individually by the operator. */
  readonly revokedFingerprints: ReadonlySet<string>;
  /** The pool's current CRL from this issuer (by crlIssuerId), or undefined when none was uploaded. */
  crl(issuerId: string): CrlStatus | undefined;
}

/** Indexes a stored CRL by serial: one lookup per certificate, whatever the CRL's size. */
export function crlStatusOf(crl: Pick<ImportedCrl, 'thisUpdate' | 'nextUpdate' | 'issuerDn' | 'entries'>): CrlStatus {
  const bySerial = new Map<string, CrlEntry>();
  // Duplicates are harmless; the first entry for a serial is kept.
  for (const entry of crl.entries) if (!bySerial.has(entry.serialNumberHex)) bySerial.set(entry.serialNumberHex, entry);
  return {
    thisUpdate: crl.thisUpdate,
    nextUpdate: crl.nextUpdate,
    issuerDn: crl.issuerDn,
    entry: (serialNumberHex) => bySerial.get(serialNumberHex.toLowerCase()),
  };
}

/**
 * An in-memory view (the CLI, conformance runs, tests; storage adapters may
 * build their own). Of several CRLs from one issuer the newest counts.
 */
export function revocationViewOf(input: { readonly revokedFingerprints?: Iterable<string>; readonly crls?: Iterable<ImportedCrl> }): RevocationView {
  const newest = new Map<string, ImportedCrl>();
  for (const crl of input.crls ?? []) {
    const stored = newest.get(crl.issuerId);
    if (stored === undefined || isNewerCrl(crl, stored)) newest.set(crl.issuerId, crl);
  }
  const statuses = new Map([...newest].map(([issuerId, crl]) => [issuerId, crlStatusOf(crl)]));
  return {
    revokedFingerprints: new Set([...(input.revokedFingerprints ?? [])].map((f) => f.toLowerCase())),
    crl: (issuerId) => statuses.get(issuerId),
  };
}
