import { DomainError } from '../errors';
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

export interface UploadedRoot {
  filename: string;
  content: Buffer;
}

export class CertificateService {
  constructor(private readonly deps: CertificateDeps) {}

  /**
   * SPEC §3.1. The object is written before its record and removed again if
   * either write fails, so a failed request leaves no object without its
   * record. Uploading a root that is already trusted rewrites its object
   * (same key, same bytes), which also heals any earlier partial failure.
   */
  async upload(principal: Principal, clientPoolId: string, upload: UploadedRoot) {
    requireAdmin(principal);
    await requirePool(this.deps.directory, clientPoolId);
    const now = this.deps.clock();
    const root = assessRootCertificateUpload(upload.content, now);
    const filename = safeFilename(upload.filename);
    const existing = await this.deps.trustStore.getRoot(clientPoolId, root.fingerprint);
    const response = (message: string) => ({ success: true, message, clientPoolId, filename, fingerprint: root.fingerprint });
    if (existing) {
      await this.deps.objects.put(existing.objectKey, root.pem);
      return { created: false, body: response('Certificate already uploaded') };
    }

    const record: RootCertificate = {
      fingerprint: root.fingerprint,
      subject: root.subject,
      notBefore: root.notBefore.toISOString(),
      notAfter: root.notAfter.toISOString(),
      filename,
      uploadedAt: now.toISOString(),
      der: Buffer.from(root.der).toString('base64'),
      objectKey: `pools/${clientPoolId}/roots/${root.fingerprint}.pem`,
    };
    try {
      // A put whose reply was lost may still have landed: clean up after it too.
      await this.deps.objects.put(record.objectKey, root.pem);
      const created = await this.deps.trustStore.putRoot(clientPoolId, record);
      return { created, body: response(created ? 'Certificate uploaded successfully' : 'Certificate already uploaded') };
    } catch (error) {
      await this.deps.objects.delete(record.objectKey).catch(() =>
        logger.error('could not remove certificate object after a failed record write', { clientPoolId, fingerprint: root.fingerprint }),
      );
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

  /** The object goes first: a failure leaves the root trusted and the request retryable, never a dangling record. */
  async remove(principal: Principal, clientPoolId: string, fingerprint: string): Promise<void> {
    requireAdmin(principal);
    await requirePool(this.deps.directory, clientPoolId);
    const normalised = fingerprint.toLowerCase();
    if (!FINGERPRINT.test(normalised)) throw new DomainError('invalid_fingerprint', 'fingerprint must be the 64 hex digits of the SHA-256 of the certificate DER');
    const root = await this.deps.trustStore.getRoot(clientPoolId, normalised);
    if (!root) throw new DomainError('certificate_not_found', `no root with fingerprint ${normalised} in pool ${clientPoolId}`);
    await this.deps.objects.delete(root.objectKey);
    await this.deps.trustStore.deleteRoot(clientPoolId, normalised);
  }

}

/** The name is only echoed and listed; keep it printable and bounded. */
function safeFilename(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[^\x20-\x7e]/g, '_').slice(0, FILENAME_MAX);
  return cleaned === '' ? 'certificate.pem' : cleaned;
}
