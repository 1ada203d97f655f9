import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { AWS_CLIENT_DEFAULTS } from './aws-client-defaults';
import { ENV } from './config-names';
import { DependencyError } from './errors';

/**
 * Endpoints come from the SDK's standard AWS_ENDPOINT_URL_<SERVICE> variables,
 * which the local runtime sets to its emulators.
 */
const clientDefaults = () => ({ ...AWS_CLIENT_DEFAULTS, requestHandler: { ...AWS_CLIENT_DEFAULTS.requestHandler } });

export function documentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(clientDefaults()), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export function s3Client(): S3Client {
  return new S3Client({
    ...clientDefaults(),
    forcePathStyle: process.env[ENV.s3ForcePathStyle] === 'true',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export function kmsClient(): KMSClient {
  return new KMSClient(clientDefaults());
}

/** The global admin key: IDP_ADMIN_API_KEY in local mode, else the Secrets Manager secret. */
export function adminKeySource(): () => Promise<string> {
  const plain = process.env[ENV.adminKeyPlain];
  if (plain) return async () => plain;
  const secretArn = process.env[ENV.adminKeySecretArn];
  if (!secretArn) throw new Error(`set ${ENV.adminKeySecretArn} (or ${ENV.adminKeyPlain} in local mode)`);
  const client = new SecretsManagerClient(clientDefaults());
  return async () => {
    try {
      const secret = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
      if (!secret.SecretString) throw new Error('admin API key secret is empty');
      return secret.SecretString;
    } catch (error) {
      throw new DependencyError('secrets', error);
    }
  };
}
