import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clientDefaults } from './aws-client-defaults';
import { traced } from './observability';

/** The Secrets Manager client of the rotation function, and of the admin-key source on its first read (src/admin-key-source.ts). */
export function secretsManagerClient(): SecretsManagerClient {
  return traced(new SecretsManagerClient(clientDefaults()));
}
