import { idpLogLevel, ObservabilityConfigError } from '../../../src/observability';

/*
 * How src/observability.ts reads its settings at cold start: IDP_LOG_LEVEL as
 * a Powertools log level, and the Tracer present only when the stack turned
 * tracing on (POWERTOOLS_TRACE_ENABLED=true).
 */
describe('observability settings', () => {
  it('IDP_LOG_LEVEL names a Powertools level in any case; unset leaves the choice to POWERTOOLS_LOG_LEVEL', () => {
    expect(idpLogLevel('silent')).toBe('SILENT');
    expect(idpLogLevel('Info')).toBe('INFO');
    expect(idpLogLevel('CRITICAL')).toBe('CRITICAL');
    expect(idpLogLevel(undefined)).toBeUndefined();
    expect(idpLogLevel('')).toBeUndefined();
  });

  it('an unknown IDP_LOG_LEVEL fails at cold start rather than logging at a level nobody chose', () => {
    expect(() => idpLogLevel('verbose')).toThrow(ObservabilityConfigError);
    expect(() => idpLogLevel('verbose')).toThrow('IDP_LOG_LEVEL must be one of trace, debug, info, warn, error, silent, critical, got verbose');
  });

  describe.each([
    { traceEnabled: 'true', traced: true },
    { traceEnabled: 'false', traced: false },
    { traceEnabled: undefined, traced: false },
  ])('POWERTOOLS_TRACE_ENABLED=$traceEnabled', ({ traceEnabled, traced }) => {
    let observability: typeof import('../../../src/observability');
    const env = { ...process.env };
    // As in a function: the variable is set for its whole life, and the module loaded with it.
    beforeAll(() => {
      if (traceEnabled === undefined) delete process.env.POWERTOOLS_TRACE_ENABLED;
      else process.env.POWERTOOLS_TRACE_ENABLED = traceEnabled;
      jest.isolateModules(() => {
        observability = require('../../../src/observability') as typeof import('../../../src/observability');
      });
    });
    afterAll(() => {
      process.env = env;
    });

    it(traced ? 'a Tracer, and its handler segment first in the chain' : 'no Tracer: the chain is Logger context and metrics only', () => {
      expect(observability.observabilityMiddlewares()).toHaveLength(traced ? 3 : 2);
    });

    it(traced ? "the AWS JSON clients' calls are traced, their answers and errors unchanged" : 'the AWS JSON clients are not traced', async () => {
      const tracer = observability.awsCallTracer('DynamoDB');
      if (!traced) {
        expect(tracer).toBeUndefined();
        return;
      }
      const output = { Item: { pk: 'a' }, $metadata: { httpStatusCode: 200, attempts: 1 } };
      await expect(tracer?.('GetItem', async () => output)).resolves.toBe(output);
      const failure = Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      await expect(tracer?.('GetItem', () => Promise.reject(failure))).rejects.toBe(failure);
    });
  });
});
