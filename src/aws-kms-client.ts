import { KMSClient } from '@aws-sdk/client-kms';
import { clientDefaults } from './aws-client-defaults';
import { traced } from './observability';

/** The KMS client of the token function (Sign, GetPublicKey) and the admin function (pool signing keys); see aws-clients.ts. */
export function kmsClient(): KMSClient {
  return traced(new KMSClient(clientDefaults()));
}
