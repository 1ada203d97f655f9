import type { AdminKeyConfig } from './config';
import { loadOnFirstUse } from './load-on-first-use';
import type { AdminKeySource } from './usecases/ports';

/**
 * The global admin keys: the keys themselves in local mode, else the Secrets
 * Manager secret's AWSCURRENT and AWSPREVIOUS (src/config.ts, AdminKeyConfig;
 * read by src/admin-key-secret.ts). The Secrets Manager client is loaded on
 * the first read: organisation API keys, most of the admin and certificate
 * functions' requests, are checked against DynamoDB alone, and the admin keys
 * once read are kept (src/usecases/authenticate.ts).
 */
export function adminKeySource(config: AdminKeyConfig): AdminKeySource {
  if (config.source === 'plain') {
    const { current, previous } = config;
    return async () => ({ current, previous });
  }
  const reader = loadOnFirstUse(async () => {
    const [{ secretsManagerClient }, { readAdminKeys }] = await Promise.all([import('./aws-secrets-client'), import('./admin-key-secret')]);
    const client = secretsManagerClient();
    return () => readAdminKeys(client, config.secretArn);
  });
  return async () => (await reader())();
}
