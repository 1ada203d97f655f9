/**
 * What every function is told for Powertools for AWS Lambda (TypeScript):
 * its Logger, Metrics and Tracer read these variables at cold start
 * (https://docs.powertools.aws.dev/lambda/typescript/latest/environment-variables/).
 */
export interface FunctionObservability {
  /** Lambda active tracing (X-Ray) and the Powertools Tracer (`POWERTOOLS_TRACE_ENABLED`). */
  readonly tracing: boolean;
  /** `POWERTOOLS_SERVICE_NAME`: the `service` key of every log line and the default metric dimension. */
  readonly serviceName: string;
  /** `POWERTOOLS_METRICS_NAMESPACE`: the CloudWatch namespace of the functions' metrics. */
  readonly metricsNamespace: string;
}

const POWERTOOLS_ENV = {
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  traceEnabled: 'POWERTOOLS_TRACE_ENABLED',
  tracerCaptureResponse: 'POWERTOOLS_TRACER_CAPTURE_RESPONSE',
} as const;

/** CloudWatch: 1–255 characters of `[A-Za-z0-9.\-_/#:]`, not starting with `AWS/` (reserved). */
const METRICS_NAMESPACE = /^(?!AWS\/)[A-Za-z0-9.\-_/#:]{1,255}$/;
/** A log field and a metric dimension value; kept to a plain identifier. */
const SERVICE_NAME = /^[A-Za-z0-9._-]{1,128}$/;

export function validObservability(settings: FunctionObservability): FunctionObservability {
  if (!SERVICE_NAME.test(settings.serviceName)) throw new Error(`serviceName must match ${SERVICE_NAME.source}, got ${settings.serviceName}`);
  if (!METRICS_NAMESPACE.test(settings.metricsNamespace)) {
    throw new Error(`metricsNamespace must be 1-255 characters of [A-Za-z0-9.-_/#:] and not start with AWS/, got ${settings.metricsNamespace}`);
  }
  return settings;
}

/**
 * The Powertools variables of one function. The Tracer never records handler
 * responses (`POWERTOOLS_TRACER_CAPTURE_RESPONSE=false`): they carry access
 * tokens and newly created API keys, which must not reach X-Ray (SECURITY.md
 * row 5).
 */
export function powertoolsEnvironment(settings: FunctionObservability): Record<string, string> {
  return {
    [POWERTOOLS_ENV.serviceName]: settings.serviceName,
    [POWERTOOLS_ENV.metricsNamespace]: settings.metricsNamespace,
    [POWERTOOLS_ENV.traceEnabled]: String(settings.tracing),
    [POWERTOOLS_ENV.tracerCaptureResponse]: 'false',
  };
}
