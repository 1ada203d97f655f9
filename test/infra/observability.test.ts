import { synthIdp, type TemplateJson } from './support/synth-stack';
import { roleStatements } from './support/template-queries';

/*
 * Powertools for AWS Lambda reads its settings from the environment; the
 * `tracing` prop switches X-Ray on for the functions and the API stage and
 * tells the Tracer so. Responses (tokens, new API keys) are never captured.
 */
const functionsOf = (json: TemplateJson) => Object.entries(json.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
const xrayActions = (json: TemplateJson, id: string) =>
  roleStatements(json, id)
    .flatMap((s) => s.actions)
    .filter((a) => a.startsWith('xray:'));

describe('tracing off (default)', () => {
  const { json } = synthIdp();

  it('leaves X-Ray off for all four functions and the Tracer disabled, with no X-Ray rights', () => {
    const functions = functionsOf(json);
    expect(functions).toHaveLength(4);
    for (const [id, fn] of functions) {
      expect(fn.Properties.TracingConfig ?? { Mode: 'PassThrough' }).toEqual({ Mode: 'PassThrough' });
      expect(fn.Properties.Environment.Variables).toMatchObject({ POWERTOOLS_TRACE_ENABLED: 'false', POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false' });
      expect(xrayActions(json, id)).toEqual([]);
    }
  });

  it('names the service and metrics namespace of every function', () => {
    for (const [, fn] of functionsOf(json)) {
      expect(fn.Properties.Environment.Variables).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'device-idp', POWERTOOLS_METRICS_NAMESPACE: 'DeviceIdp' });
    }
  });
});

describe('tracing: true', () => {
  const { json } = synthIdp({ tracing: true, serviceName: 'pos-idp', metricsNamespace: 'Acme/DeviceIdp' });

  it('turns on active tracing and the Tracer for every function, still without capturing responses', () => {
    for (const [id, fn] of functionsOf(json)) {
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Environment.Variables).toMatchObject({
        POWERTOOLS_TRACE_ENABLED: 'true',
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
        POWERTOOLS_SERVICE_NAME: 'pos-idp',
        POWERTOOLS_METRICS_NAMESPACE: 'Acme/DeviceIdp',
      });
      expect(xrayActions(json, id).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
  });

  it('traces the API stage', () => {
    const [stage] = Object.values(json.Resources).filter((r) => r.Type === 'AWS::ApiGateway::Stage');
    expect(stage.Properties.TracingEnabled).toBe(true);
  });
});

describe('settings refused at synth time', () => {
  it.each([
    [{ metricsNamespace: 'AWS/Lambda' }, /metricsNamespace/],
    [{ metricsNamespace: 'has space' }, /metricsNamespace/],
    [{ metricsNamespace: '' }, /metricsNamespace/],
    [{ serviceName: 'a b' }, /serviceName/],
  ])('%j', (props, message) => {
    expect(() => synthIdp(props)).toThrow(message);
  });
});
