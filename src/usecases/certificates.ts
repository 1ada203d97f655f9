import { randomUUID } from 'node:crypto';
import { tryParseCertificate } from '../domain/chain';
import { anchorIdentity } from '../domain/chain/anchor-identity';
import type { RootCertificate } from '../domain/model';
import { assessRootCertificateUpload } from '../domain/root-certificate-policy';
import { DependencyError, DomainError } from '../errors';
import { logger } from '../observability';
import { type Principal, requireAdmin } from './authenticate';
import type { CertificateObjectStore, DirectoryRepository, TrustStoreRepository } from './ports';
import { requirePool } from './require-pool';

export interface CertificateDeps {
  directory: Pick<DirectoryRepository, 'getPool'>;
  trustStore: TrustStoreRepository;
  objects: CertificateObjectStore;
  clock: () => Date;
}

const FINGERPRINT = /^[0-9a-f]{64}$/;
const FILENAME_MAX = 255;
/** Rounds of read-and-condition against concurrent uploads and deletes of the same root before answering 503. */
const POINTER_ROUNDS = 8;
/** Fingerprints an anchor record remembers (a DynamoDB item holds 400 KB; this keeps it far below). */
const ROOT_FINGERPRINTS_KEPT = 16;

export interface UploadedRoot {
  filename: string;
  content: Buffer;
}

export class CertificateService {
  constructor(private readonly deps: CertificateDeps) {}

  /**
   * docs/contract.md §3.1. A pool holds one record per trust anchor (a subject and a
   * key, RFC 5280 §6.1.1 (d)). Each upload writes its own S3 object first (a
   * key unique to the upload), then either creates the anchor's record
   * pointing at it (201) or, when the pool already trusts that subject and
   * key — the same certificate, a renewal with the same key, another
   * encoding of it — replaces the certificate the record holds and adds the
   * fingerprint to the ones it answers to (200), which also heals an earlier
   * partial failure. Record changes are conditioned on the object key read,
   * so with deletes running concurrently every object ends either referenced
   * by the record or removed, and a 200 is only ever answered while the
   * record exists.
   */
  async upload(principal: Principal, clientPoolId: string, upload: UploadedRoot) {
    requireAdmin(principal);
    await requirePool(this.deps.directory, clientPoolId);
    const now = this.deps.clock();
    const root = assessRootCertificateUpload(upload.content, now);
    const filename = safeFilename(upload.filename);
    const response = (message: string, replacedFingerprint?: string) => ({
      success: true,
      message,
      clientPoolId,
      filename,
      fingerprint: root.fingerprint,
      ...(replacedFingerprint === undefined ? {} : { replacedFingerprint }),
    });
    const record: RootCertificate = {
      anchorId: root.anchorId,
      fingerprint: root.fingerprint,
      fingerprints: [root.fingerprint],
      subject: root.subject,
      notBefore: root.notBefore.toISOString(),
      notAfter: root.notAfter.toISOString(),
      filename,
      uploadedAt: now.toISOString(),
      der: Buffer.from(root.der).toString('base64'),
      objectKey: `pools/${clientPoolId}/roots/${root.fingerprint}/${randomUUID()}.pem`,
    };
    try {
      await this.deps.objects.put(record.objectKey, root.pem);
      for (let round = 1; round <= POINTER_ROUNDS; round++) {
        if (await this.deps.trustStore.createRoot(clientPoolId, record)) return { created: true, body: response('Certificate uploaded successfully') };
        const existing = await this.deps.trustStore.getRoot(clientPoolId, root.anchorId);
        if (existing === undefined) continue; // deleted meanwhile: create it again
        // A client retry of our own write whose reply was lost.
        if (existing.objectKey === record.objectKey) return { created: true, body: response('Certificate uploaded successfully') };
        // The same certificate again keeps its record (name, upload time) and only heals the object; another encoding replaces it.
        const sameCertificate = existing.fingerprint === root.fingerprint;
        const replacement = sameCertificate
          ? { ...existing, objectKey: record.objectKey }
          : { ...record, fingerprints: keptFingerprints(existing.fingerprints, root.fingerprint) };
        if (await this.deps.trustStore.replaceRoot(clientPoolId, replacement, existing.objectKey, { certificateChanged: !sameCertificate })) {
          await this.removeObject(existing.objectKey, clientPoolId, root.fingerprint);
          if (sameCertificate) return { created: false, body: response('Certificate already uploaded') };
          return {
            created: false,
            body: response(
              'Certificate updated: the pool already trusts this subject and public key, and now holds this certificate for it',
              existing.fingerprint,
            ),
          };
        }
      }
      throw new DependencyError('dynamodb', new Error('root record kept changing under concurrent uploads and deletes'));
    } catch (error) {
      // A put whose reply was lost may still have landed: clean up after it too.
      await this.removeObject(record.objectKey, clientPoolId, root.fingerprint);
      throw error;
    }
  }

  async list(principal: Principal, clientPoolId: string) {
    requireAdmin(principal);
    await requirePool(this.deps.directory, clientPoolId);
    const roots = await this.deps.trustStore.listRoots(clientPoolId);
    return roots
      .sort((a, b) => a.uploadedAt.localeCompare(b.uploadedAt))
      .map(({ fingerprint, fingerprints, subject, notBefore, notAfter, filename, uploadedAt }) => ({
        fingerprint,
        fingerprints,
        subject,
        notBefore,
        notAfter,
        filename,
        uploadedAt,
      }));
  }

  /**
   * Removes the trust anchor that was uploaded under `fingerprint` (any
   * version of it), with every record of the same subject and key. The
   * objects go first, then the records on the condition that each still
   * points at the object read, moving the pool's trustEpoch (the very next
   * token request is refused). An upload that re-pointed a record meanwhile
   * makes the condition fail; the next round removes what is there now. A
   * failure leaves the root trusted and the request retryable.
   */
  async remove(principal: Principal, clientPoolId: string, fingerprint: string): Promise<void> {
    requireAdmin(principal);
    await requirePool(this.deps.directory, clientPoolId);
    const normalised = fingerprint.toLowerCase();
    if (!FINGERPRINT.test(normalised))
      throw new DomainError('invalid_fingerprint', 'fingerprint must be the 64 hex digits of the SHA-256 of the certificate DER');
    for (let round = 1; round <= POINTER_ROUNDS; round++) {
      const roots = await this.deps.trustStore.listRoots(clientPoolId);
      const target = roots.find((root) => root.fingerprints.includes(normalised));
      if (!target) {
        // Gone by another delete (concurrent, or an earlier attempt whose answer was lost): answer only once its settle wait is over too.
        await this.deps.trustStore.settleTrustChange();
        if (round === 1) throw new DomainError('certificate_not_found', `no root with fingerprint ${normalised} in pool ${clientPoolId}`);
        return;
      }
      const identity = storedAnchorIdentity(target);
      const anchor = roots.filter((root) => storedAnchorIdentity(root) === identity);
      for (const root of anchor) await this.deps.objects.delete(root.objectKey);
      if (await this.deps.trustStore.deleteRoots(clientPoolId, anchor)) return;
    }
    throw new DependencyError('dynamodb', new Error('root record kept changing under concurrent uploads and deletes'));
  }

  private async removeObject(objectKey: string, clientPoolId: string, fingerprint: string): Promise<void> {
    await this.deps.objects
      .delete(objectKey)
      .catch(() => logger.error('could not remove a certificate object no record points at', { clientPoolId, fingerprint, objectKey }));
  }
}

/**
 * Fingerprints an anchor answers to: the earlier ones, oldest first, then the
 * one held now; bounded so repeated re-encodings cannot grow the record
 * without limit (the oldest are forgotten, the anchor stays deletable by
 * every one kept).
 */
function keptFingerprints(earlier: readonly string[], current: string): string[] {
  return [...earlier.filter((fingerprint) => fingerprint !== current), current].slice(-ROOT_FINGERPRINTS_KEPT);
}

/** The subject + key of a stored root, from its DER; records are validated at upload, so the DER parses. */
function storedAnchorIdentity(root: RootCertificate): string {
  const parsed = tryParseCertificate(Buffer.from(root.der, 'base64'));
  return parsed.ok ? anchorIdentity(parsed.certificate) : root.anchorId;
}

/** The name is only echoed and listed; keep it printable and bounded. */
function safeFilename(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[^\x20-\x7e]/g, '_').slice(0, FILENAME_MAX);
  return cleaned === '' ? 'certificate.pem' : cleaned;
}
