import { DynamoDbDocumentClient } from './aws-json/dynamodb-document-client';
import { awsCallTracer } from './observability';
import type { DocumentClient } from './storage/document-client';

/**
 * The DynamoDB client of every function: src/aws-json/dynamodb-document-client.ts,
 * the AWS SDK's signer, HTTP handler, retry strategy and marshalling without
 * its client runtime (what loading `@aws-sdk/client-dynamodb` cost at every
 * cold start: README "Benchmark", `<function>_init_ms`), with the attempts
 * and timeouts of src/aws-client-defaults.ts.
 *
 * The endpoint comes from the SDK's standard AWS_ENDPOINT_URL_DYNAMODB
 * variable, which the local runtime sets to its emulator, else the region's
 * (src/aws-json/endpoints.ts). With tracing on, every call is an X-Ray
 * subsegment (src/observability.ts, awsCallTracer).
 *
 * The SDK clients a function may not need have a module each, so that a
 * function that does not import one does not load it (KMS for keys:
 * aws-kms-client.ts, S3: aws-s3-client.ts, Secrets Manager:
 * aws-secrets-client.ts); the token function signs with
 * src/aws-json/kms-signing-client.ts.
 */
export function documentClient(): DocumentClient {
  return new DynamoDbDocumentClient({ trace: awsCallTracer('DynamoDB') });
}
