import type { KeySpec } from '@aws-sdk/client-kms';
import { ENV, signingKeyAliasPrefix } from './config-names';
import type { KmsSigningKeyVaultConfig } from './crypto/kms-signing-key-vault';
import { type TrustDecisionWindow, trustDecisionWindow } from './domain/trust-decision-window';

/**
 * The one place the functions read their configuration: each function's
 * handler calls its `…FunctionConfig()` once at module scope (cold start), so
 * a missing or invalid variable stops the function there with a
 * {@link ConfigurationError} naming it, never mid-request. The names are in
 * src/config-names.ts, set by the stack (lib/device-idp.ts) or the local
 * runtime (local/local-idp.ts); docs/deploy.md lists them per function.
 *
 * Not read here: the AWS SDK's own variables (AWS_REGION, credentials,
 * AWS_ENDPOINT_URL_<SERVICE>), which every AWS client reads itself, and the
 * Powertools variables (src/observability.ts). The admin-key rotation
 * function reads no variable of its own: Secrets Manager names the secret in
 * every event.
 */

/** Variable name → value, as `process.env`. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** A variable of the function's environment is missing or invalid; `variable` names it. */
export class ConfigurationError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigurationError';
  }
}

/** The global admin key: a Secrets Manager secret on AWS, the key itself in local mode. */
export type AdminKeyConfig =
  | { readonly source: 'secret'; readonly secretArn: string }
  | { readonly source: 'plain'; readonly current: string; readonly previous?: string };

/** Pool signing-key management: the admin function and the operator scripts (scripts/migrate-pool-keys.ts). */
export interface SigningKeyManagementConfig {
  /** TABLE_NAME: the configuration table. */
  readonly tableName: string;
  /** TRUST_DECISION_DEADLINE_MS, default 1000 (src/storage/trust-decision-window.ts). */
  readonly trustWindow: TrustDecisionWindow;
  /** SIGNING_KEY_STACK_TAG, SIGNING_KEY_SPEC, SIGNING_KEY_ALIAS_PREFIX, and KMS_KEY_ID (optional: the shared key of older pools). */
  readonly vault: KmsSigningKeyVaultConfig;
  /** TOKEN_TTL_SECONDS, default 3600: a rotated key signs only after one token lifetime. */
  readonly tokenLifetimeSeconds: number;
}

export interface AdminFunctionConfig extends SigningKeyManagementConfig {
  /** RUNTIME_TABLE_NAME: the runtime table (device provisioning state). */
  readonly runtimeTableName: string;
  /** ISSUER_BASE_URL without trailing slash: https, or http on 127.0.0.1/localhost. */
  readonly issuerBaseUrl: string;
  /** ADMIN_API_KEY_SECRET_ARN, or IDP_ADMIN_API_KEY (and optional IDP_ADMIN_API_KEY_PREVIOUS) in local mode. */
  readonly adminKey: AdminKeyConfig;
}

export interface CertificatesFunctionConfig {
  /** TABLE_NAME */
  readonly tableName: string;
  /** BUCKET_NAME: the bucket of uploaded root PEMs. */
  readonly bucketName: string;
  /** S3_FORCE_PATH_STYLE (`true` or `false`, default false): path-style addressing, for the local S3 store. */
  readonly s3ForcePathStyle: boolean;
  /** TRUST_DECISION_DEADLINE_MS, default 1000. */
  readonly trustWindow: TrustDecisionWindow;
  /** As {@link AdminFunctionConfig.adminKey}. */
  readonly adminKey: AdminKeyConfig;
}

export interface TokenFunctionConfig {
  /** TABLE_NAME */
  readonly tableName: string;
  /** RUNTIME_TABLE_NAME: replay cache and provisioning state, the only table this function writes. */
  readonly runtimeTableName: string;
  /** KMS_KEY_ID: ARN of the stack's shared signing key (pools created before per-pool keys; the health probe). */
  readonly sharedKeyArn: string;
  /** ISSUER_BASE_URL, as {@link AdminFunctionConfig.issuerBaseUrl}. */
  readonly issuerBaseUrl: string;
  /** TOKEN_TTL_SECONDS, default 3600. */
  readonly tokenLifetimeSeconds: number;
  /** TOKEN_AUDIENCE, optional: a fixed `aud` of every access token (default: the pool's issuer). */
  readonly tokenAudience?: string;
  /** TRUST_DECISION_DEADLINE_MS, default 1000. */
  readonly trustWindow: TrustDecisionWindow;
}

const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;
/** Default of TRUST_DECISION_DEADLINE_MS: far above a token request's read-to-commit time, short enough for an admin to wait. */
const DEFAULT_TRUST_DECISION_DEADLINE_MS = 1000;
/** The key specs the stack offers (lib/constructs/token-signing-key.ts). */
const KEY_SPECS: readonly KeySpec[] = ['ECC_NIST_P256', 'RSA_2048'];
/** Tag values may hold more, but the tag is also a path segment of every alias. */
const STACK_TAG = /^[A-Za-z0-9_-]{1,64}$/;

/** The token function's configuration. Throws {@link ConfigurationError}. */
export function tokenFunctionConfig(env: Environment = process.env): TokenFunctionConfig {
  return {
    tableName: required(env, ENV.tableName),
    runtimeTableName: required(env, ENV.runtimeTableName),
    sharedKeyArn: required(env, ENV.kmsKeyId),
    issuerBaseUrl: issuerBaseUrl(env),
    tokenLifetimeSeconds: positiveInteger(env, ENV.tokenTtlSeconds, DEFAULT_TOKEN_LIFETIME_SECONDS),
    tokenAudience: optional(env, ENV.tokenAudience),
    trustWindow: configuredTrustWindow(env),
  };
}

/** The admin function's configuration. Throws {@link ConfigurationError}. */
export function adminFunctionConfig(env: Environment = process.env): AdminFunctionConfig {
  return {
    ...signingKeyManagementConfig(env),
    runtimeTableName: required(env, ENV.runtimeTableName),
    issuerBaseUrl: issuerBaseUrl(env),
    adminKey: adminKeyConfig(env),
  };
}

/** The certificates function's configuration. Throws {@link ConfigurationError}. */
export function certificatesFunctionConfig(env: Environment = process.env): CertificatesFunctionConfig {
  return {
    tableName: required(env, ENV.tableName),
    bucketName: required(env, ENV.bucketName),
    s3ForcePathStyle: flag(env, ENV.s3ForcePathStyle),
    trustWindow: configuredTrustWindow(env),
    adminKey: adminKeyConfig(env),
  };
}

/** The part of the admin function's configuration that manages pool signing keys. Throws {@link ConfigurationError}. */
export function signingKeyManagementConfig(env: Environment = process.env): SigningKeyManagementConfig {
  const stackTag = required(env, ENV.signingKeyStackTag);
  if (!STACK_TAG.test(stackTag)) throw new ConfigurationError(ENV.signingKeyStackTag, `must match ${STACK_TAG.source}`);
  const keySpec = required(env, ENV.signingKeySpec) as KeySpec;
  if (!KEY_SPECS.includes(keySpec)) throw new ConfigurationError(ENV.signingKeySpec, `must be one of ${KEY_SPECS.join(', ')}`);
  const aliasPrefix = required(env, ENV.signingKeyAliasPrefix);
  // IAM allows CreateAlias under exactly this prefix; anything else would fail at the first rotation.
  if (aliasPrefix !== signingKeyAliasPrefix(stackTag)) throw new ConfigurationError(ENV.signingKeyAliasPrefix, `must be ${signingKeyAliasPrefix(stackTag)}`);
  return {
    tableName: required(env, ENV.tableName),
    trustWindow: configuredTrustWindow(env),
    vault: { stackTag, keySpec, aliasPrefix, legacyKeyArn: optional(env, ENV.kmsKeyId) },
    tokenLifetimeSeconds: positiveInteger(env, ENV.tokenTtlSeconds, DEFAULT_TOKEN_LIFETIME_SECONDS),
  };
}

/**
 * IDP_LOG_LEVEL as set (unset or blank: undefined). Read when
 * src/observability.ts creates the Logger, on the first import of any
 * function, which checks it against Powertools' levels.
 */
export function logLevelSetting(env: Environment = process.env): string | undefined {
  return optional(env, ENV.logLevel);
}

/** IDP_ADMIN_API_KEY (local mode) wins over ADMIN_API_KEY_SECRET_ARN; one of them is required. */
function adminKeyConfig(env: Environment): AdminKeyConfig {
  const current = optional(env, ENV.adminKeyPlain);
  if (current) return { source: 'plain', current, previous: optional(env, ENV.adminKeyPreviousPlain) };
  const secretArn = optional(env, ENV.adminKeySecretArn);
  if (!secretArn) throw new ConfigurationError(ENV.adminKeySecretArn, `is required (or ${ENV.adminKeyPlain} in local mode)`);
  return { source: 'secret', secretArn };
}

function issuerBaseUrl(env: Environment): string {
  const value = required(env, ENV.issuerBaseUrl);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(ENV.issuerBaseUrl, `must be an absolute URL, got ${value}`);
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !(loopback && url.protocol === 'http:')) {
    throw new ConfigurationError(ENV.issuerBaseUrl, 'must use https (http is allowed for 127.0.0.1/localhost only)');
  }
  return value.replace(/\/+$/, '');
}

function configuredTrustWindow(env: Environment): TrustDecisionWindow {
  return trustDecisionWindow(positiveInteger(env, ENV.trustDecisionDeadlineMs, DEFAULT_TRUST_DECISION_DEADLINE_MS));
}

function required(env: Environment, name: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new ConfigurationError(name, 'is required');
  return value;
}

/** Unset, empty and blank are all "not set". */
function optional(env: Environment, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

function positiveInteger(env: Environment, name: string, fallback: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value <= 0) throw new ConfigurationError(name, `must be a positive integer, got ${raw}`);
  return value;
}

function flag(env: Environment, name: string): boolean {
  const raw = optional(env, name);
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ConfigurationError(name, `must be true or false, got ${raw}`);
}
