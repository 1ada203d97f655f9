import { Logger, LogLevel } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { MiddlewareObj } from '@middy/core';
import type { AwsCallTracer } from './aws-json/aws-json-client';
import { logLevelSetting } from './config';
import type { RevocationErrorCode } from './domain/revocation/error-codes';
import { type Dependency, DomainError } from './errors';

/**
 * The functions' Logger, Metrics and Tracer: Powertools for AWS Lambda
 * (TypeScript), configured at cold start from the variables the stack sets
 * (lib/constructs/observability.ts; the list:
 * https://docs.powertools.aws.dev/lambda/typescript/latest/environment-variables/).
 * Callers log codes and identifiers only: never a request, its headers or
 * body, an API key, an assertion or a token (SECURITY.md row 5).
 */

/*
 * The Powertools variables (POWERTOOLS_*) are read here and by Powertools
 * itself, not through src/config.ts: Logger, Metrics and Tracer are created
 * when this module is first imported, and Powertools reads the rest of its
 * settings from the environment on its own.
 */

/** `service` of every log line and the default metric dimension (the stack sets POWERTOOLS_SERVICE_NAME). */
const SERVICE_NAME = process.env.POWERTOOLS_SERVICE_NAME || 'device-idp';

export class ObservabilityConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ObservabilityConfigError';
  }
}

/**
 * IDP_LOG_LEVEL (trace, debug, info, warn, error, critical or silent, any
 * case) wins over POWERTOOLS_LOG_LEVEL; unset, Powertools reads its own
 * variables (default INFO). Lambda's advanced logging controls
 * (AWS_LAMBDA_LOG_LEVEL) win over both. Tests and the bench set `silent`.
 */
export function idpLogLevel(value: string | undefined): keyof typeof LogLevel | undefined {
  if (value === undefined || value === '') return undefined;
  const level = value.toUpperCase();
  if (!Object.hasOwn(LogLevel, level)) {
    throw new ObservabilityConfigError(`IDP_LOG_LEVEL must be one of ${Object.keys(LogLevel).join(', ').toLowerCase()}, got ${value}`);
  }
  return level as keyof typeof LogLevel;
}

export const logger = new Logger({ serviceName: SERVICE_NAME, logLevel: idpLogLevel(logLevelSetting()) });

/**
 * Namespace from POWERTOOLS_METRICS_NAMESPACE. Off when POWERTOOLS_METRICS_DISABLED
 * is true (the local runtime and jest set it). Metrics' own warnings go to a
 * logger that keeps errors only: `logMetrics` warns on every invocation that
 * recorded nothing (most admin and discovery requests), which is expected here.
 */
const metrics = new Metrics({ serviceName: SERVICE_NAME, logger: logger.createChild({ logLevel: LogLevel.ERROR }) });

/**
 * Only with POWERTOOLS_TRACE_ENABLED=true (the stack's `tracing` prop) is the
 * Tracer, and with it the X-Ray SDK, loaded: required here rather than
 * imported, so a function without tracing never evaluates it at cold start.
 * The variable is compared where the module is required (not through a
 * constant) so that a bundler defining it drops the Tracer from the bundle.
 */
const tracer: Tracer | undefined =
  process.env.POWERTOOLS_TRACE_ENABLED === 'true'
    ? new (require('@aws-lambda-powertools/tracer') as typeof import('@aws-lambda-powertools/tracer')).Tracer({ serviceName: SERVICE_NAME })
    : undefined;

/** An AWS SDK v3 client whose calls become X-Ray subsegments when tracing is on; the client itself otherwise. */
export function traced<T>(client: T): T {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}

/**
 * With tracing on, what makes each call of an AWS JSON client (src/aws-json/)
 * an X-Ray subsegment as the SDK's traced clients record theirs: named after
 * the service, namespace `aws`, its operation and request id; undefined when
 * tracing is off.
 */
export function awsCallTracer(service: 'DynamoDB' | 'KMS'): AwsCallTracer | undefined {
  const active = tracer;
  if (!active) return undefined;
  return async (operation, call) => {
    const subsegment = active.getSegment()?.addNewSubsegment(service);
    if (!subsegment) return call();
    subsegment.addAttribute('namespace', 'aws');
    try {
      const output = await call();
      subsegment.addAttribute('aws', { operation, request_id: output.$metadata.requestId, retries: (output.$metadata.attempts ?? 1) - 1 });
      subsegment.close();
      return output;
    } catch (error) {
      subsegment.addAttribute('aws', { operation });
      subsegment.close(error instanceof Error ? error : String(error));
      throw error;
    }
  };
}

/**
 * The observability middlewares of a function, outermost first: the Tracer's
 * handler segment (never the response: it carries access tokens and new API
 * keys), the Lambda context on every log line (and the keys appended during
 * the invocation removed after it), and the flush of the invocation's metrics
 * as one EMF document.
 */
export function observabilityMiddlewares(): MiddlewareObj[] {
  const middlewares = [injectLambdaContext(logger, { resetKeys: true }), logMetrics(metrics)] as MiddlewareObj[];
  if (process.env.POWERTOOLS_TRACE_ENABLED !== 'true' || !tracer) return middlewares;
  const { captureLambdaHandler } = require('@aws-lambda-powertools/tracer/middleware') as typeof import('@aws-lambda-powertools/tracer/middleware');
  return [captureLambdaHandler(tracer, { captureResponse: false }) as MiddlewareObj, ...middlewares];
}

/** CloudWatch metric names (namespace POWERTOOLS_METRICS_NAMESPACE, unit Count, dimension `service` plus the one named). */
const METRIC_NAMES = {
  /** An access token answered 200 by the token endpoint. */
  tokensIssued: 'TokensIssued',
  /** A token request refused with a domain error code; dimension `code` (a bounded set: the registries of src/domain and src/http). */
  tokenRefusals: 'TokenRefusals',
  /** A request answered 503 because a backing service failed; dimension `dependency` (dynamodb, s3, kms, secrets). */
  dependencyFailures: 'DependencyFailures',
  /** A token refused because a CRL of the device's path is past its nextUpdate (RFC 5280 §5.1.2.5). */
  staleCrls: 'StaleCrls',
} as const;

const STALE_CRL_CODES: readonly string[] = ['crl_expired'] satisfies RevocationErrorCode[];

/**
 * Runs one token request and counts its outcome: TokensIssued on an answer,
 * TokenRefusals (and StaleCrls for a stale CRL) on a domain refusal. A
 * dependency failure is counted by the error middleware (src/http/middlewares.ts).
 */
export async function countTokenOutcome<T>(request: () => Promise<T>): Promise<T> {
  let answer: T;
  try {
    answer = await request();
  } catch (error) {
    if (error instanceof DomainError) countRefusal(error.code);
    throw error;
  }
  metrics.addMetric(METRIC_NAMES.tokensIssued, MetricUnit.Count, 1);
  return answer;
}

function countRefusal(code: string): void {
  // Its own EMF document: the `code` dimension must not reach the invocation's other metrics.
  metrics.singleMetric().addDimension('code', code).addMetric(METRIC_NAMES.tokenRefusals, MetricUnit.Count, 1);
  if (STALE_CRL_CODES.includes(code)) metrics.addMetric(METRIC_NAMES.staleCrls, MetricUnit.Count, 1);
}

export function countDependencyFailure(dependency: Dependency): void {
  metrics.singleMetric().addDimension('dependency', dependency).addMetric(METRIC_NAMES.dependencyFailures, MetricUnit.Count, 1);
}
