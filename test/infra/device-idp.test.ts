import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IdpFunction } from '../../lib/constructs/idp-function';
import { DeviceIdp, type DeviceIdpProps } from '../../lib/device-idp';
import { ENV } from '../../src/config-names';
import { logicalIdOf, newApp, synthIdp, type TemplateJson } from './support/synth-stack';

/*
 * DeviceIdp as a platform team embeds it: its own app and stack, its own id,
 * and props other than the defaults. Each prop must reach the template.
 */
const PROPS: Required<Omit<DeviceIdpProps, 'customDomain'>> = {
  tokenLifetime: Duration.minutes(15),
  signingKeySpec: 'RSA_2048',
  tokenAudience: 'https://pos.example.com',
  logRetention: RetentionDays.THREE_MONTHS,
  throttling: { rateLimit: 20, burstLimit: 40 },
  stageName: 'staging',
  accessLogs: false,
  cloudWatchRole: true,
  webAclArn: 'arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/platform/0123',
  tracing: true,
  serviceName: 'fleet-idp',
  metricsNamespace: 'Platform/FleetIdp',
  dataRemovalPolicy: RemovalPolicy.DESTROY,
  bucketAccessLogRetention: Duration.days(30),
  adminKeyRotation: Duration.days(7),
  adminKeySecretName: 'platform/fleet-idp/admin-api-key',
};

const app = newApp();
const stack = new Stack(app, 'PlatformServices', { env: { account: '111122223333', region: 'eu-west-1' } });
const idp = new DeviceIdp(stack, 'FleetIdp', PROPS);
const json = Template.fromStack(stack).toJSON() as TemplateJson;
const resources = (type: string) => Object.entries(json.Resources).filter(([, r]) => r.Type === type);
const idOf = logicalIdOf.bind(null, stack);

describe('DeviceIdp embedded in another app', () => {
  it('exposes the API, tables, buckets, key, secret and functions it created', () => {
    expect(
      resources('AWS::DynamoDB::Table')
        .map(([id]) => id)
        .sort(),
    ).toEqual([idOf(idp.table), idOf(idp.runtimeTable)].sort());
    expect(
      resources('AWS::S3::Bucket')
        .map(([id]) => id)
        .sort(),
    ).toEqual([idOf(idp.certificateBucket), idOf(idp.accessLogBucket)].sort());
    expect(resources('AWS::KMS::Key').map(([id]) => id)).toEqual([idOf(idp.signingKey)]);
    expect(resources('AWS::SecretsManager::Secret').map(([id]) => id)).toEqual([idOf(idp.adminApiKeySecret)]);
    const functions = [idp.adminFunction, idp.certificatesFunction, idp.tokenFunction, idp.adminKeyRotationFunction].map((f) => idOf(f.function));
    expect(
      resources('AWS::Lambda::Function')
        .map(([id]) => id)
        .sort(),
    ).toEqual(functions.sort());
    expect(stack.resolve(idp.apiUrl)).toEqual({
      'Fn::Join': ['', ['https://', { Ref: idOf(idp.restApi) }, '.execute-api.eu-west-1.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: expect.any(String) }, '/']],
    });
  });

  it('prefixes its logical ids with its own id', () => {
    expect(idOf(idp.table)).toMatch(/^FleetIdpDataTable/);
  });

  it('applies the API props: stage, throttling, tracing, logs off, the account CloudWatch role and the web ACL', () => {
    const [[, stage]] = resources('AWS::ApiGateway::Stage');
    expect(stage.Properties).toMatchObject({ StageName: 'staging', TracingEnabled: true });
    expect(stage.Properties.AccessLogSetting).toBeUndefined();
    expect(stage.Properties.MethodSettings[0]).toMatchObject({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40, LoggingLevel: 'OFF' });
    expect(resources('AWS::ApiGateway::Account')).toHaveLength(1);
    expect(resources('AWS::WAFv2::WebACLAssociation').map(([, r]) => r.Properties.WebACLArn)).toEqual([PROPS.webAclArn]);
  });

  it('applies the function props: token lifetime and audience, key spec, tracing, Powertools names, log retention', () => {
    const variables = (fn: IdpFunction) => json.Resources[idOf(fn.function)].Properties.Environment.Variables;
    expect(variables(idp.tokenFunction)).toMatchObject({ [ENV.tokenTtlSeconds]: '900', [ENV.tokenAudience]: 'https://pos.example.com' });
    expect(variables(idp.adminFunction)).toMatchObject({ [ENV.signingKeySpec]: 'RSA_2048', [ENV.signingKeyStackTag]: 'PlatformServices' });
    for (const [, fn] of resources('AWS::Lambda::Function')) {
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Environment.Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'fleet-idp',
        POWERTOOLS_METRICS_NAMESPACE: 'Platform/FleetIdp',
        POWERTOOLS_TRACE_ENABLED: 'true',
      });
      expect(json.Resources[fn.Properties.LoggingConfig.LogGroup.Ref].Properties.RetentionInDays).toBe(90);
    }
    expect(resources('AWS::KMS::Key')[0][1].Properties.KeySpec).toBe('RSA_2048');
  });

  it('applies the data props: removal policy, access-log retention, admin key name and rotation', () => {
    for (const type of ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::KMS::Key']) {
      for (const [id, resource] of resources(type)) expect([id, resource.DeletionPolicy]).toEqual([id, 'Delete']);
    }
    expect(json.Resources[idOf(idp.accessLogBucket)].Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(30);
    expect(json.Resources[idOf(idp.adminApiKeySecret)].Properties.Name).toBe('platform/fleet-idp/admin-api-key');
    expect(resources('AWS::SecretsManager::RotationSchedule')[0][1].Properties.RotationRules).toEqual({ ScheduleExpression: 'rate(7 days)' });
  });

  it('refuses a second DeviceIdp in the same stack (the stack name tags its pool signing keys)', () => {
    expect(() => new DeviceIdp(stack, 'Second')).toThrow(/one per stack/);
  });
});

describe('DeviceIdpStack, a thin user of DeviceIdp', () => {
  it('keeps the logical ids its stateful resources had before DeviceIdp existed, so an update replaces none of them', () => {
    const { stack: idpStack, json: template } = synthIdp();
    const part = idpStack.deviceIdp;
    expect({
      table: logicalIdOf(idpStack, part.table),
      runtimeTable: logicalIdOf(idpStack, part.runtimeTable),
      certificateBucket: logicalIdOf(idpStack, part.certificateBucket),
      signingKey: logicalIdOf(idpStack, part.signingKey),
      adminApiKeySecret: logicalIdOf(idpStack, part.adminApiKeySecret),
      restApi: logicalIdOf(idpStack, part.restApi),
      tokenFunction: logicalIdOf(idpStack, part.tokenFunction.function),
    }).toEqual({
      table: 'DataTableFDBAD0F2',
      runtimeTable: 'RuntimeTable63D852E2',
      certificateBucket: 'CertificatesBucketDB64D66D',
      signingKey: 'TokenSigningKeyA0F5B4A7',
      adminApiKeySecret: 'AdminApiKeySecretBA13A8DC',
      restApi: 'ApiRestApiE35FEAFE',
      tokenFunction: 'TokenFunction3F2D36B0',
    });
    expect(template.Resources.TokenSigningKeyAliasD26F2C6B.Type).toBe('AWS::KMS::Alias');
  });
});
