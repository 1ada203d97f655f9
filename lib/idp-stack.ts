import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps, Token } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '../src/config-names';
import { AdminApiKey } from './constructs/admin-api-key';
import { ROUTES } from '../src/http/routes';
import { CertificateBucket } from './constructs/certificate-bucket';
import { DeviceTable } from './constructs/device-table';
import { grantAdminRuntimeAccess, grantTokenTableAccess } from './constructs/table-access';
import { IdpApi, CustomDomainProps, ThrottlingProps } from './constructs/idp-api';
import { IdpFunction } from './constructs/idp-function';
import { PoolSigningKeys } from './constructs/pool-signing-keys';
import { SigningKeySpec, TokenSigningKey } from './constructs/token-signing-key';

/** What a platform team sets when deploying the IDP (SPEC §7). */
export interface DeviceIdpStackProps extends StackProps {
  /** Access-token lifetime (`exp - iat`). Default 1 hour; 1 minute to 24 hours. */
  readonly tokenLifetime?: Duration;
  /** Default ECC_NIST_P256 (ES256); RSA_2048 issues RS256 tokens. */
  readonly signingKeySpec?: SigningKeySpec;
  /** Fixed `aud` for access tokens. Default: the pool's issuer URL. */
  readonly tokenAudience?: string;
  /** Serve the API (and the issuers) from this domain instead of execute-api. */
  readonly customDomain?: CustomDomainProps;
  /** Retention of the functions' (and access) logs. Default one month. */
  readonly logRetention?: RetentionDays;
  /** Stage-wide API Gateway throttling. Default 100 requests/s, burst 200. */
  readonly throttling?: ThrottlingProps;
  /** API Gateway stage, part of the default issuer URL. Default `prod`. */
  readonly stageName?: string;
  /** API Gateway access logs (needs the account's API Gateway CloudWatch role). Default off. */
  readonly accessLogs?: boolean;
  /** X-Ray tracing for the API stage and the functions. Default off. */
  readonly tracing?: boolean;
  /** Table, certificate bucket and signing key. Default RETAIN. */
  readonly dataRemovalPolicy?: RemovalPolicy;
  /**
   * Time between scheduled rotations of the global admin API key. Default 30
   * days; 4 hours to 1000 days, or `Duration.days(0)` for no schedule (README
   * "Rotating the admin key").
   */
  readonly adminKeyRotation?: Duration;
}

const MIN_TOKEN_LIFETIME = Duration.minutes(1);
const MAX_TOKEN_LIFETIME = Duration.hours(24);

export class DeviceIdpStack extends Stack {
  readonly adminFunction: IdpFunction;
  readonly certificatesFunction: IdpFunction;
  readonly tokenFunction: IdpFunction;

  constructor(scope: Construct, id: string, props: DeviceIdpStackProps = {}) {
    super(scope, id, { description: 'Serverless identity provider for device fleets (X.509 JWT-bearer, KMS-signed tokens)', ...props });
    const tokenTtlSeconds = validTokenLifetime(props.tokenLifetime ?? Duration.hours(1));
    const throttling = validThrottling(props.throttling ?? { rateLimit: 100, burstLimit: 200 });
    const stageName = props.stageName ?? 'prod';
    if (!/^[A-Za-z0-9_]{1,128}$/.test(stageName)) throw new Error(`stageName must match [A-Za-z0-9_]+, got ${stageName}`);
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const tracing = props.tracing ?? false;

    const table = new DeviceTable(this, 'Data', { removalPolicy: props.dataRemovalPolicy }).table;
    // Replay cache and provisioning state: the only table the token function writes (src/storage/keys.ts).
    const runtimeTable = new DeviceTable(this, 'Runtime', { removalPolicy: props.dataRemovalPolicy }).table;
    const bucket = new CertificateBucket(this, 'Certificates', { removalPolicy: props.dataRemovalPolicy }).bucket;
    const signingKey = new TokenSigningKey(this, 'TokenSigning', {
      keySpec: props.signingKeySpec,
      removalPolicy: props.dataRemovalPolicy,
    });
    // SPEC §4.6: each pool gets its own key at runtime; the key above stays as the shared key of older pools.
    const poolKeys = new PoolSigningKeys(this, 'PoolSigningKeys', { keySpec: props.signingKeySpec ?? 'ECC_NIST_P256', legacyKey: signingKey.key });
    const adminKey = new AdminApiKey(this, 'AdminApiKey', { rotateAfter: props.adminKeyRotation, logRetention, tracing }).secret;
    const api = new IdpApi(this, 'Api', {
      stageName,
      throttling,
      customDomain: props.customDomain,
      accessLogs: props.accessLogs,
      logRetention,
      tracing,
    });
    const common = { logRetention, tracing };

    this.certificatesFunction = new IdpFunction(this, 'CertificatesFunction', {
      ...common,
      name: 'certificates',
      description: 'Root CA certificate upload, list and delete',
      memorySize: 512,
      // API Gateway's integration limit: a 2 MiB CRL writes ~4,000 write units of buckets into one partition,
      // which DynamoDB may throttle to ~1,000 per second (src/storage/crl-buckets.ts).
      timeout: Duration.seconds(29),
      environment: {
        [ENV.tableName]: table.tableName,
        [ENV.bucketName]: bucket.bucketName,
        [ENV.adminKeySecretArn]: adminKey.secretArn,
      },
    });
    const certificates = this.certificatesFunction.function;
    bucket.grantRead(certificates);
    bucket.grantDelete(certificates);
    // s3:PutObject alone: no ACL or policy writes, whatever the feature flags.
    certificates.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects('*')] }));
    table.grantReadWriteData(certificates);
    adminKey.grantRead(certificates);

    this.adminFunction = new IdpFunction(this, 'AdminFunction', {
      ...common,
      name: 'admin',
      description: 'Organisations, environments, API keys, devices and app bindings',
      environment: {
        [ENV.tableName]: table.tableName,
        [ENV.runtimeTableName]: runtimeTable.tableName,
        [ENV.adminKeySecretArn]: adminKey.secretArn,
        [ENV.issuerBaseUrl]: api.issuerBaseUrl,
        // Pool signing keys: created, rotated and swept here; a key stays published for one token lifetime after its successor activates.
        ...poolKeys.adminEnvironment,
        [ENV.kmsKeyId]: signingKey.key.keyArn,
        [ENV.tokenTtlSeconds]: String(tokenTtlSeconds),
      },
    });
    poolKeys.grantManagement(this.adminFunction.function);
    poolKeys.scheduleSweep(this.adminFunction.function);
    table.grantReadWriteData(this.adminFunction.function);
    grantAdminRuntimeAccess(this.adminFunction.function, runtimeTable);
    adminKey.grantRead(this.adminFunction.function);

    this.tokenFunction = new IdpFunction(this, 'TokenFunction', {
      ...common,
      name: 'token',
      description: 'Token endpoint (RFC 7523 JWT-bearer), JWKS and metadata',
      memorySize: 512,
      environment: {
        [ENV.tableName]: table.tableName,
        [ENV.runtimeTableName]: runtimeTable.tableName,
        [ENV.kmsKeyId]: signingKey.key.keyArn,
        [ENV.issuerBaseUrl]: api.issuerBaseUrl,
        [ENV.tokenTtlSeconds]: String(tokenTtlSeconds),
        ...(props.tokenAudience ? { [ENV.tokenAudience]: props.tokenAudience } : {}),
      },
    });
    // Reads pool configuration only; writes only the runtime table (lib/constructs/table-access.ts).
    grantTokenTableAccess(this.tokenFunction.function, { config: table, runtime: runtimeTable });
    signingKey.grantSigning(this.tokenFunction.function);
    poolKeys.grantSigning(this.tokenFunction.function);

    api.addRoutes(ROUTES, { admin: this.adminFunction.function, certificates, token: this.tokenFunction.function });

    new CfnOutput(this, 'ApiUrl', { value: api.restApi.url, description: 'Invoke URL of the API stage' });
    new CfnOutput(this, 'IssuerBaseUrl', { value: api.issuerBaseUrl, description: 'Issuer = {IssuerBaseUrl}/pools/{clientPoolId}' });
    new CfnOutput(this, 'CertificateBucketName', { value: bucket.bucketName });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'RuntimeTableName', { value: runtimeTable.tableName });
    new CfnOutput(this, 'SigningKeyArn', { value: signingKey.key.keyArn, description: 'Shared key of pools created before per-pool keys (README: migrate-pool-keys)' });
    new CfnOutput(this, 'AdminApiKeySecretArn', {
      value: adminKey.secretArn,
      description: 'Read the global admin API key with: aws secretsmanager get-secret-value --secret-id <this ARN>',
    });
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
