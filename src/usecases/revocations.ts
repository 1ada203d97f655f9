import { decodePemCertificates, tryParseCertificate } from '../domain/chain';
import type { CertificateRevocation, RootCertificate, StoredCrl } from '../domain/model';
import { readPem } from '../domain/pem/read-pem';
import { assessCrlImport, CrlImportError, certificateIdentities, fingerprintIdentities, matchesOf, type RevocationIdentities } from '../domain/revocation';
import { normaliseFingerprint, parseRevocationRequest, type RevocationTarget } from '../domain/revocation-request';
import { DependencyError, DomainError } from '../errors';
import { type Principal, requireAdmin } from './authenticate';
import type { DirectoryRepository, RevocationRepository, ScopedCrl, TrustStoreRepository } from './ports';
import { requirePool } from './require-pool';

export interface RevocationDeps {
  directory: Pick<DirectoryRepository, 'getPool'>;
  trustStore: Pick<TrustStoreRepository, 'listRoots'>;
  revocations: RevocationRepository;
  clock: () => Date;
}

export interface CrlUpload {
  crl: Buffer;
  /** PEM: the CRL issuer's certificate, optionally followed by intermediates up to a pool root. */
  issuer?: Buffer;
}

/** The x5c bound (docs/contract.md §4.2): an issuer chain longer than a device's own cannot lead anywhere useful. */
const MAX_ISSUER_CHAIN = 5;
const CRL_ID = /^[0-9a-f]{64}$/;

/**
 * docs/contract.md §3.4, admin key only. Every write goes through the repository's
 * trust-change commit, so the very next token request sees it (keys.ts).
 */
export class RevocationService {
  constructor(private readonly deps: RevocationDeps) {}

  /**
   * `created` false: this certificate (this fingerprint) was already revoked,
   * and the stored record is returned unchanged, except that a PEM adds its
   * identities to a record that matched the fingerprint only (`matches` grows).
   */
  async revoke(principal: Principal, clientPoolId: string, body: unknown): Promise<{ created: boolean; revocation: CertificateRevocation }> {
    requireAdmin(principal);
    await requirePool(this.deps.directory, clientPoolId);
    const request = parseRevocationRequest(body);
    refuseRoot(request.target, await this.deps.trustStore.listRoots(clientPoolId));
    const identities = identitiesOf(request.target);
    const revocation = toRevocation(request.target, request.reason, this.deps.clock(), identities);
    for (let attempt = 1; attempt <= 3; attempt++) {
      if (await this.deps.revocations.putRevocation(clientPoolId, revocation, identities)) return { created: true, revocation };
      const stored = await this.deps.revocations.getRevocation(clientPoolId, revocation.id);
      if (stored && revocation.matches.every((match) => stored.matches.includes(match))) {
        // Revoked by another request, whose own settle wait may not be over: neither is this answer before it.
        await this.deps.revocations.settleTrustChange();
        return { created: false, revocation: stored };
      }
      if (stored) {
        const { subject, issuer, serialNumber } = revocation;
        const extended = await this.deps.revocations.extendRevocation(clientPoolId, revocation.id, { subject, issuer, serialNumber }, identities);
        if (extended) return { created: false, revocation: extended };
      }
      // Lifted (or extended) between the calls: look again, a bounded number of times.
    }
    throw new DependencyError('dynamodb', new Error('the revocation kept changing while it was written'));
  }

  async list(principal: Principal, clientPoolId: string): Promise<CertificateRevocation[]> {
    requireAdmin(principal);
    await requirePool(this.deps.directory, clientPoolId);
    const revocations = await this.deps.revocations.listRevocations(clientPoolId);
    return revocations.sort((a, b) => a.revokedAt.localeCompare(b.revokedAt) || a.id.localeCompare(b.id));
  }

  async lift(principal: Principal, clientPoolId: string, id: string): Promise<void> {
    requireAdmin(principal);
    await requirePool(this.deps.directory, clientPoolId);
    const fingerprint = normaliseFingerprint(id);
    if (fingerprint === undefined)
      throw new DomainError('invalid_revocation_id', "a revocation id is the 64 hex digits of the revoked certificate's SHA-256 fingerprint");
    if (!(await this.deps.revocations.deleteRevocation(clientPoolId, fingerprint))) {
      throw new DomainError('revocation_not_found', `no revocation with id ${fingerprint} in this pool`);
    }
  }

  /**
   * Verifies the CRL against the pool's roots (signature, issuer, extensions,
   * times: src/domain/revocation) and stores it as the current CRL of its
   * scope (its issuer's name under the anchor its signer validates to) and
   * signing key, unless the stored one is at least as new. Nothing is fetched.
   */
  async importCrl(principal: Principal, clientPoolId: string, upload: CrlUpload) {
    requireAdmin(principal);
    await requirePool(this.deps.directory, clientPoolId);
    const now = this.deps.clock();
    const issuerChain = upload.issuer === undefined ? undefined : decodeIssuerChain(upload.issuer);
    const roots = await this.deps.trustStore.listRoots(clientPoolId);
    const anchors = roots.map((root) => new Uint8Array(Buffer.from(root.der, 'base64')));
    let imported: Awaited<ReturnType<typeof assessCrlImport>>;
    try {
      imported = await assessCrlImport({ crl: new Uint8Array(upload.crl), anchors, issuerChain, now });
    } catch (error) {
      if (error instanceof CrlImportError) throw new DomainError(error.code, error.message);
      throw error;
    }
    const crl: ScopedCrl = {
      id: imported.id,
      scopeId: imported.scopeId,
      signerId: imported.issuerId,
      signerPath: imported.signerPath,
      issuer: imported.issuerDn,
      thisUpdate: imported.thisUpdate.toISOString(),
      nextUpdate: imported.nextUpdate.toISOString(),
      ...(imported.crlNumber === undefined ? {} : { crlNumber: imported.crlNumber }),
      revokedCount: imported.entries.length,
      sha256: imported.sha256Hex,
      uploadedAt: now.toISOString(),
    };
    if ((await this.deps.revocations.putCrl(clientPoolId, crl, imported.entries)) === 'not_newer') {
      // The CRL held may have been stored by a request still in its settle wait.
      await this.deps.revocations.settleTrustChange();
      throw new DomainError(
        'crl_not_newer',
        `the pool already holds a CRL of '${crl.issuer}' signed with the same key at least as new as this one (compared by cRLNumber when both have one, else thisUpdate)`,
      );
    }
    // Entries no certificate can match were left out (ImportedCrl.ignoredCount): say how many, so revokedCount adds up.
    return { ...crlSummary(crl), ...(imported.ignoredCount > 0 ? { ignoredCount: imported.ignoredCount } : {}) };
  }

  async listCrls(principal: Principal, clientPoolId: string) {
    requireAdmin(principal);
    await requirePool(this.deps.directory, clientPoolId);
    const now = this.deps.clock().getTime();
    const crls = await this.deps.revocations.listCrls(clientPoolId);
    return crls
      .sort((a, b) => a.issuer.localeCompare(b.issuer) || a.id.localeCompare(b.id))
      .map((crl) => ({ ...crlSummary(crl), stale: Date.parse(crl.nextUpdate) < now }));
  }

  async deleteCrl(principal: Principal, clientPoolId: string, id: string): Promise<void> {
    requireAdmin(principal);
    await requirePool(this.deps.directory, clientPoolId);
    const crlId = id.toLowerCase();
    if (!CRL_ID.test(crlId)) throw new DomainError('invalid_crl_id', 'a CRL id is the 64 hex digits listed by GET .../crls');
    if (!(await this.deps.revocations.deleteCrl(clientPoolId, crlId))) {
      // Removed by another request (or an earlier attempt whose answer was lost) that may still be in its settle wait.
      await this.deps.revocations.settleTrustChange();
      throw new DomainError('crl_not_found', `no CRL with id ${crlId} in this pool`);
    }
  }
}

function crlSummary(crl: StoredCrl) {
  const { id, issuer, thisUpdate, nextUpdate, crlNumber, revokedCount } = crl;
  return { id, issuer, thisUpdate, nextUpdate, ...(crlNumber === undefined ? {} : { crlNumber }), revokedCount };
}

/**
 * Revoking an anchor would take the whole pool down through the back door,
 * and is not what a revocation means here (only certificates below the anchor
 * are checked, docs/contract.md §3.4): the operator deletes the root instead. A
 * certificate is a root's when it is that root or carries its subject and key.
 */
function refuseRoot(target: RevocationTarget, roots: readonly RootCertificate[]): void {
  const isRoot = roots.some((root) => {
    if (target.kind === 'fingerprint') return root.fingerprint === target.fingerprint;
    if (root.fingerprint === target.certificate.sha256Hex) return true;
    const parsed = tryParseCertificate(new Uint8Array(Buffer.from(root.der, 'base64')));
    return (
      parsed.ok &&
      parsed.certificate.subject.comparisonKey === target.certificate.subject.comparisonKey &&
      Buffer.from(parsed.certificate.spkiDer).equals(Buffer.from(target.certificate.spkiDer))
    );
  });
  if (isRoot) throw new DomainError('cannot_revoke_root', 'this is a root of the pool: delete the root instead (DELETE .../certificates/{fingerprint})');
}

/** A fingerprint matches that encoding only; a PEM also the certificate (issuer and serial) and, for a CA, its subject and key. */
function identitiesOf(target: RevocationTarget): RevocationIdentities {
  return target.kind === 'fingerprint' ? fingerprintIdentities(target.fingerprint) : certificateIdentities(target.certificate);
}

function toRevocation(target: RevocationTarget, reason: string, now: Date, identities: RevocationIdentities): CertificateRevocation {
  const matches = matchesOf(identities);
  if (target.kind === 'fingerprint') return { id: target.fingerprint, fingerprint: target.fingerprint, reason, revokedAt: now.toISOString(), matches };
  const certificate = target.certificate;
  return {
    id: certificate.sha256Hex,
    fingerprint: certificate.sha256Hex,
    subject: certificate.subjectDn,
    issuer: certificate.issuerDn,
    serialNumber: certificate.serialNumberHex,
    reason,
    revokedAt: now.toISOString(),
    matches,
  };
}

/** The optional `issuer` part: PEM certificates only (the issuer first), never a key. */
function decodeIssuerChain(content: Buffer): Uint8Array[] {
  if (readPem(content).labels.some((label) => label.includes('PRIVATE KEY'))) {
    throw new DomainError('private_key_not_allowed', 'the issuer part contains a private key: send only certificates, and treat that key as exposed');
  }
  const decoded = decodePemCertificates(content);
  if (!decoded.ok) throw new DomainError('issuer_pem_required', `issuer must be the PEM certificate of the CRL's issuer: ${decoded.reason}`);
  if (decoded.certificates.length > MAX_ISSUER_CHAIN) {
    throw new DomainError('issuer_chain_too_long', `issuer holds ${decoded.certificates.length} certificates; at most ${MAX_ISSUER_CHAIN} are accepted`);
  }
  return decoded.certificates;
}
