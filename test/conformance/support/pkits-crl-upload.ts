import { type ParsedCertificate, parseCertificate } from '../../../src/domain/chain';
import { namesMatch } from '../../../src/domain/chain/distinguished-name';
import { assessCrlImport, CrlImportError, findCrlIssuer, type ImportedCrl, isNewerCrl, parseCrl } from '../../../src/domain/revocation';

/** What became of one CRL of a test: stored, refused with a code, or not newer than the one kept. */
export interface CrlUpload {
  readonly file: string;
  readonly outcome: 'stored' | 'not-newer' | CrlImportError['code'];
  readonly detail: string;
}

export interface CrlPool {
  readonly crls: readonly ImportedCrl[];
  readonly uploads: readonly CrlUpload[];
}

/**
 * Uploads a test's CRLs the way an operator would, one by one, through
 * assessCrlImport: a CRL named after the trust anchor goes without an
 * issuer; any other goes with the test certificate whose subject is the CRL
 * issuer (the one whose key verifies it, when there is one: the operator
 * knows which certificate signs the CRLs), followed by the test's other
 * certificates. Per id (the CRL's scope and signing key, as the pool keys
 * it) the newest accepted CRL is kept (isNewerCrl); a refused CRL is not
 * stored and its code recorded.
 */
export async function uploadCrls(
  files: readonly { file: string; der: Uint8Array }[],
  anchorDer: Uint8Array,
  certificatesDer: readonly Uint8Array[],
  now: Date,
): Promise<CrlPool> {
  const anchor = parseCertificate(anchorDer);
  const certificates = certificatesDer.map((der) => parseCertificate(der));
  const byId = new Map<string, ImportedCrl>();
  const uploads: CrlUpload[] = [];
  for (const { file, der } of files) {
    try {
      const issuerChain = operatorIssuerChain(der, anchor, certificates);
      const imported = await assessCrlImport({ crl: der, anchors: [anchorDer], issuerChain, now });
      const stored = byId.get(imported.id);
      if (stored !== undefined && !isNewerCrl(imported, stored)) {
        uploads.push({ file, outcome: 'not-newer', detail: `a CRL of '${imported.issuerDn}' at least as new is already stored` });
        continue;
      }
      byId.set(imported.id, imported);
      uploads.push({ file, outcome: 'stored', detail: `${imported.entries.length} revoking entries of '${imported.issuerDn}'` });
    } catch (error) {
      if (!(error instanceof CrlImportError)) throw error;
      uploads.push({ file, outcome: error.code, detail: error.message });
    }
  }
  return { crls: [...byId.values()], uploads };
}

function operatorIssuerChain(der: Uint8Array, anchor: ParsedCertificate, certificates: readonly ParsedCertificate[]): Uint8Array[] | undefined {
  const crl = parseCrl(der);
  if (namesMatch(crl.issuer, anchor.subject)) return undefined;
  const issuer = findCrlIssuer(crl, certificates);
  if (issuer === undefined) return undefined;
  return [issuer.der, ...certificates.filter((c) => c !== issuer).map((c) => c.der)];
}
