/**
 * Environment variable names understood by the Lambda functions. The CDK stack
 * sets them; the local runtime sets them before importing the handlers.
 */
export const ENV = {
  tableName: 'TABLE_NAME',
  /** The runtime table: replay cache and provisioning state, the only table the token function writes (src/storage/keys.ts). */
  runtimeTableName: 'RUNTIME_TABLE_NAME',
  bucketName: 'BUCKET_NAME',
  kmsKeyId: 'KMS_KEY_ID',
  /** ARN of the Secrets Manager secret holding the global admin API key (AWS). */
  adminKeySecretArn: 'ADMIN_API_KEY_SECRET_ARN',
  /** Local mode only: the admin key itself (never set by the CDK stack). */
  adminKeyPlain: 'IDP_ADMIN_API_KEY',
  /** Local mode only, optional: the key IDP_ADMIN_API_KEY replaced, still accepted (README "Rotating the admin key"). */
  adminKeyPreviousPlain: 'IDP_ADMIN_API_KEY_PREVIOUS',
  /** e.g. https://abc.execute-api.eu-west-1.amazonaws.com/prod — issuer = {base}/pools/{clientPoolId} */
  issuerBaseUrl: 'ISSUER_BASE_URL',
  tokenTtlSeconds: 'TOKEN_TTL_SECONDS',
  /** Optional fixed `aud` for access tokens; default: the pool's issuer. */
  tokenAudience: 'TOKEN_AUDIENCE',
  /** Local mode only: path-style S3 addressing for the local store. */
  s3ForcePathStyle: 'S3_FORCE_PATH_STYLE',
  /** Admin function: the value of the `device-idp:stack` tag on this stack's pool signing keys (IAM conditions test it). */
  signingKeyStackTag: 'SIGNING_KEY_STACK_TAG',
  /** Admin function: KMS key spec of new pool signing keys (ECC_NIST_P256 or RSA_2048). */
  signingKeySpec: 'SIGNING_KEY_SPEC',
  /** Admin function: `alias/device-idp/<stack tag>`; a pool key's alias is `<prefix>/<poolId>/<n>`. */
  signingKeyAliasPrefix: 'SIGNING_KEY_ALIAS_PREFIX',
  /**
   * Token, admin and certificates functions, one value for all: milliseconds
   * a token decision may take from its read to its commit before it re-reads
   * the pool; changes that take trust away answer that long (+100 ms) after
   * their commit (src/storage/trust-decision-window.ts). Default 1000.
   */
  trustDecisionDeadlineMs: 'TRUST_DECISION_DEADLINE_MS',
  /** Every function, optional: the log level (src/observability.ts), `silent` for none; wins over POWERTOOLS_LOG_LEVEL. */
  logLevel: 'IDP_LOG_LEVEL',
} as const;

/** Tag keys on every pool signing key (docs/contract.md §4.6): the stack's IAM policies allow KMS use only on keys tagged for the stack. */
export const SIGNING_KEY_TAGS = {
  stack: 'device-idp:stack',
  pool: 'device-idp:pool',
} as const;

/** The alias prefix of a stack's pool signing keys. */
export const signingKeyAliasPrefix = (stackTag: string) => `alias/device-idp/${stackTag}`;

/** The event the stack's daily schedule sends the admin function: sweep retired pool signing keys. */
export const SIGNING_KEY_SWEEP_EVENT = { action: 'sweep-signing-keys' } as const;
