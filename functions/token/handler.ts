import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, kmsClient } from '../../src/aws-clients';
import { configuredTrustDecisionWindow, issuerBaseUrl, positiveIntegerEnv, requireEnv } from '../../src/config';
import { ENV } from '../../src/config-names';
import { KmsSignerCache } from '../../src/crypto/kms-signer-cache';
import { PoolTokenSigner } from '../../src/crypto/pool-token-signer';
import type { Pool } from '../../src/domain/model';
import { callDependency } from '../../src/errors';
import { DynamoDirectoryRepository } from '../../src/storage/dynamo-directory-repository';
import { DynamoIssuanceLedger } from '../../src/storage/dynamo-issuance-ledger';
import { DynamoRevocationRepository } from '../../src/storage/dynamo-revocation-repository';
import { DynamoTokenDecisionReader } from '../../src/storage/dynamo-token-decision-reader';
import { CheckHealth } from '../../src/usecases/check-health';
import { IssueToken } from '../../src/usecases/issue-token';
import { PoolDiscovery } from '../../src/usecases/pool-discovery';
import { createTokenHandler } from './app';

/** No pool has this id (ids are generated), so the health probe reads nothing. */
const HEALTH_PROBE_KEY = { pk: 'POOL#health-probe', sk: 'POOL' };

const client = documentClient();
const kms = kmsClient();
const tableName = requireEnv(ENV.tableName);
// One window for every function of the deployment (src/storage/trust-decision-window.ts).
const trustWindow = configuredTrustDecisionWindow();
const tables = { config: tableName, runtime: requireEnv(ENV.runtimeTableName) };
const baseUrl = issuerBaseUrl();
const directory = new DynamoDirectoryRepository(client, tableName, trustWindow);
const tokenLifetimeSeconds = positiveIntegerEnv(ENV.tokenTtlSeconds, 3600);
// Each pool signs with its own key (docs/contract.md §4.6); KMS_KEY_ID is the shared key of pools created before that.
const poolSigner = new PoolTokenSigner({
  signers: new KmsSignerCache(kms),
  legacyKeyArn: requireEnv(ENV.kmsKeyId),
  tokenLifetimeSeconds,
  clock: () => new Date(),
});
// Any KMS failure, including an unusable answer, is a dependency outage: 503, no token.
const signer = {
  sign: (pool: Pool, header: Record<string, unknown>, payload: Record<string, unknown>) => callDependency('kms', () => poolSigner.sign(pool, header, payload)),
  jwks: (pool: Pool) => callDependency('kms', () => poolSigner.jwks(pool)),
};

export const handler = createTokenHandler({
  issueToken: new IssueToken({
    reader: new DynamoTokenDecisionReader(client, tables),
    revocations: new DynamoRevocationRepository(client, tableName, trustWindow),
    ledger: new DynamoIssuanceLedger(client, tables),
    signer,
    trustWindow,
    issuerBaseUrl: baseUrl,
    tokenLifetimeSeconds,
    tokenAudience: process.env[ENV.tokenAudience] || undefined,
    clock: () => new Date(),
  }),
  discovery: new PoolDiscovery({ directory, keys: signer, issuerBaseUrl: baseUrl }),
  // Reads the token role may already make (a POOL# partition; the shared key), nothing more.
  health: new CheckHealth({
    probes: {
      dynamodb: (abortSignal) => client.send(new GetCommand({ TableName: tableName, Key: HEALTH_PROBE_KEY }), { abortSignal }),
      kms: (abortSignal) => kms.send(new DescribeKeyCommand({ KeyId: requireEnv(ENV.kmsKeyId) }), { abortSignal }),
    },
  }),
});
