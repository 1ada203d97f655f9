import { documentClient, kmsClient } from '../../src/aws-clients';
import { ENV } from '../../src/config-names';
import { issuerBaseUrl, positiveIntegerEnv, requireEnv } from '../../src/config';
import { KmsJwtSigner } from '../../src/crypto/kms-signer';
import { callDependency } from '../../src/errors';
import { DynamoDeviceRepository } from '../../src/storage/dynamo-device-repository';
import { DynamoDirectoryRepository } from '../../src/storage/dynamo-directory-repository';
import { DynamoIssuanceLedger } from '../../src/storage/dynamo-issuance-ledger';
import { DynamoRevocationRepository } from '../../src/storage/dynamo-revocation-repository';
import { DynamoTrustStoreRepository } from '../../src/storage/dynamo-trust-store-repository';
import { IssueToken } from '../../src/usecases/issue-token';
import { PoolDiscovery } from '../../src/usecases/pool-discovery';
import { createTokenHandler } from './app';

const client = documentClient();
const tableName = requireEnv(ENV.tableName);
const baseUrl = issuerBaseUrl();
const directory = new DynamoDirectoryRepository(client, tableName);
const kmsSigner = new KmsJwtSigner(kmsClient(), requireEnv(ENV.kmsKeyId));
// Any KMS failure, including an unusable answer, is a dependency outage: 503, no token.
const signer = {
  sign: (header: Record<string, unknown>, payload: Record<string, unknown>) => callDependency('kms', () => kmsSigner.sign(header, payload)),
  jwks: () => callDependency('kms', () => kmsSigner.jwks()),
};

export const handler = createTokenHandler({
  issueToken: new IssueToken({
    directory,
    trustStore: new DynamoTrustStoreRepository(client, tableName),
    revocations: new DynamoRevocationRepository(client, tableName),
    devices: new DynamoDeviceRepository(client, tableName),
    ledger: new DynamoIssuanceLedger(client, tableName),
    signer,
    issuerBaseUrl: baseUrl,
    tokenLifetimeSeconds: positiveIntegerEnv(ENV.tokenTtlSeconds, 3600),
    tokenAudience: process.env[ENV.tokenAudience] || undefined,
    clock: () => new Date(),
  }),
  discovery: new PoolDiscovery({ directory, keys: signer, issuerBaseUrl: baseUrl }),
});

