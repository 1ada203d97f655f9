import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from './nag-acknowledgements';

export interface CertificateBucketProps {
  /** Default RETAIN: uploaded root CAs are the audit trail of who was trusted. Applies to the access-log bucket too. */
  readonly removalPolicy?: RemovalPolicy;
  /** How long S3 server access logs of the bucket are kept. Default 365 days. */
  readonly accessLogRetention?: Duration;
}

/**
 * Every root's PEM copy lives under `pools/<clientPoolId>/roots/<fingerprint>/<upload id>.pem`
 * (src/usecases/certificates.ts; test/faults/half-failed-writes.test.ts lists them there).
 */
const ROOT_OBJECT_PREFIX = 'pools/';

/** Where the certificate bucket's access logs go in the log bucket. */
const ACCESS_LOG_PREFIX = 'certificate-bucket/';

/**
 * Uploaded root CA certificates, keyed by pool and SHA-256 fingerprint
 * (docs/contract.md §3.1), and the bucket that receives its S3 server access logs (who
 * wrote or deleted which root, from where).
 */
export class CertificateBucket extends Construct {
  readonly bucket: Bucket;
  readonly accessLogBucket: Bucket;

  constructor(scope: Construct, id: string, props: CertificateBucketProps = {}) {
    super(scope, id);
    // S3 log delivery by bucket policy (logging.s3.amazonaws.com, this bucket and account only), never by the
    // LogDeliveryWrite ACL, whatever the app's feature flags: the log bucket enforces bucket-owner ownership (no ACLs).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const retention = props.accessLogRetention ?? Duration.days(365);
    const days = retention.toDays({ integral: false });
    if (Token.isUnresolved(days) || !Number.isInteger(days) || days < 1) {
      throw new Error(`accessLogRetention must be a whole number of days, at least 1, got ${retention}`);
    }

    this.accessLogBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Server access logging delivers only to SSE-S3 buckets.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: retention }],
      removalPolicy,
      // No access logs of its own: AwsSolutions-S1 counts a bucket that receives another's logs as compliant.
    });

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // S3-managed keys so that writing certificates never requires KMS
      // permissions: only the token function may touch KMS (docs/contract.md §6).
      encryption: BucketEncryption.S3_MANAGED,
      versioned: true,
      enforceSSL: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: ACCESS_LOG_PREFIX,
      removalPolicy,
    });
  }

  /**
   * What the certificates function does with the bucket, and nothing more:
   * PutObject (no ACL, tagging or policy writes) and DeleteObject, under
   * `pools/`. It never reads an object back (the trust list is in DynamoDB).
   */
  grantRootObjectWrites(role: IRole): void {
    const objects = this.bucket.arnForObjects(`${ROOT_OBJECT_PREFIX}*`);
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject', 's3:DeleteObject'], resources: [objects] }));
    acknowledgeWildcardResource(
      role,
      objects,
      'Object keys are pools/<clientPoolId>/roots/<fingerprint>/<upload id>.pem, named at upload time for pools created at ' +
        'runtime, so the pools/ prefix is the narrowest static scope. Only s3:PutObject and s3:DeleteObject are allowed there; ' +
        'no read, list, ACL, tagging or bucket-level action.',
    );
  }
}
