import { documentClient, s3Client } from '../../src/aws-clients';
import { adminAccess } from '../../src/composition';
import { ENV } from '../../src/config-names';
import { requireEnv } from '../../src/config';
import { DynamoTrustStoreRepository } from '../../src/storage/dynamo-trust-store-repository';
import { S3CertificateObjectStore } from '../../src/storage/s3-certificate-object-store';
import { CertificateService } from '../../src/usecases/certificates';
import { createCertificateHandler } from './app';

const client = documentClient();
const { tableName, directory, authenticator } = adminAccess(client);

export const handler = createCertificateHandler({
  authenticator,
  certificates: new CertificateService({
    directory,
    trustStore: new DynamoTrustStoreRepository(client, tableName),
    objects: new S3CertificateObjectStore(s3Client(), requireEnv(ENV.bucketName)),
    clock: () => new Date(),
  }),
});
