import { randomUUID } from 'node:crypto';
import { DependencyError, DomainError } from '../errors';
import { logger } from '../logger';
import type { RootCertificate } from '../domain/model';
import { assessRootCertificateUpload } from '../domain/root-certificate-policy';
import { requireAdmin, type Principal } from './authenticate';
import { requirePool } from './require-pool';
import type { CertificateObjectStore, DirectoryRepository, TrustStoreRepository } from './ports';

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

export interface UploadedRoot {
  filename: string;
  content: Buffer;
}

export class CertificateService {
  constructor(private readonly deps: CertificateDeps) {}

  /**
   * SPEC §3.1. Each upload writes its own S3 object first (a key unique to
   * the upload), then either creates the record pointing at it (201) or, when
   * the root is already trusted, re-points the record at it (200) — which also
   * heals an earlier partial failure. Pointer changes are conditioned on the
   * value read, so with deletes running concurrently every object ends either
   * referenced by the record or removed, and a "200 already uploaded" is only
   * ever answered while the record exists.
   */
  async upload(principal: Principal, clientPoolId: string, upload: UploadedRoot) {
    requireAdmin(principal);
    await requirePool(this.deps.directory, clientPoolId);
    const now = this.deps.clock();
    const root = assessRootCertificateUpload(upload.content, now);
    const filename = safeFilename(upload.filename);
    const response = (message: string) => ({ success: true, message, clientPoolId, filename, fingerprint: root.fingerprint });
    const record: RootCertificate = {
      fingerprint: root.fingerprint,
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
        const existing = await this.deps.trustStore.getRoot(clientPoolId, root.fingerprint);
        if (existing === undefined) continue; // deleted meanwhile: create it again
        // An SDK retry of our own create whose reply was lost.
        if (existing.objectKey === record.objectKey) return { created: true, body: response('Certificate uploaded successfully') };
        if (await this.deps.trustStore.replaceRootObject(clientPoolId, root.fingerprint, existing.objectKey, record.objectKey)) {
          await this.removeObject(existing.objectKey, clientPoolId, root.fingerprint);
          return { created: false, body: response('Certificate already uploaded') };
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
      .map(({ fingerprint, subject, notBefore, notAfter, filename, uploadedAt }) => ({ fingerprint, subject, notBefore, notAfter, filename, uploadedAt }));
  }

  /**
   * The object goes first, then the record on the condition that it still
   * points at that object, moving the pool's trustEpoch (the very next token
   * request is refused). An upload that re-pointed the record meanwhile makes
   * the condition fail; the next round removes what is there now. A failure
   * leaves the root trusted and the request retryable.
   */
  async remove(principal: Principal, clientPoolId: string, fingerprint: string): Promise<void> {
    requireAdmin(principal);
    await requirePool(this.deps.directory, clientPoolId);
    const normalised = fingerprint.toLowerCase();
    if (!FINGERPRINT.test(normalised)) throw new DomainError('invalid_fingerprint', 'fingerprint must be the 64 hex digits of the SHA-256 of the certificate DER');
    for (let round = 1; round <= POINTER_ROUNDS; round++) {
      const root = await this.deps.trustStore.getRoot(clientPoolId, normalised);
      if (!root) {
        if (round === 1) throw new DomainError('certificate_not_found', `no root with fingerprint ${normalised} in pool ${clientPoolId}`);
        return; // a concurrent delete removed it
      }
      await this.deps.objects.delete(root.objectKey);
      if (await this.deps.trustStore.deleteRoot(clientPoolId, normalised, root.objectKey)) return;
    }
    throw new DependencyError('dynamodb', new Error('root record kept changing under concurrent uploads and deletes'));
  }

  private async removeObject(objectKey: string, clientPoolId: string, fingerprint: string): Promise<void> {
    await this.deps.objects.delete(objectKey).catch(() =>
      logger.error('could not remove a certificate object no record points at', { clientPoolId, fingerprint, objectKey }),
    );
  }
}

/** The name is only echoed and listed; keep it printable and bounded. */
function safeFilename(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[^\x20-\x7e]/g, '_').slice(0, FILENAME_MAX);
  return cleaned === '' ? 'certificate.pem' : cleaned;
}
