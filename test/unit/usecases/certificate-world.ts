import { createHash } from 'node:crypto';
import type { Principal } from '../../../src/usecases/authenticate';
import { CertificateService } from '../../../src/usecases/certificates';
import { InMemoryDirectory } from '../../support/in-memory/directory';
import { InMemoryObjectStore } from '../../support/in-memory/object-store';
import { InMemoryTrustStore } from '../../support/in-memory/trust-store';
import { TEST_NOW, type TestCertificate } from '../../support/pki';

export const ADMIN: Principal = { kind: 'admin' };
export const ACME_KEY: Principal = { kind: 'org', orgId: 'acme', keyId: 'k0123456789abcdef' };
export const POOL = 'pool-acme-prod';
export const OTHER_POOL = 'pool-acme-test';

export const fingerprintOf = (certificate: TestCertificate): string => createHash('sha256').update(certificate.der).digest('hex');
export const derOf = (certificate: TestCertificate): string => Buffer.from(certificate.der).toString('base64');
/** Where an upload of `certificate` to `pool` puts its PEM: one object per upload (docs/contract.md §3.1). */
export const objectKeyPattern = (certificate: TestCertificate, pool = POOL): RegExp =>
  new RegExp(`^pools/${pool}/roots/${fingerprintOf(certificate)}/[0-9a-f-]{36}\\.pem$`);

/**
 * A CertificateService over the in-memory pool directory (two pools of
 * acme), trust store and bucket, its clock at TEST_NOW + `at(ms)`.
 */
export function certificateWorld() {
  let now = TEST_NOW.getTime();
  const directory = new InMemoryDirectory();
  directory.seed(
    { orgId: 'acme', name: 'Acme', createdAt: '2030-01-01T00:00:00.000Z' },
    { envId: 'prod', name: 'Production', clientPoolId: POOL, createdAt: '2030-01-01T00:00:00.000Z' },
    { envId: 'test', name: 'Test', clientPoolId: OTHER_POOL, createdAt: '2030-01-01T00:00:00.000Z' },
  );
  const trustStore = new InMemoryTrustStore(directory);
  const objects = new InMemoryObjectStore();
  const service = new CertificateService({ directory, trustStore, objects, clock: () => new Date(now) });
  return {
    directory,
    trustStore,
    objects,
    service,
    /** Uploads a certificate's PEM, or a file's text or bytes, as the admin. */
    upload: (file: TestCertificate | string | Buffer, filename = 'root-ca.crt', pool = POOL) =>
      service.upload(ADMIN, pool, { filename, content: Buffer.isBuffer(file) ? file : Buffer.from(typeof file === 'string' ? file : file.pem) }),
    trustEpoch: (pool = POOL) => directory.pools.get(pool)?.trustEpoch,
    at: (offsetMs: number) => {
      now = TEST_NOW.getTime() + offsetMs;
    },
    iso: (offsetMs = 0) => new Date(TEST_NOW.getTime() + offsetMs).toISOString(),
  };
}
