import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readAdminKeys } from './admin-key-secret';
import { AWS_CLIENT_DEFAULTS } from './aws-client-defaults';
import { ENV } from './config-names';
import { traced } from './observability';
import type { AdminKeySource } from './usecases/authenticate';

/**
 * Endpoints come from the SDK's standard AWS_ENDPOINT_URL_<SERVICE> variables,
 * which the local runtime sets to its emulators. With tracing on, every call
 * of these clients is an X-Ray subsegment (src/observability.ts).
 */
const clientDefaults = () => ({ ...AWS_CLIENT_DEFAULTS, requestHandler: { ...AWS_CLIENT_DEFAULTS.requestHandler } });

export function documentClient(): DynamoDBDocumentClient {
  // The document client shares the base client's middleware stack, so tracing the base client traces both.
  return DynamoDBDocumentClient.from(traced(new DynamoDBClient(clientDefaults())), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export function s3Client(): S3Client {
  return traced(
    new S3Client({
      ...clientDefaults(),
      forcePathStyle: process.env[ENV.s3ForcePathStyle] === 'true',
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  );
}

export function kmsClient(): KMSClient {
  return traced(new KMSClient(clientDefaults()));
}

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
