/**
 * Environment variable names understood by the Lambda functions. The CDK stack
 * sets them; the local runtime sets them before importing the handlers.
 */
export const ENV = {
  tableName: 'TABLE_NAME',
  bucketName: 'BUCKET_NAME',
  kmsKeyId: 'KMS_KEY_ID',
  /** ARN of the Secrets Manager secret holding the global admin API key (AWS). */
  adminKeySecretArn: 'ADMIN_API_KEY_SECRET_ARN',
  /** Local mode only: the admin key itself (never set by the CDK stack). */
  adminKeyPlain: 'IDP_ADMIN_API_KEY',
  /** e.g. https://abc.execute-api.eu-west-1.amazonaws.com/prod — issuer = {base}/pools/{clientPoolId} */
  issuerBaseUrl: 'ISSUER_BASE_URL',
  tokenTtlSeconds: 'TOKEN_TTL_SECONDS',
  /** Optional fixed `aud` for access tokens; default: the pool's issuer. */
  tokenAudience: 'TOKEN_AUDIENCE',
  /** Local mode only: path-style S3 addressing for the local store. */
  s3ForcePathStyle: 'S3_FORCE_PATH_STYLE',
} as const;
