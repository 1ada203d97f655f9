import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientDefaults } from './aws-client-defaults';
import { traced } from './observability';

/**
 * One module per SDK client a function may not need: an import of an
 * external package survives bundling, so a client imported here is loaded at
 * every cold start of every function that imports this file (KMS:
 * aws-kms-client.ts, S3: aws-s3-client.ts, Secrets Manager:
 * aws-secrets-client.ts).
 *
 * Endpoints come from the SDK's standard AWS_ENDPOINT_URL_<SERVICE> variables,
 * which the local runtime sets to its emulators. With tracing on, every call
 * of these clients is an X-Ray subsegment (src/observability.ts).
 */
export function documentClient(): DynamoDBDocumentClient {
  // The document client shares the base client's middleware stack, so tracing the base client traces both.
  return DynamoDBDocumentClient.from(traced(new DynamoDBClient(clientDefaults())), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
