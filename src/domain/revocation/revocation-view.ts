import type { ParsedCertificate } from '../chain/parse-certificate';
import type { CrlEntry, ImportedCrl } from './assess-crl-import';
import { isNewerCrl } from './crl-freshness';
import { certificateIdentities } from './revocation-identity';

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
  /** issuerSerialIds of certificates the operator revoked as a PEM (any encoding of them). */
  readonly revokedIssuerSerials: ReadonlySet<string>;
  /** crlIssuerIds (subject and key) of CA certificates the operator revoked as a PEM. */
  readonly revokedKeys: ReadonlySet<string>;
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
export function revocationViewOf(input: {
  readonly revokedFingerprints?: Iterable<string>;
  readonly revokedIssuerSerials?: Iterable<string>;
  readonly revokedKeys?: Iterable<string>;
  /** Revoked as the admin API revokes a PEM: every identity of each (certificateIdentities). */
  readonly revokedCertificates?: Iterable<ParsedCertificate>;
  readonly crls?: Iterable<ImportedCrl>;
}): RevocationView {
  const newest = new Map<string, ImportedCrl>();
  for (const crl of input.crls ?? []) {
    const stored = newest.get(crl.issuerId);
    if (stored === undefined || isNewerCrl(crl, stored)) newest.set(crl.issuerId, crl);
  }
  const statuses = new Map([...newest].map(([issuerId, crl]) => [issuerId, crlStatusOf(crl)]));
  const identities = [...(input.revokedCertificates ?? [])].map(certificateIdentities);
  const lower = (values: Iterable<string | undefined>) => new Set([...values].flatMap((value) => (value === undefined ? [] : [value.toLowerCase()])));
  return {
    revokedFingerprints: lower([...(input.revokedFingerprints ?? []), ...identities.map((i) => i.fingerprint)]),
    revokedIssuerSerials: lower([...(input.revokedIssuerSerials ?? []), ...identities.map((i) => i.issuerAndSerial)]),
    revokedKeys: lower([...(input.revokedKeys ?? []), ...identities.map((i) => i.subjectAndKey)]),
    crl: (issuerId) => statuses.get(issuerId),
  };
}
