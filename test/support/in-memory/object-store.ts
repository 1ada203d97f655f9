import type { CertificateObjectStore } from '../../../src/usecases/ports';
import { CallLog } from './call-log';

type ObjectStoreMethod = keyof CertificateObjectStore;

/** The certificates bucket in memory: S3 semantics for what the use case relies on (a put overwrites, a delete of a missing key succeeds). */
export class InMemoryObjectStore implements CertificateObjectStore {
  /** object key → PEM. */
  readonly objects = new Map<string, string>();
  readonly log = new CallLog<ObjectStoreMethod>();

  async put(objectKey: string, pem: string): Promise<void> {
    await this.log.enter('put', objectKey, pem);
    this.objects.set(objectKey, pem);
  }

  async delete(objectKey: string): Promise<void> {
    await this.log.enter('delete', objectKey);
    this.objects.delete(objectKey);
  }
}
