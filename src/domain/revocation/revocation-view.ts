import type { ParsedCertificate } from '../chain/parse-certificate';
import type { CrlEntry, ImportedCrl } from './assess-crl-import';
import { isNewerCrl } from './crl-freshness';
import { certificateIdentities } from './revocation-identity';
import type { RevocationSubject } from './revocation-subjects';

/** One current CRL of the pool, as the token endpoint consults it. */
export interface CrlStatus {
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly issuerDn: string;
  /**
   * Its signer's validated path but the anchor (ImportedCrl.signerPath):
   * checked whenever the CRL is used. Empty for a root's own CRL, and for a
   * CRL stored before scopes existed (matched by a key on the path itself).
   */
  readonly signerPath: readonly RevocationSubject[];
  entry(serialNumberHex: string): CrlEntry | undefined;
}

export interface RevocationView {
  /** sha256 hex fingerprints of certificates revoked individually by the operator. */
  readonly revokedFingerprints: ReadonlySet<string>;
  /** issuerSerialIds of certificates the operator revoked as a PEM (any encoding of them). */
  readonly revokedIssuerSerials: ReadonlySet<string>;
  /** crlIssuerIds (subject and key) of CA certificates the operator revoked as a PEM. */
  readonly revokedKeys: ReadonlySet<string>;
  /** The pool's current CRLs of this scope (crlScopeId), one per signing key; empty when none was uploaded. */
  crls(scopeId: string): readonly CrlStatus[];
  /** A CRL stored before scopes existed, by the crlIssuerId (name and key) of its signer; undefined when none. */
  legacyCrl(issuerId: string): CrlStatus | undefined;
}

/** Indexes a stored CRL by serial: one lookup per certificate, whatever the CRL's size. */
export function crlStatusOf(
  crl: Pick<ImportedCrl, 'thisUpdate' | 'nextUpdate' | 'issuerDn' | 'entries'> & { signerPath?: readonly RevocationSubject[] },
): CrlStatus {
  const bySerial = new Map<string, CrlEntry>();
  // Duplicates are harmless; the first entry for a serial is kept.
  for (const entry of crl.entries) if (!bySerial.has(entry.serialNumberHex)) bySerial.set(entry.serialNumberHex, entry);
  return {
    thisUpdate: crl.thisUpdate,
    nextUpdate: crl.nextUpdate,
    issuerDn: crl.issuerDn,
    signerPath: crl.signerPath ?? [],
    entry: (serialNumberHex) => bySerial.get(serialNumberHex.toLowerCase()),
  };
}

/**
 * An in-memory view (the CLI, conformance runs, tests; storage adapters
 * build their own). Of several CRLs with one id (scope and signing key) the
 * newest counts; `legacyCrls` stand for CRLs stored before scopes existed,
 * keyed by their signer (issuerId).
 */
export function revocationViewOf(input: {
  readonly revokedFingerprints?: Iterable<string>;
  readonly revokedIssuerSerials?: Iterable<string>;
  readonly revokedKeys?: Iterable<string>;
  /** Revoked as the admin API revokes a PEM: every identity of each (certificateIdentities). */
  readonly revokedCertificates?: Iterable<ParsedCertificate>;
  readonly crls?: Iterable<ImportedCrl>;
  readonly legacyCrls?: Iterable<ImportedCrl>;
}): RevocationView {
  const byScope = new Map<string, CrlStatus[]>();
  for (const crl of newestById(input.crls ?? [], (c) => c.id)) byScope.set(crl.scopeId, [...(byScope.get(crl.scopeId) ?? []), crlStatusOf(crl)]);
  const legacy = new Map([...newestById(input.legacyCrls ?? [], (c) => c.issuerId)].map((crl) => [crl.issuerId, crlStatusOf({ ...crl, signerPath: [] })]));
  const identities = [...(input.revokedCertificates ?? [])].map(certificateIdentities);
  const lower = (values: Iterable<string | undefined>) => new Set([...values].flatMap((value) => (value === undefined ? [] : [value.toLowerCase()])));
  return {
    revokedFingerprints: lower([...(input.revokedFingerprints ?? []), ...identities.map((i) => i.fingerprint)]),
    revokedIssuerSerials: lower([...(input.revokedIssuerSerials ?? []), ...identities.map((i) => i.issuerAndSerial)]),
    revokedKeys: lower([...(input.revokedKeys ?? []), ...identities.map((i) => i.subjectAndKey)]),
    crls: (scopeId) => byScope.get(scopeId) ?? [],
    legacyCrl: (issuerId) => legacy.get(issuerId),
  };
}

function newestById(crls: Iterable<ImportedCrl>, idOf: (crl: ImportedCrl) => string): Iterable<ImportedCrl> {
  const newest = new Map<string, ImportedCrl>();
  for (const crl of crls) {
    const stored = newest.get(idOf(crl));
    if (stored === undefined || isNewerCrl(crl, stored)) newest.set(idOf(crl), crl);
  }
  return newest.values();
}
