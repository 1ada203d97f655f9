import { KMS } from '@aws-sdk/client-kms';
import { clientDefaults } from './aws-client-defaults';
import { traced } from './observability';

/**
 * The admin function's KMS client (pool signing keys: CreateKey,
 * GetPublicKey, CreateAlias, DescribeKey, ScheduleKeyDeletion), loaded on
 * first use (src/signing-key-composition.ts); the aggregated client, whose
 * methods are those of KmsSigningApi. The token function signs with
 * src/aws-json/kms-signing-client.ts.
 */
export function kmsClient(): KMS {
  return traced(new KMS(clientDefaults()));
}
