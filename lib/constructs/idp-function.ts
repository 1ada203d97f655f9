import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeFinding, acknowledgeWildcardResource } from './nag-acknowledgements';
import { type FunctionObservability, powertoolsEnvironment } from './observability';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/**
 * ESM output lets handlers use top-level await for cold-start configuration;
 * the banner gives bundled CommonJS dependencies a working `require`.
 */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * The AWS SDK clients the functions load from the Node.js 22 runtime (a new
 * one needs its file in aws-sdk-require/ and a place here). Every other
 * package is bundled, the SDK's parts that src/aws-json/ is built from
 * (`@smithy/*`, `@aws-sdk/util-dynamodb`, …) included: DynamoDB (all
 * functions) and KMS signing (token) go through src/aws-json/, so these
 * clients load only where a function uses KMS keys, S3 or Secrets Manager.
 */
const AWS_SDK_PACKAGES = ['client-kms', 'client-s3', 'client-secrets-manager'] as const;

/** esbuild externals: the runtime's SDK clients above, nothing else. */
export const RUNTIME_SDK_CLIENTS: readonly string[] = AWS_SDK_PACKAGES.map((name) => `@aws-sdk/${name}`);

/**
 * esbuild aliases, relative to the project root: each SDK package the
 * functions import is bundled as a one-line module that `require`s the
 * runtime's package (lib/constructs/aws-sdk-require/). An ESM `import` of the
 * SDK's CommonJS entry files makes Node parse each of them twice more before
 * loading it (format detection, then cjs-module-lexer for its export names):
 * about a third of a function's cold-start import time (README "Benchmark",
 * `<function>_init_ms`). The package itself stays external: the Node.js 22
 * runtime provides it.
 */
export const AWS_SDK_REQUIRE_ALIASES: Readonly<Record<string, string>> = Object.fromEntries(
  AWS_SDK_PACKAGES.map((name) => [`@aws-sdk/${name}`, `./lib/constructs/aws-sdk-require/${name}.cjs`]),
);

export interface IdpFunctionProps {
  /** Folder under `functions/` whose `handler.ts` exports `handler`. */
  readonly name: string;
  readonly description: string;
  readonly environment: Record<string, string>;
  readonly logRetention: RetentionDays;
  /** X-Ray and the Powertools settings every function gets (lib/constructs/observability.ts). */
  readonly observability: FunctionObservability;
  readonly memorySize?: number;
  readonly timeout?: Duration;
}

/**
 * Shared defaults for every Lambda function: Node.js 22 on arm64, esbuild, its
 * own log group, and its own role whose only built-in right is writing that
 * log group (no AWSLambdaBasicExecutionRole, which may write every log group
 * of the account).
 */
export class IdpFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: IdpFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    this.role = new Role(this, 'ServiceRole', {
      description: `Execution role of the ${props.name} function`,
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: {
        // The log group exists before the function (no CreateLogGroup); its ARN ends in `:*`, i.e. its streams.
        WriteOwnLogs: new PolicyDocument({
          statements: [new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] })],
        }),
      },
    });
    this.function = new NodejsFunction(this, 'Function', {
      description: props.description,
      entry: path.join(PROJECT_ROOT, 'functions', props.name, 'handler.ts'),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      tracing: props.observability.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      logGroup: this.logGroup,
      // No NODE_OPTIONS=--enable-source-maps: with it Node reads every module it loads for a source map at cold start.
      // The map ships beside the bundle for reading a stack trace (docs/operations.md "Stack traces").
      environment: { ...powertoolsEnvironment(props.observability), ...props.environment },
      bundling: {
        target: 'node22',
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The runtime's SDK clients stay external (the Node.js 22 runtime ships SDK v3), loaded with require (AWS_SDK_REQUIRE_ALIASES).
        externalModules: [...RUNTIME_SDK_CLIENTS],
        esbuildArgs: { '--alias': Object.entries(AWS_SDK_REQUIRE_ALIASES).map(([name, file]) => `${name}=${file}`) },
        // Without tracing, the Tracer (and the X-Ray SDK, ~126 KB) is dead code: src/observability.ts loads it only when this is 'true'.
        ...(props.observability.tracing ? {} : { define: { 'process.env.POWERTOOLS_TRACE_ENABLED': JSON.stringify('false') } }),
      },
    });
    acknowledgeFinding(
      this.function,
      'L1',
      'nodejs22.x is a supported Lambda runtime (Node.js 22 LTS, security updates until April 2027); bundles target node22 and the ' +
        'local runtime and tests run the same major, so moving to a newer runtime is a deliberate upgrade, not a template default.',
    );
    if (props.observability.tracing) {
      // Tracing.ACTIVE adds xray:PutTraceSegments and xray:PutTelemetryRecords on "*".
      acknowledgeWildcardResource(
        this.role,
        '*',
        'X-Ray PutTraceSegments and PutTelemetryRecords (added by active tracing) support no resource-level permissions: ' +
          'the X-Ray documentation requires "*" for them. They can only send trace data.',
      );
    }
  }
}
