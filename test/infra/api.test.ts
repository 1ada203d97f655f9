import { Match } from 'aws-cdk-lib/assertions';
import { ENV } from '../../src/config-names';
import { ROUTES, routeKey } from '../../src/http/routes';
import { logicalIdOf, synthIdp, type TemplateJson } from './support/synth-stack';
import { routeTable } from './support/template-queries';

const CUSTOM_DOMAIN = {
  domainName: 'idp.example.com',
  certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/abc',
  hostedZone: { hostedZoneId: 'Z123', zoneName: 'example.com' },
};
const idp = synthIdp();
const { template, json, fn, stack } = idp;

describe('REST API', () => {
  it('is regional and passes multipart uploads through as binary', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
      BinaryMediaTypes: ['multipart/form-data'],
    });
  });

  it('serves exactly the routes of the route table, each through a Lambda proxy to its function', () => {
    const expected = Object.fromEntries(ROUTES.map((route) => [routeKey(route), fn[route.function]]));
    expect(Object.keys(expected)).toHaveLength(ROUTES.length);
    expect(Object.fromEntries(routeTable(json))).toEqual(expected);
  });

  it('leaves authentication to the functions (no API Gateway authorizer or usage-plan key)', () => {
    const methods = Object.values(json.Resources).filter((r) => r.Type === 'AWS::ApiGateway::Method');
    for (const { Properties: p } of methods) {
      expect(p.AuthorizationType).toBe('NONE');
      expect(p.ApiKeyRequired ?? false).toBe(false);
      expect(p.Integration.Type).toBe('AWS_PROXY');
    }
  });
});

describe('stage', () => {
  it('is named prod, throttled at 100/200 by default, and never logs request bodies', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 100,
          ThrottlingBurstLimit: 200,
          DataTraceEnabled: false,
        }),
      ]),
    });
  });

  it('follows the stageName and throttling props, and the issuer URL follows the stage', () => {
    const custom = synthIdp({ stageName: 'dev', throttling: { rateLimit: 25, burstLimit: 50 } });
    custom.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'dev',
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 25, ThrottlingBurstLimit: 50 })]),
    });
    const issuer = custom.json.Resources[custom.fn.token].Properties.Environment.Variables[ENV.issuerBaseUrl];
    expect(JSON.stringify(issuer)).toMatch(/\.execute-api\..*"\/dev"\]\]\}$/);
  });

  it.each([
    [{ stageName: 'no/slash' }, /stageName/],
    [{ throttling: { rateLimit: 0, burstLimit: 10 } }, /throttling/],
    [{ throttling: { rateLimit: 10, burstLimit: 1.5 } }, /throttling/],
  ])('refuses %j at synth time', (props, message) => {
    expect(() => synthIdp(props)).toThrow(message);
  });

  it('writes JSON access logs and ERROR execution logs by default, both kept for the log retention, never request data', () => {
    const stage = stageOf(json);
    const accessLogs = stage.Properties.AccessLogSetting.DestinationArn['Fn::GetAtt'][0];
    expect(json.Resources[accessLogs]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
    const format = JSON.parse(stage.Properties.AccessLogSetting.Format);
    expect(Object.keys(format).sort()).toEqual([
      'caller',
      'httpMethod',
      'ip',
      'protocol',
      'requestId',
      'requestTime',
      'resourcePath',
      'responseLength',
      'status',
      'user',
    ]);
    expect(stage.Properties.MethodSettings).toEqual([
      expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', DataTraceEnabled: false }),
    ]);
    // The group API Gateway would otherwise create itself, with no expiry.
    const [executionLogs] = stage.DependsOn as string[];
    expect(json.Resources[executionLogs]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 30, LogGroupName: { 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: restApiId(json) }, '/prod']] } },
    });
  });

  it('turns both logs off with accessLogs: false, and creates no API Gateway account role unless asked', () => {
    const quiet = synthIdp({ accessLogs: false });
    const stage = stageOf(quiet.json);
    expect(stage.Properties.AccessLogSetting).toBeUndefined();
    expect(stage.Properties.MethodSettings[0].LoggingLevel).toBe('OFF');
    expect(Object.values(quiet.json.Resources).filter((r) => r.Type === 'AWS::Logs::LogGroup')).toHaveLength(4); // the four functions'
    expect(Object.values(json.Resources).filter((r) => r.Type === 'AWS::ApiGateway::Account')).toEqual([]);
  });

  it('creates the account-level CloudWatch role for API Gateway with cloudWatchRole: true', () => {
    const withRole = synthIdp({ cloudWatchRole: true });
    const [account] = Object.values(withRole.json.Resources).filter((r) => r.Type === 'AWS::ApiGateway::Account');
    const role = withRole.json.Resources[account.Properties.CloudWatchRoleArn['Fn::GetAtt'][0]];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({ Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }),
    ]);
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toMatch(/service-role\/AmazonAPIGatewayPushToCloudWatchLogs/);
  });

  it('associates the stage with a WAFv2 web ACL when webAclArn is given', () => {
    const webAclArn = 'arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/idp/0123';
    const guarded = synthIdp({ webAclArn });
    const associations = Object.values(guarded.json.Resources).filter((r) => r.Type === 'AWS::WAFv2::WebACLAssociation');
    expect(associations.map((r) => r.Properties.WebACLArn)).toEqual([webAclArn]);
    expect(JSON.stringify(associations[0].Properties.ResourceArn)).toContain(
      `"::/restapis/",{"Ref":"${restApiId(guarded.json)}"},"/stages/",{"Ref":"${stageIdOf(guarded.json)}"}`,
    );
    expect(Object.values(json.Resources).filter((r) => r.Type === 'AWS::WAFv2::WebACLAssociation')).toEqual([]);
  });

  it('turns on X-Ray for the stage with tracing: true', () => {
    expect(stageOf(json).Properties.TracingEnabled).toBe(false);
    expect(stageOf(synthIdp({ tracing: true }).json).Properties.TracingEnabled).toBe(true);
  });
});

function stageOf(template: TemplateJson) {
  const stages = Object.values(template.Resources).filter((r) => r.Type === 'AWS::ApiGateway::Stage');
  expect(stages).toHaveLength(1);
  return stages[0];
}

function restApiId(template: TemplateJson): string {
  return Object.keys(template.Resources).find((id) => template.Resources[id].Type === 'AWS::ApiGateway::RestApi')!;
}

describe('custom domain', () => {
  const custom = synthIdp({ customDomain: CUSTOM_DOMAIN });

  it('maps a regional TLS 1.2 domain name onto the API root and points DNS at it', () => {
    custom.template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'idp.example.com',
      RegionalCertificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/abc',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    });
    custom.template.resourceCountIs('AWS::ApiGateway::BasePathMapping', 1);
    custom.template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'idp.example.com.', Type: 'A', HostedZoneId: 'Z123' });
  });

  it('makes the issuer base URL the custom domain', () => {
    for (const id of [custom.fn.admin, custom.fn.token]) {
      expect(custom.json.Resources[id].Properties.Environment.Variables[ENV.issuerBaseUrl]).toBe('https://idp.example.com');
    }
    expect(custom.json.Outputs!.IssuerBaseUrl.Value).toBe('https://idp.example.com');
  });
});

describe('stack outputs', () => {
  it('publishes the API URL, issuer base URL, buckets, tables, signing key and admin secret ARN (docs/deploy.md lists them)', () => {
    expect(Object.keys(json.Outputs ?? {}).sort()).toEqual([
      'AccessLogBucketName',
      'AdminApiKeySecretArn',
      'ApiUrl',
      'CertificateBucketName',
      'IssuerBaseUrl',
      'RuntimeTableName',
      'SigningKeyArn',
      'TableName',
    ]);
    expect(json.Outputs!.ApiUrl.Value).toEqual(expect.objectContaining({ 'Fn::Join': expect.anything() }));
    expect(json.Outputs!.AdminApiKeySecretArn.Value).toEqual({ Ref: logicalIdOf(stack, stack.deviceIdp.adminApiKeySecret) });
    expect(JSON.stringify(json.Outputs)).not.toMatch(/resolve:secretsmanager/);
  });
});

describe('template', () => {
  it('has no dependency cycle although the functions reference the RestApi id', () => {
    // Template.fromStack (inside synthIdp) rejects cyclic templates; `cdk synth` does not check.
    expect(() => synthIdp()).not.toThrow();
    expect(() => synthIdp({ customDomain: CUSTOM_DOMAIN })).not.toThrow();
  });
});

function stageIdOf(template: TemplateJson): string {
  return Object.keys(template.Resources).find((id) => template.Resources[id].Type === 'AWS::ApiGateway::Stage')!;
}
