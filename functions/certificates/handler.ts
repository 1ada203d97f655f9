import { documentClient } from '../../src/aws-clients';
import { s3Client } from '../../src/aws-s3-client';
import { adminAccess } from '../../src/composition';
import { configuredTrustDecisionWindow, requireEnv } from '../../src/config';
import { ENV } from '../../src/config-names';
import { DynamoRevocationRepository } from '../../src/storage/dynamo-revocation-repository';
import { DynamoTrustStoreRepository } from '../../src/storage/dynamo-trust-store-repository';
import { S3CertificateObjectStore } from '../../src/storage/s3-certificate-object-store';
import { CertificateService } from '../../src/usecases/certificates';
import { RevocationService } from '../../src/usecases/revocations';
import { createCertificateHandler } from './app';

const client = documentClient();
const { tableName, directory, authenticator } = adminAccess(client);
// One window for every function of the deployment (src/storage/trust-decision-window.ts).
const trustWindow = configuredTrustDecisionWindow();
const trustStore = new DynamoTrustStoreRepository(client, tableName, trustWindow);
const clock = () => new Date();

export const handler = createCertificateHandler({
  authenticator,
  certificates: new CertificateService({
    directory,
    trustStore,
    objects: new S3CertificateObjectStore(s3Client(), requireEnv(ENV.bucketName)),
    clock,
  }),
  revocations: new RevocationService({ directory, trustStore, revocations: new DynamoRevocationRepository(client, tableName, trustWindow), clock }),
});
