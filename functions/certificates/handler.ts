import { documentClient } from '../../src/aws-clients';
import { adminAccess } from '../../src/composition';
import { certificatesFunctionConfig } from '../../src/config';
import { loadOnFirstUse } from '../../src/load-on-first-use';
import { DynamoRevocationRepository } from '../../src/storage/dynamo-revocation-repository';
import { DynamoTrustStoreRepository } from '../../src/storage/dynamo-trust-store-repository';
import { CertificateService } from '../../src/usecases/certificates';
import { RevocationService } from '../../src/usecases/revocations';
import { createCertificateHandler } from './app';

const config = certificatesFunctionConfig();
const client = documentClient();
const { directory, authenticator } = adminAccess(client, config);
// One window for every function of the deployment (src/storage/trust-decision-window.ts).
const { tableName, trustWindow } = config;
const trustStore = new DynamoTrustStoreRepository(client, tableName, trustWindow);
const clock = () => new Date();
// Only root uploads and deletions write the bucket: the S3 client, the largest part of the SDK a function
// loads, is loaded by the first of them rather than at every cold start (README "Benchmark").
const objectStore = loadOnFirstUse(async () => {
  const [{ s3Client }, { S3CertificateObjectStore }] = await Promise.all([
    import('../../src/aws-s3-client'),
    import('../../src/storage/s3-certificate-object-store'),
  ]);
  return new S3CertificateObjectStore(s3Client(config), config.bucketName);
});

export const handler = createCertificateHandler({
  authenticator,
  certificates: new CertificateService({
    directory,
    trustStore,
    objects: {
      put: async (objectKey, pem) => (await objectStore()).put(objectKey, pem),
      delete: async (objectKey) => (await objectStore()).delete(objectKey),
    },
    clock,
  }),
  revocations: new RevocationService({ directory, trustStore, revocations: new DynamoRevocationRepository(client, tableName, trustWindow), clock }),
});
