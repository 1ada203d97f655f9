import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readAdminKeys } from './admin-key-secret';
import { clientDefaults } from './aws-client-defaults';
import type { AdminKeyConfig } from './config';
import { traced } from './observability';
import type { AdminKeySource } from './usecases/ports';

export function secretsManagerClient(): SecretsManagerClient {
  return traced(new SecretsManagerClient(clientDefaults()));
}

/**
 * The global admin keys: the keys themselves in local mode, else the Secrets
 * Manager secret's AWSCURRENT and AWSPREVIOUS (src/config.ts, AdminKeyConfig).
 */
export function adminKeySource(config: AdminKeyConfig): AdminKeySource {
  if (config.source === 'plain') {
    const { current, previous } = config;
    return async () => ({ current, previous });
  }
  const client = secretsManagerClient();
  return () => readAdminKeys(client, config.secretArn);
}
