import { CreateKeyCommand, DescribeKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { KmsSignerCache } from '../../../src/crypto/kms-signer-cache';
import { KmsSigningKeyVault } from '../../../src/crypto/kms-signing-key-vault';
import { PoolTokenSigner } from '../../../src/crypto/pool-token-signer';
import type { DocumentClient } from '../../../src/storage/document-client';
import { DynamoDirectoryRepository } from '../../../src/storage/dynamo-directory-repository';
import { DynamoSigningKeyRepository } from '../../../src/storage/dynamo-signing-key-repository';
import { SigningKeyService } from '../../../src/usecases/signing-keys';
import { createTestTable, testDocumentClient, testTableClient } from '../../support/emulators';
import { TEST_TRUST_WINDOW } from '../../support/trust-window';
import { type LocalKms, startLocalKms } from '../kms/local-kms';

export const STACK_TAG = 'it-stack';

/**
 * The signing-key components as the admin and token functions wire them,
 * against DynamoDB Local (a fresh table) and a fresh local KMS endpoint,
 * sharing one injected clock: SigningKeyService (rotation, sweep),
 * PoolTokenSigner (signing, JWKS), and the stack's shared legacy key.
 */
export interface SigningKeyWorld {
  kms: LocalKms;
  /** The SDK's document client: seeds and reads the table back, independently of the adapters' client. */
  client: DynamoDBDocument;
  /** The functions' client (src/aws-json/dynamodb-document-client.ts), which every adapter here is given. */
  tableClient: DocumentClient;
  tableName: string;
  directory: DynamoDirectoryRepository;
  keyList: DynamoSigningKeyRepository;
  vault: KmsSigningKeyVault;
  service: SigningKeyService;
  signer: PoolTokenSigner;
  legacyKeyArn: string;
  lifetimeSeconds: number;
  now(): number;
  setNow(ms: number): void;
  keyState(keyArn: string): Promise<string | undefined>;
  stop(): Promise<void>;
}

export async function startSigningKeyWorld(options: { lifetimeSeconds: number; start: number }): Promise<SigningKeyWorld> {
  const kms = await startLocalKms();
  const tableName = await createTestTable();
  const client = testDocumentClient();
  const tableClient = testTableClient();
  const legacy = await kms.kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', Description: 'shared legacy key' }));
  const legacyKeyArn = legacy.KeyMetadata!.Arn!;
  let now = options.start;
  const clock = () => new Date(now);
  const directory = new DynamoDirectoryRepository(tableClient, tableName, TEST_TRUST_WINDOW);
  const keyList = new DynamoSigningKeyRepository(tableClient, tableName);
  const vault = new KmsSigningKeyVault(kms.kms, { stackTag: STACK_TAG, keySpec: 'ECC_NIST_P256', aliasPrefix: `alias/device-idp/${STACK_TAG}`, legacyKeyArn });
  return {
    kms,
    client,
    tableClient,
    tableName,
    directory,
    keyList,
    vault,
    service: new SigningKeyService({ directory, keyList, vault, tokenLifetimeSeconds: options.lifetimeSeconds, clock }),
    signer: new PoolTokenSigner({ signers: new KmsSignerCache(kms.kms), legacyKeyArn, tokenLifetimeSeconds: options.lifetimeSeconds, clock }),
    legacyKeyArn,
    lifetimeSeconds: options.lifetimeSeconds,
    now: () => now,
    setNow: (ms) => {
      now = ms;
    },
    keyState: (keyArn) => keyStateOf(kms.kms, keyArn),
    stop: () => kms.stop(),
  };
}

async function keyStateOf(kms: KMSClient, keyArn: string): Promise<string | undefined> {
  return (await kms.send(new DescribeKeyCommand({ KeyId: keyArn }))).KeyMetadata?.KeyState;
}
