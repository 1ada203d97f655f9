import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { ENV } from '../../src/config-names';
import { TABLE_SCHEMA } from '../../src/storage/table-schema';
import { logicalIdOf, synthIdp } from './support/synth-stack';

const idp = synthIdp();
const { template, json } = idp;
const resourcesOf = (type: string) => Object.entries(json.Resources).filter(([, r]) => r.Type === type);

describe('DynamoDB table', () => {
  it('is on-demand, point-in-time recoverable, AWS-managed-encrypted, with TABLE_SCHEMA keys and TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.timeToLiveAttribute, Enabled: true },
      KeySchema: [
        { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: TABLE_SCHEMA.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE_SCHEMA.sortKey, AttributeType: 'S' },
      ]),
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('is retained by default and follows dataRemovalPolicy', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    synthIdp({ dataRemovalPolicy: RemovalPolicy.DESTROY }).template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
    });
  });
});

describe('certificate bucket', () => {
  const bucketId = logicalIdOf(idp.stack, idp.stack.deviceIdp.certificateBucket);
  const logBucketId = logicalIdOf(idp.stack, idp.stack.deviceIdp.accessLogBucket);
  const PUBLIC_ACCESS_BLOCKED = { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true };
  const SSE_S3 = { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] };
  const policyOf = (id: string) => resourcesOf('AWS::S3::BucketPolicy').find(([, r]) => r.Properties.Bucket.Ref === id)![1].Properties.PolicyDocument;

  it('blocks all public access, is encrypted, versioned and retained', () => {
    expect(json.Resources[bucketId]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { PublicAccessBlockConfiguration: PUBLIC_ACCESS_BLOCKED, BucketEncryption: SSE_S3, VersioningConfiguration: { Status: 'Enabled' } },
    });
  });

  it.each([
    ['certificate', true],
    ['access-log', false],
  ])('%s bucket denies every request made without TLS', (_name, certificates) => {
    expect(policyOf(certificates ? bucketId : logBucketId).Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('sends its S3 server access logs to the access-log bucket, which only S3 log delivery for this bucket and account may write', () => {
    expect(json.Resources[bucketId].Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logBucketId },
      LogFilePrefix: 'certificate-bucket/',
    });
    const allows = policyOf(logBucketId).Statement.filter((s: any) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logBucketId, 'Arn'] }, '/certificate-bucket/*']] },
        Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [bucketId, 'Arn'] } }, StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  it('keeps access logs a year by default, in a private SSE-S3 bucket without ACLs, retained', () => {
    expect(json.Resources[logBucketId]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        PublicAccessBlockConfiguration: PUBLIC_ACCESS_BLOCKED,
        BucketEncryption: SSE_S3,
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: { Rules: [{ Id: 'ExpireAccessLogs', ExpirationInDays: 365, Status: 'Enabled' }] },
      },
    });
    expect(json.Resources[logBucketId].Properties.AccessControl).toBeUndefined();
  });

  it('follows bucketAccessLogRetention and refuses less than a day', () => {
    const custom = synthIdp({ bucketAccessLogRetention: Duration.days(90) });
    const logBucket = custom.json.Resources[logicalIdOf(custom.stack, custom.stack.deviceIdp.accessLogBucket)];
    expect(logBucket.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(90);
    expect(() => synthIdp({ bucketAccessLogRetention: Duration.hours(12) })).toThrow(/accessLogRetention/);
  });
});

describe('token signing key', () => {
  it('is an asymmetric ECC_NIST_P256 signing key by default, retained, with an alias', () => {
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
    });
    const [[keyId]] = resourcesOf('AWS::KMS::Key');
    template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/TestIdp/token-signing',
      TargetKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
  });

  it('uses RSA_2048 when signingKeySpec says so', () => {
    synthIdp({ signingKeySpec: 'RSA_2048' }).template.hasResourceProperties('AWS::KMS::Key', {
      KeySpec: 'RSA_2048',
      KeyUsage: 'SIGN_VERIFY',
    });
  });

  it('refuses an unknown key spec at synth time', () => {
    expect(() => synthIdp({ signingKeySpec: 'HMAC_256' as never })).toThrow(/signingKeySpec/);
  });
});

describe('global admin API key', () => {
  it('is generated by Secrets Manager at deploy time, long and header-safe', () => {
    const [[, secret]] = resourcesOf('AWS::SecretsManager::Secret');
    expect(secret.Properties.SecretString).toBeUndefined();
    expect(secret.Properties.GenerateSecretString).toMatchObject({ ExcludePunctuation: true });
    expect(secret.Properties.GenerateSecretString.PasswordLength).toBeGreaterThanOrEqual(40);
  });

  it('reaches functions only as the secret ARN, never as a value or template parameter', () => {
    const secretId = logicalIdOf(idp.stack, idp.stack.deviceIdp.node.findChild('AdminApiKey').node.findChild('Secret'));
    expect(Object.keys(json.Parameters ?? {}).filter((p) => p !== 'BootstrapVersion')).toEqual([]);
    for (const [, fn] of resourcesOf('AWS::Lambda::Function')) {
      const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
      expect(Object.keys(variables)).not.toContain(ENV.adminKeyPlain);
      expect(JSON.stringify(variables)).not.toMatch(/resolve:secretsmanager|SecretString/);
      for (const [name, value] of Object.entries(variables)) {
        if (JSON.stringify(value).includes(secretId)) {
          expect([name, value]).toEqual([ENV.adminKeySecretArn, { Ref: secretId }]);
        }
      }
    }
  });
});
