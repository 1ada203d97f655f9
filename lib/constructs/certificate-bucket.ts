import { RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface CertificateBucketProps {
  /** Default RETAIN: uploaded root CAs are the audit trail of who was trusted. */
  readonly removalPolicy?: RemovalPolicy;
}

/** Uploaded root CA certificates, keyed by pool and SHA-256 fingerprint (SPEC §3.1). */
export class CertificateBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: CertificateBucketProps = {}) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // S3-managed keys so that writing certificates never requires KMS
      // permissions: only the token function may touch KMS (SPEC §6).
      encryption: BucketEncryption.S3_MANAGED,
      versioned: true,
      enforceSSL: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
