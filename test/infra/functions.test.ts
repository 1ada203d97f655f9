import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ENV } from '../../src/config-names';
import { logicalIdOf, synthIdp } from './support/synth-stack';
import { actionsWithPrefix, allows, roleStatements } from './support/template-queries';

const idp = synthIdp();
const { json, fn, stack } = idp;
const props = (id: string) => json.Resources[id].Properties;
const variables = (id: string): Record<string, unknown> => props(id).Environment.Variables;
const ids = {
  table: logicalIdOf(stack, stack.deviceIdp.node.findChild('Data').node.findChild('Table')),
  runtimeTable: logicalIdOf(stack, stack.deviceIdp.node.findChild('Runtime').node.findChild('Table')),
  bucket: logicalIdOf(stack, stack.deviceIdp.node.findChild('Certificates').node.findChild('Bucket')),
  key: logicalIdOf(stack, stack.deviceIdp.node.findChild('TokenSigning').node.findChild('Key')),
  secret: logicalIdOf(stack, stack.deviceIdp.node.findChild('AdminApiKey').node.findChild('Secret')),
  restApi: logicalIdOf(stack, stack.deviceIdp.node.findChild('Api').node.findChild('RestApi')),
};
const issuerFromExecuteApi = {
  'Fn::Join': ['', ['https://', { Ref: ids.restApi }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/prod']],
};

describe('function defaults', () => {
  it.each(['admin', 'certificates', 'token'] as const)('%s runs Node.js 22 on arm64 without load-time source maps, with its own log group', (name) => {
    const p = props(fn[name]);
    expect(p.Runtime).toBe('nodejs22.x');
    expect(p.Architectures).toEqual(['arm64']);
    expect(p.Handler).toBe('index.handler');
    // --enable-source-maps would make Node read every module it loads for a map at cold start (docs/operations.md "Stack traces").
    expect(variables(fn[name]).NODE_OPTIONS).toBeUndefined();
    const logGroup = p.LoggingConfig.LogGroup.Ref as string;
    expect(json.Resources[logGroup]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
  });

  it.each(['admin', 'certificates', 'token'] as const)('%s role: no managed policy, writes only its own log group', (name) => {
    const role = props(props(fn[name]).Role['Fn::GetAtt'][0]);
    const logGroup = props(fn[name]).LoggingConfig.LogGroup.Ref as string;
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }]);
    expect(role.Policies).toEqual([
      {
        PolicyName: 'WriteOwnLogs',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] } }],
        },
      },
    ]);
    expect(
      roleStatements(json, fn[name])
        .flatMap((s) => s.actions)
        .filter((a) => a.startsWith('logs:')),
    ).toEqual([]);
  });

  it('gives the certificates function as long as API Gateway waits (29 s): a 2 MiB CRL upload writes thousands of bucket items', () => {
    expect(props(fn.certificates).Timeout).toBe(29);
  });

  it('applies the logRetention prop', () => {
    const custom = synthIdp({ logRetention: RetentionDays.ONE_YEAR });
    const logGroup = custom.json.Resources[custom.fn.token].Properties.LoggingConfig.LogGroup.Ref;
    expect(custom.json.Resources[logGroup].Properties.RetentionInDays).toBe(365);
  });
});

/** Powertools for AWS Lambda settings every function gets by default (lib/constructs/observability.ts). */
const POWERTOOLS_DEFAULTS = {
  POWERTOOLS_SERVICE_NAME: 'device-idp',
  POWERTOOLS_METRICS_NAMESPACE: 'DeviceIdp',
  POWERTOOLS_TRACE_ENABLED: 'false',
  POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
};

describe('environment variables', () => {
  it('certificates function: table, bucket, admin secret ARN', () => {
    expect(variables(fn.certificates)).toEqual({
      ...POWERTOOLS_DEFAULTS,
      [ENV.tableName]: { Ref: ids.table },
      [ENV.bucketName]: { Ref: ids.bucket },
      [ENV.adminKeySecretArn]: { Ref: ids.secret },
    });
  });

  it('admin function: table, admin secret ARN, issuer base URL, pool signing-key settings, shared key, token TTL', () => {
    expect(variables(fn.admin)).toEqual({
      ...POWERTOOLS_DEFAULTS,
      [ENV.tableName]: { Ref: ids.table },
      [ENV.runtimeTableName]: { Ref: ids.runtimeTable },
      [ENV.adminKeySecretArn]: { Ref: ids.secret },
      [ENV.issuerBaseUrl]: issuerFromExecuteApi,
      [ENV.signingKeyStackTag]: 'TestIdp',
      [ENV.signingKeySpec]: 'ECC_NIST_P256',
      [ENV.signingKeyAliasPrefix]: 'alias/device-idp/TestIdp',
      [ENV.kmsKeyId]: { 'Fn::GetAtt': [ids.key, 'Arn'] },
      [ENV.tokenTtlSeconds]: '3600',
    });
  });

  it('token function: table, key, issuer base URL, one-hour TTL, no audience unless set', () => {
    expect(variables(fn.token)).toEqual({
      ...POWERTOOLS_DEFAULTS,
      [ENV.tableName]: { Ref: ids.table },
      [ENV.runtimeTableName]: { Ref: ids.runtimeTable },
      [ENV.kmsKeyId]: { 'Fn::GetAtt': [ids.key, 'Arn'] },
      [ENV.issuerBaseUrl]: issuerFromExecuteApi,
      [ENV.tokenTtlSeconds]: '3600',
    });
  });

  it('token function follows tokenLifetime and tokenAudience', () => {
    const custom = synthIdp({ tokenLifetime: Duration.minutes(15), tokenAudience: 'https://pos.example.com' });
    expect(custom.json.Resources[custom.fn.token].Properties.Environment.Variables).toMatchObject({
      [ENV.tokenTtlSeconds]: '900',
      [ENV.tokenAudience]: 'https://pos.example.com',
    });
  });

  it.each([Duration.seconds(30), Duration.hours(25)])('refuses a token lifetime of %s', (tokenLifetime) => {
    expect(() => synthIdp({ tokenLifetime })).toThrow(/tokenLifetime/);
  });
});

describe('least-privilege grants', () => {
  const token = roleStatements(json, fn.token);
  const certificates = roleStatements(json, fn.certificates);
  const admin = roleStatements(json, fn.admin);
  const tableRw = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query'];

  // The KMS rights on per-pool keys (tag conditions) are asserted in signing-key-iam.test.ts.
  it('token function may sign with the shared signing key, use the tables as test/infra/table-access.test.ts details, and nothing else', () => {
    for (const action of ['kms:Sign', 'kms:GetPublicKey', 'kms:DescribeKey']) expect(allows(token, action, ids.key)).toBe(true);
    for (const action of ['dynamodb:GetItem', 'dynamodb:Query']) expect(allows(token, action, ids.table)).toBe(true);
    for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Scan'])
      expect(allows(token, action, ids.table)).toBe(false);
    expect(actionsWithPrefix(token, 's3:')).toEqual([]);
    expect(actionsWithPrefix(token, 'secretsmanager:')).toEqual([]);
    expect([...new Set(actionsWithPrefix(token, 'kms:'))].sort()).toEqual(['kms:DescribeKey', 'kms:GetPublicKey', 'kms:Sign']);
  });

  it('certificates function may put and delete root objects under pools/, read the admin secret, and never touch KMS', () => {
    const s3 = certificates.filter((s) => s.actions.some((a) => a.startsWith('s3:'))).map((s) => ({ ...s, actions: [...s.actions].sort() }));
    expect(s3).toEqual([
      {
        effect: 'Allow',
        actions: ['s3:DeleteObject', 's3:PutObject'],
        resources: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.bucket, 'Arn'] }, '/pools/*']] }],
      },
    ]);
    // It never reads an object back (the trust list is in DynamoDB), lists, or changes ACLs, tags or the bucket.
    for (const action of ['s3:GetObject', 's3:ListBucket', 's3:PutObjectAcl', 's3:PutObjectTagging', 's3:DeleteObjectVersion', 's3:PutBucketPolicy']) {
      expect([action, allows(certificates, action)]).toEqual([action, false]);
    }
    for (const action of tableRw) expect(allows(certificates, action, ids.table)).toBe(true);
    expect(allows(certificates, 'secretsmanager:GetSecretValue', ids.secret)).toBe(true);
    expect(actionsWithPrefix(certificates, 'kms:')).toEqual([]);
  });

  it('admin function has the table and the admin secret, no bucket, and may not sign', () => {
    for (const action of tableRw) expect(allows(admin, action, ids.table)).toBe(true);
    expect(allows(admin, 'secretsmanager:GetSecretValue', ids.secret)).toBe(true);
    expect(actionsWithPrefix(admin, 's3:')).toEqual([]);
    expect(allows(admin, 'kms:Sign')).toBe(false);
  });

  it('no identity policy other than the token and admin roles grants KMS, none but the certificates role writes the bucket', () => {
    const roleOf = (id: string) => props(id).Role['Fn::GetAtt'][0];
    for (const [, policy] of Object.entries(json.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Policy')) {
      const text = JSON.stringify(policy.Properties.PolicyDocument);
      const roles = JSON.stringify(policy.Properties.Roles);
      if (text.includes('"kms:')) expect([roleOf(fn.token), roleOf(fn.admin)].map((role) => JSON.stringify([{ Ref: role }]))).toContain(roles);
      if (/"s3:(PutObject|DeleteObject)/.test(text)) expect(roles).toBe(JSON.stringify([{ Ref: roleOf(fn.certificates) }]));
    }
  });
});
