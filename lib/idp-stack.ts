import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { IdpFunction } from './constructs/idp-function';
import { DeviceIdp, type DeviceIdpProps } from './device-idp';

/** This project's deployable stack: `DeviceIdp` with its props, plus the outputs a platform team reads after `cdk deploy`. */
export interface DeviceIdpStackProps extends StackProps, DeviceIdpProps {}

export class DeviceIdpStack extends Stack {
  readonly deviceIdp: DeviceIdp;
  readonly adminFunction: IdpFunction;
  readonly certificatesFunction: IdpFunction;
  readonly tokenFunction: IdpFunction;

  constructor(scope: Construct, id: string, props: DeviceIdpStackProps = {}) {
    super(scope, id, { description: 'Serverless identity provider for device fleets (X.509 JWT-bearer, KMS-signed tokens)', ...props });
    // The id "Default" is left out of logical ids, so the resources keep the ids they had when the stack built them itself.
    const idp = new DeviceIdp(this, 'Default', props);
    this.deviceIdp = idp;
    this.adminFunction = idp.adminFunction;
    this.certificatesFunction = idp.certificatesFunction;
    this.tokenFunction = idp.tokenFunction;

    new CfnOutput(this, 'ApiUrl', { value: idp.apiUrl, description: 'Invoke URL of the API stage' });
    new CfnOutput(this, 'IssuerBaseUrl', { value: idp.issuerBaseUrl, description: 'Issuer = {IssuerBaseUrl}/pools/{clientPoolId}' });
    new CfnOutput(this, 'CertificateBucketName', { value: idp.certificateBucket.bucketName });
    new CfnOutput(this, 'AccessLogBucketName', { value: idp.accessLogBucket.bucketName, description: 'S3 server access logs of the certificate bucket' });
    new CfnOutput(this, 'TableName', { value: idp.table.tableName });
    new CfnOutput(this, 'RuntimeTableName', { value: idp.runtimeTable.tableName });
    new CfnOutput(this, 'SigningKeyArn', {
      value: idp.signingKey.keyArn,
      description: 'Shared key of pools created before per-pool keys (README: migrate-pool-keys)',
    });
    new CfnOutput(this, 'AdminApiKeySecretArn', {
      value: idp.adminApiKeySecret.secretArn,
      description: 'Read the global admin API key with: aws secretsmanager get-secret-value --secret-id <this ARN>',
    });
  }
}
