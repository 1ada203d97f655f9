import { Aws } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  DomainName,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RestApi,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigateway';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { ApiGatewayDomain } from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { BINARY_MEDIA_TYPES, type FunctionName, type RouteDefinition } from '../../src/http/routes';

export interface CustomDomainProps {
  readonly domainName: string;
  /** ACM certificate in the stack's region (regional endpoint). */
  readonly certificateArn: string;
  /** When given, an alias A record for domainName is created in this zone. */
  readonly hostedZone?: { readonly hostedZoneId: string; readonly zoneName: string };
}

export interface ThrottlingProps {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface IdpApiProps {
  readonly stageName: string;
  readonly throttling: ThrottlingProps;
  readonly customDomain?: CustomDomainProps;
  /**
   * Stage access logs. API Gateway needs its account-level CloudWatch role
   * configured once per region; this stack does not change that account setting.
   */
  readonly accessLogs?: boolean;
  readonly logRetention: RetentionDays;
  readonly tracing?: boolean;
}

/** Regional REST API; authentication is the functions' job (X-API-Key), the token endpoint is public. */
export class IdpApi extends Construct {
  readonly restApi: RestApi;
  /** `ISSUER_BASE_URL`: a pool's issuer is `{issuerBaseUrl}/pools/{clientPoolId}`. */
  readonly issuerBaseUrl: string;

  constructor(scope: Construct, id: string, props: IdpApiProps) {
    super(scope, id);
    const accessLogs = props.accessLogs
      ? new LogGroup(this, 'AccessLogs', { retention: props.logRetention })
      : undefined;
    this.restApi = new RestApi(this, 'RestApi', {
      description: 'Device identity provider: admin API and per-pool token endpoints',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // Certificate uploads arrive base64-encoded in the proxy event.
      binaryMediaTypes: [...BINARY_MEDIA_TYPES],
      cloudWatchRole: false,
      deployOptions: {
        stageName: props.stageName,
        throttlingRateLimit: props.throttling.rateLimit,
        throttlingBurstLimit: props.throttling.burstLimit,
        tracingEnabled: props.tracing ?? false,
        // Request bodies carry assertions, API keys and tokens (SPEC §6).
        dataTraceEnabled: false,
        loggingLevel: MethodLoggingLevel.OFF,
        accessLogDestination: accessLogs && new LogGroupLogDestination(accessLogs),
        accessLogFormat: accessLogs && AccessLogFormat.jsonWithStandardFields(),
      },
    });
    // The stack exports this URL as ApiUrl; drop RestApi's duplicate output.
    this.restApi.node.tryRemoveChild('Endpoint');
    this.issuerBaseUrl = props.customDomain
      ? this.mapCustomDomain(props.customDomain)
      : // Built from the RestApi id and the literal stage name, not from the
        // Stage resource: the Stage depends on the methods, which depend on the
        // functions that receive this URL, so referencing it would be a cycle.
        `https://${this.restApi.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${props.stageName}`;
  }

  /** Routes come from src/http/routes.ts, the table the local server routes with too. */
  addRoutes(routes: readonly RouteDefinition[], targets: Record<FunctionName, IFunction>): void {
    const integrations = new Map<FunctionName, LambdaIntegration>();
    for (const route of routes) {
      let integration = integrations.get(route.function);
      if (!integration) {
        integration = new LambdaIntegration(targets[route.function], { allowTestInvoke: false });
        integrations.set(route.function, integration);
      }
      this.restApi.root
        .resourceForPath(route.resource)
        .addMethod(route.method, integration, { authorizationType: AuthorizationType.NONE });
    }
  }

  private mapCustomDomain(custom: CustomDomainProps): string {
    const domain = new DomainName(this, 'CustomDomain', {
      domainName: custom.domainName,
      certificate: Certificate.fromCertificateArn(this, 'Certificate', custom.certificateArn),
      endpointType: EndpointType.REGIONAL,
      securityPolicy: SecurityPolicy.TLS_1_2,
      mapping: this.restApi,
    });
    if (custom.hostedZone) {
      new ARecord(this, 'AliasRecord', {
        zone: HostedZone.fromHostedZoneAttributes(this, 'Zone', custom.hostedZone),
        recordName: custom.domainName,
        target: RecordTarget.fromAlias(new ApiGatewayDomain(domain)),
      });
    }
    return `https://${custom.domainName}`;
  }
}
