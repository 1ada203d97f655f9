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
  table: logicalIdOf(stack, stack.node.findChild('Data').node.findChild('Table')),
  runtimeTable: logicalIdOf(stack, stack.node.findChild('Runtime').node.findChild('Table')),
  bucket: logicalIdOf(stack, stack.node.findChild('Certificates').node.findChild('Bucket')),
  key: logicalIdOf(stack, stack.node.findChild('TokenSigning').node.findChild('Key')),
  secret: logicalIdOf(stack, stack.node.findChild('AdminApiKey').node.findChild('Secret')),
  restApi: logicalIdOf(stack, stack.node.findChild('Api').node.findChild('RestApi')),
};
const issuerFromExecuteApi = {
  'Fn::Join': ['', ['https://', { Ref: ids.restApi }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/prod']],
};

describe('function defaults', () => {
  it.each(['admin', 'certificates', 'token'] as const)('%s runs Node.js 22 on arm64 with source maps and its own log group', (name) => {
    const p = props(fn[name]);
    expect(p.Runtime).toBe('nodejs22.x');
    expect(p.Architectures).toEqual(['arm64']);
    expect(p.Handler).toBe('index.handler');
    expect(variables(fn[name]).NODE_OPTIONS).toBe('--enable-source-maps');
    const logGroup = p.LoggingConfig.LogGroup.Ref as string;
    expect(json.Resources[logGroup]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
    const managed = JSON.stringify(props(p.Role['Fn::GetAtt'][0]).ManagedPolicyArns);
    expect(managed).toMatch(/service-role\/AWSLambdaBasicExecutionRole"\]\]\}\]$/);
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

describe('environment variables', () => {
  it('certificates function: table, bucket, admin secret ARN', () => {
    expect(variables(fn.certificates)).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      [ENV.tableName]: { Ref: ids.table },
      [ENV.bucketName]: { Ref: ids.bucket },
      [ENV.adminKeySecretArn]: { Ref: ids.secret },
    });
  });

  it('admin function: table, admin secret ARN, issuer base URL, pool signing-key settings, shared key, token TTL', () => {
    expect(variables(fn.admin)).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
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
      NODE_OPTIONS: '--enable-source-maps',
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
    for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Scan']) expect(allows(token, action, ids.table)).toBe(false);
    expect(actionsWithPrefix(token, 's3:')).toEqual([]);
    expect(actionsWithPrefix(token, 'secretsmanager:')).toEqual([]);
    expect([...new Set(actionsWithPrefix(token, 'kms:'))].sort()).toEqual(['kms:DescribeKey', 'kms:GetPublicKey', 'kms:Sign']);
  });

  it('certificates function may write the bucket, read the admin secret, and never touch KMS', () => {
    for (const action of ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:ListBucket']) {
      expect(allows(certificates, action, ids.bucket)).toBe(true);
    }
    expect(allows(certificates, 's3:PutObjectAcl')).toBe(false);
    expect(allows(certificates, 's3:PutBucketPolicy')).toBe(false);
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
