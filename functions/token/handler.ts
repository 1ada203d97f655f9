import { documentClient } from '../../src/aws-clients';
import { KmsSigningClient } from '../../src/aws-json/kms-signing-client';
import { tokenFunctionConfig } from '../../src/config';
import { KmsSignerCache } from '../../src/crypto/kms-signer-cache';
import { PoolTokenSigner } from '../../src/crypto/pool-token-signer';
import type { Pool } from '../../src/domain/model';
import { callDependency } from '../../src/errors';
import { awsCallTracer } from '../../src/observability';
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

const config = tokenFunctionConfig();
const client = documentClient();
const kms = new KmsSigningClient({ trace: awsCallTracer('KMS') });
// trustWindow: one for every function of the deployment (src/storage/trust-decision-window.ts).
const { tableName, trustWindow, issuerBaseUrl, tokenLifetimeSeconds } = config;
const tables = { config: tableName, runtime: config.runtimeTableName };
const directory = new DynamoDirectoryRepository(client, tableName, trustWindow);
// Each pool signs with its own key (docs/contract.md §4.6); the shared key (KMS_KEY_ID) signs for pools created before that.
const poolSigner = new PoolTokenSigner({
  signers: new KmsSignerCache(kms),
  legacyKeyArn: config.sharedKeyArn,
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
    issuerBaseUrl,
    tokenLifetimeSeconds,
    tokenAudience: config.tokenAudience,
    clock: () => new Date(),
  }),
  discovery: new PoolDiscovery({ directory, keys: signer, issuerBaseUrl }),
  // Reads the token role may already make (a POOL# partition; the shared key), nothing more.
  health: new CheckHealth({
    probes: {
      dynamodb: (abortSignal) => client.get({ TableName: tableName, Key: HEALTH_PROBE_KEY }, { abortSignal }),
      kms: (abortSignal) => kms.describeKey({ KeyId: config.sharedKeyArn }, { abortSignal }),
    },
  }),
});
