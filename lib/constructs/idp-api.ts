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
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { ApiGatewayDomain } from 'aws-cdk-lib/aws-route53-targets';
import { CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { BINARY_MEDIA_TYPES, type FunctionName, type RouteDefinition } from '../../src/http/routes';
import { acknowledgeFinding, acknowledgeManagedPolicy } from './nag-acknowledgements';
import { authenticationOf, authenticationReason } from './route-authentication';

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
   * JSON access logs and ERROR-level execution logs of the stage. API Gateway
   * writes both only with its account-level CloudWatch role set in the region
   * (see `cloudWatchRole`).
   */
  readonly accessLogs: boolean;
  /**
   * Create API Gateway's account-level CloudWatch role (AWS::ApiGateway::Account,
   * one per account and region) with this API. Off: the account already has one.
   */
  readonly cloudWatchRole: boolean;
  /** AWS WAFv2 web ACL (regional) to associate with the stage. */
  readonly webAclArn?: string;
  /** Retention of the access and execution log groups. */
  readonly logRetention: RetentionDays;
  readonly tracing: boolean;
}

/**
 * Regional REST API. API Gateway authenticates nothing: the admin function
 * checks X-API-Key, the token function the device's signed assertion, and
 * the JWKS, metadata and health routes are public (route-authentication.ts).
 */
export class IdpApi extends Construct {
  readonly restApi: RestApi;
  /** `ISSUER_BASE_URL`: a pool's issuer is `{issuerBaseUrl}/pools/{clientPoolId}`. */
  readonly issuerBaseUrl: string;

  /** The stage's JSON access logs (when `accessLogs`). */
  readonly accessLogGroup?: LogGroup;

  constructor(scope: Construct, id: string, props: IdpApiProps) {
    super(scope, id);
    const logs = { retention: props.logRetention };
    this.accessLogGroup = props.accessLogs ? new LogGroup(this, 'AccessLogs', logs) : undefined;
    this.restApi = new RestApi(this, 'RestApi', {
      description: 'Device identity provider: admin API and per-pool token endpoints',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // Certificate uploads arrive base64-encoded in the proxy event.
      binaryMediaTypes: [...BINARY_MEDIA_TYPES],
      cloudWatchRole: props.cloudWatchRole,
      deployOptions: {
        stageName: props.stageName,
        throttlingRateLimit: props.throttling.rateLimit,
        throttlingBurstLimit: props.throttling.burstLimit,
        tracingEnabled: props.tracing,
        // Request bodies carry assertions, API keys and tokens (docs/contract.md §6): execution logs say what failed, never with what.
        dataTraceEnabled: false,
        loggingLevel: props.accessLogs ? MethodLoggingLevel.ERROR : MethodLoggingLevel.OFF,
        accessLogDestination: this.accessLogGroup && new LogGroupLogDestination(this.accessLogGroup),
        // Standard fields only: request id, caller IP, method, path, status, length; no header, body or query value.
        accessLogFormat: this.accessLogGroup && AccessLogFormat.jsonWithStandardFields(),
      },
    });
    // The stack exports this URL as ApiUrl; drop RestApi's duplicate output.
    this.restApi.node.tryRemoveChild('Endpoint');
    if (props.accessLogs) {
      // API Gateway would create its execution log group itself, kept forever; created here it has the stack's retention.
      const executionLogs = new LogGroup(this, 'ExecutionLogs', {
        ...logs,
        logGroupName: `API-Gateway-Execution-Logs_${this.restApi.restApiId}/${props.stageName}`,
      });
      this.restApi.deploymentStage.node.addDependency(executionLogs);
    }
    if (props.cloudWatchRole) {
      const role = this.restApi.node.findChild('CloudWatchRole');
      acknowledgeManagedPolicy(
        role,
        'service-role/AmazonAPIGatewayPushToCloudWatchLogs',
        "The role API Gateway assumes to write every API's logs of this account and region (AWS::ApiGateway::Account), so it " +
          'cannot be scoped to one log group. AWS maintains this policy for exactly that use: logs:CreateLogGroup, CreateLogStream, ' +
          'DescribeLogGroups, DescribeLogStreams, PutLogEvents, GetLogEvents and FilterLogEvents, nothing else.',
      );
    }
    acknowledgeFinding(
      this.restApi,
      'APIG2',
      'Requests are validated by the functions before any work, as `npm start` does: size caps, strict JSON, multipart and form ' +
        'parsing, each refusal a 4xx with its documented error code (src/http/error-responses.ts; SECURITY.md row 7). An API ' +
        'Gateway validator would either check nothing (no models) or answer with its own error shape, breaking that contract.',
    );
    if (props.webAclArn) {
      new CfnWebACLAssociation(this, 'WebAcl', { resourceArn: this.restApi.deploymentStage.stageArn, webAclArn: props.webAclArn });
    } else {
      acknowledgeFinding(
        this.restApi.deploymentStage,
        'APIG3',
        'No web ACL by default (pass webAclArn to associate one): the stage is throttled (default 100 req/s, burst 200), every ' +
          'input is size-capped and parsed strictly in the functions before any work (SECURITY.md row 7), and API keys are ' +
          '256-bit random (row 6). A WAF is a per-account cost and rule-set choice left to the platform team (docs/deploy.md).',
      );
    }
    this.issuerBaseUrl = props.customDomain
      ? this.mapCustomDomain(props.customDomain)
      : // Built from the RestApi id and the literal stage name, not from the
        // Stage resource: the Stage depends on the methods, which depend on the
        // functions that receive this URL, so referencing it would be a cycle.
        `https://${this.restApi.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${props.stageName}`;
  }

  /**
   * Routes come from src/http/routes.ts, the table the local server routes
   * with too. Each method records how its caller is authenticated
   * (lib/constructs/route-authentication.ts): by the function, never by API
   * Gateway.
   */
  addRoutes(routes: readonly RouteDefinition[], targets: Record<FunctionName, IFunction>): void {
    const integrations = new Map<FunctionName, LambdaIntegration>();
    for (const route of routes) {
      const authentication = authenticationOf(route);
      let integration = integrations.get(route.function);
      if (!integration) {
        integration = new LambdaIntegration(targets[route.function], { allowTestInvoke: false });
        integrations.set(route.function, integration);
      }
      const method = this.restApi.root.resourceForPath(route.resource).addMethod(route.method, integration, { authorizationType: AuthorizationType.NONE });
      const reason = authenticationReason(authentication);
      acknowledgeFinding(method, 'APIG4', reason);
      acknowledgeFinding(method, 'COG4', reason);
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
