import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readAdminKeys } from './admin-key-secret';
import { clientDefaults } from './aws-clients';
import { ENV } from './config-names';
import { traced } from './observability';
import type { AdminKeySource } from './usecases/authenticate';

export function secretsManagerClient(): SecretsManagerClient {
  return traced(new SecretsManagerClient(clientDefaults()));
}

/**
 * The global admin keys: IDP_ADMIN_API_KEY (and IDP_ADMIN_API_KEY_PREVIOUS)
 * in local mode, else the Secrets Manager secret's AWSCURRENT and AWSPREVIOUS.
 */
export function adminKeySource(): AdminKeySource {
  const plain = process.env[ENV.adminKeyPlain];
  if (plain) {
    const previous = process.env[ENV.adminKeyPreviousPlain] || undefined;
    return async () => ({ current: plain, previous });
  }
  const secretArn = process.env[ENV.adminKeySecretArn];
  if (!secretArn) throw new Error(`set ${ENV.adminKeySecretArn} (or ${ENV.adminKeyPlain} in local mode)`);
  const client = secretsManagerClient();
  return () => readAdminKeys(client, secretArn);
}
