import { Duration, Stack, Token } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV } from '../src/config-names';
import { ROUTES } from '../src/http/routes';
import { AdminApiKey } from './constructs/admin-api-key';
import { CertificateBucket } from './constructs/certificate-bucket';
import { DeviceTable } from './constructs/device-table';
import { IdpApi, type ThrottlingProps } from './constructs/idp-api';
import { IdpFunction } from './constructs/idp-function';
import { validObservability } from './constructs/observability';
import { PoolSigningKeys } from './constructs/pool-signing-keys';
import { grantAdminRuntimeAccess, grantTokenTableAccess } from './constructs/table-access';
import { TokenSigningKey } from './constructs/token-signing-key';
import type { DeviceIdpProps } from './device-idp-props';

export type { DeviceIdpProps } from './device-idp-props';

const MIN_TOKEN_LIFETIME = Duration.minutes(1);
const MAX_TOKEN_LIFETIME = Duration.hours(24);
const STAGE_NAME = /^[A-Za-z0-9_]{1,128}$/;
const stacksWithIdp = new WeakSet<Stack>();

/**
 * The whole device identity provider as one construct (README
 * "Architecture"): two tables, the certificate bucket and its access-log
 * bucket, the shared and per-pool signing keys, the admin key secret and its
 * rotation, the REST API and its three functions, each function with only the
 * rights docs/contract.md §6 gives it.
 *
 * One per stack: the stack name tags its pool signing keys and names their
 * aliases (lib/constructs/pool-signing-keys.ts), so two in one stack would
 * share keys. Props are checked at synth time and throw on a bad value.
 */
export class DeviceIdp extends Construct {
  /** Invoke URL of the API stage (`https://{id}.execute-api.{region}.amazonaws.com/{stage}/`). */
  readonly apiUrl: string;
  /** A pool's issuer is `{issuerBaseUrl}/pools/{clientPoolId}`: the custom domain's URL, or the stage URL without its `/`. */
  readonly issuerBaseUrl: string;
  readonly restApi: RestApi;
  readonly api: IdpApi;
  /** Configuration: organisations, environments, pools, trust lists, devices, bindings, API-key hashes (src/storage/keys.ts). */
  readonly table: Table;
  /** Replay cache and provisioning state, the only table the token function writes. */
  readonly runtimeTable: Table;
  /** Uploaded root CAs (PEM copies; the trust list itself is in `table`). */
  readonly certificateBucket: Bucket;
  /** S3 server access logs of `certificateBucket`. */
  readonly accessLogBucket: Bucket;
  /** The shared signing key of pools created before per-pool keys. */
  readonly signingKey: Key;
  readonly poolSigningKeys: PoolSigningKeys;
  /** The global admin API key; read it with `aws secretsmanager get-secret-value`. */
  readonly adminApiKeySecret: ISecret;
  readonly adminFunction: IdpFunction;
  readonly certificatesFunction: IdpFunction;
  readonly tokenFunction: IdpFunction;
  readonly adminKeyRotationFunction: IdpFunction;

  constructor(scope: Construct, id: string, props: DeviceIdpProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    if (stacksWithIdp.has(stack)) throw new Error(`stack ${stack.stackName} already has a DeviceIdp: one per stack (its name tags the pool signing keys)`);
    stacksWithIdp.add(stack);
    const tokenTtlSeconds = validTokenLifetime(props.tokenLifetime ?? Duration.hours(1));
    const throttling = validThrottling(props.throttling ?? { rateLimit: 100, burstLimit: 200 });
    const stageName = props.stageName ?? 'prod';
    if (!STAGE_NAME.test(stageName)) throw new Error(`stageName must match [A-Za-z0-9_]+, got ${stageName}`);
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const tracing = props.tracing ?? false;
    const observability = validObservability({
      tracing,
      serviceName: props.serviceName ?? 'device-idp',
      metricsNamespace: props.metricsNamespace ?? 'DeviceIdp',
    });
    const common = { logRetention, observability };

    this.table = new DeviceTable(this, 'Data', { removalPolicy: props.dataRemovalPolicy }).table;
    this.runtimeTable = new DeviceTable(this, 'Runtime', { removalPolicy: props.dataRemovalPolicy }).table;
    const certificates = new CertificateBucket(this, 'Certificates', {
      removalPolicy: props.dataRemovalPolicy,
      accessLogRetention: props.bucketAccessLogRetention,
    });
    this.certificateBucket = certificates.bucket;
    this.accessLogBucket = certificates.accessLogBucket;
    const signingKey = new TokenSigningKey(this, 'TokenSigning', { keySpec: props.signingKeySpec, removalPolicy: props.dataRemovalPolicy });
    this.signingKey = signingKey.key;
    // docs/contract.md §4.6: each pool gets its own key at runtime; the key above stays as the shared key of older pools.
    this.poolSigningKeys = new PoolSigningKeys(this, 'PoolSigningKeys', { keySpec: props.signingKeySpec ?? 'ECC_NIST_P256', legacyKey: signingKey.key });
    const adminKey = new AdminApiKey(this, 'AdminApiKey', { ...common, rotateAfter: props.adminKeyRotation, secretName: props.adminKeySecretName });
    this.adminApiKeySecret = adminKey.secret;
    this.adminKeyRotationFunction = adminKey.rotationFunction;
    this.api = new IdpApi(this, 'Api', {
      stageName,
      throttling,
      customDomain: props.customDomain,
      accessLogs: props.accessLogs ?? true,
      cloudWatchRole: props.cloudWatchRole ?? false,
      webAclArn: props.webAclArn,
      logRetention,
      tracing,
    });
    this.restApi = this.api.restApi;
    this.apiUrl = this.restApi.url;
    this.issuerBaseUrl = this.api.issuerBaseUrl;
    const { table, runtimeTable } = this;
    const secretArn = this.adminApiKeySecret.secretArn;

    this.certificatesFunction = new IdpFunction(this, 'CertificatesFunction', {
      ...common,
      name: 'certificates',
      description: 'Root CA certificate upload, list and delete',
      memorySize: 512,
      // API Gateway's integration limit: a 2 MiB CRL writes ~4,000 write units of buckets into one partition,
      // which DynamoDB may throttle to ~1,000 per second (src/storage/crl-buckets.ts).
      timeout: Duration.seconds(29),
      environment: { [ENV.tableName]: table.tableName, [ENV.bucketName]: this.certificateBucket.bucketName, [ENV.adminKeySecretArn]: secretArn },
    });
    certificates.grantRootObjectWrites(this.certificatesFunction.role);
    table.grantReadWriteData(this.certificatesFunction.function);
    this.adminApiKeySecret.grantRead(this.certificatesFunction.function);

    this.adminFunction = new IdpFunction(this, 'AdminFunction', {
      ...common,
      name: 'admin',
      description: 'Organisations, environments, API keys, devices and app bindings',
      environment: {
        [ENV.tableName]: table.tableName,
        [ENV.runtimeTableName]: runtimeTable.tableName,
        [ENV.adminKeySecretArn]: secretArn,
        [ENV.issuerBaseUrl]: this.issuerBaseUrl,
        // Pool signing keys: created, rotated and swept here; a key stays published for one token lifetime after its successor activates.
        ...this.poolSigningKeys.adminEnvironment,
        [ENV.kmsKeyId]: this.signingKey.keyArn,
        [ENV.tokenTtlSeconds]: String(tokenTtlSeconds),
      },
    });
    this.poolSigningKeys.grantManagement(this.adminFunction.role);
    this.poolSigningKeys.scheduleSweep(this.adminFunction.function);
    table.grantReadWriteData(this.adminFunction.function);
    grantAdminRuntimeAccess(this.adminFunction.function, runtimeTable);
    this.adminApiKeySecret.grantRead(this.adminFunction.function);

    this.tokenFunction = new IdpFunction(this, 'TokenFunction', {
      ...common,
      name: 'token',
      description: 'Token endpoint (RFC 7523 JWT-bearer), JWKS and metadata',
      memorySize: 512,
      environment: {
        [ENV.tableName]: table.tableName,
        [ENV.runtimeTableName]: runtimeTable.tableName,
        [ENV.kmsKeyId]: this.signingKey.keyArn,
        [ENV.issuerBaseUrl]: this.issuerBaseUrl,
        [ENV.tokenTtlSeconds]: String(tokenTtlSeconds),
        ...(props.tokenAudience ? { [ENV.tokenAudience]: props.tokenAudience } : {}),
      },
    });
    // Reads pool configuration only; writes only the runtime table (lib/constructs/table-access.ts).
    grantTokenTableAccess(this.tokenFunction.function, { config: table, runtime: runtimeTable });
    signingKey.grantSigning(this.tokenFunction.function);
    this.poolSigningKeys.grantSigning(this.tokenFunction.role);

    this.api.addRoutes(ROUTES, { admin: this.adminFunction.function, certificates: this.certificatesFunction.function, token: this.tokenFunction.function });
  }
}

function validTokenLifetime(lifetime: Duration): number {
  const seconds = lifetime.toSeconds();
  if (Token.isUnresolved(seconds)) throw new Error('tokenLifetime must be a concrete duration');
  if (seconds < MIN_TOKEN_LIFETIME.toSeconds() || seconds > MAX_TOKEN_LIFETIME.toSeconds()) {
    throw new Error(`tokenLifetime must be between 1 minute and 24 hours, got ${seconds} s`);
  }
  return seconds;
}

function validThrottling(throttling: ThrottlingProps): ThrottlingProps {
  const { rateLimit, burstLimit } = throttling;
  if (!(rateLimit > 0) || !Number.isInteger(burstLimit) || burstLimit <= 0) {
    throw new Error(`throttling needs a positive rateLimit and a positive integer burstLimit, got ${rateLimit}/${burstLimit}`);
  }
  return throttling;
}
