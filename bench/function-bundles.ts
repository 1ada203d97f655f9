import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { bundleHandler, STACK_LIKE_ENVIRONMENT } from '../test/infra/support/bundle-handler';

const run = promisify(execFile);

/** The stack's environment with dummy values, and the Powertools settings of its defaults. */
const LAMBDA_ENVIRONMENT = {
  ...STACK_LIKE_ENVIRONMENT,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  // powertoolsEnvironment() of lib/constructs/observability.ts with the stack's defaults.
  POWERTOOLS_SERVICE_NAME: 'device-idp',
  POWERTOOLS_METRICS_NAMESPACE: 'DeviceIdp',
  POWERTOOLS_TRACE_ENABLED: 'false',
  POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
};

/**
 * Bundles `functions/<name>/handler.ts` as `cdk synth` does, with the
 * NodejsFunction options of lib/constructs/idp-function.ts (ESM, node22, the
 * require banner, minified, source map beside the file without sources, and
 * `@aws-sdk/*` external, loaded with require: the Node.js 22 runtime provides
 * the SDK) into
 * `outdir/<name>/index.mjs`. `outdir` must be inside the repository, so that
 * importing the bundle loads the SDK from node_modules as the runtime loads
 * its own: the init time includes the SDK. Returns the path and byte size of
 * the .mjs (the source map excluded).
 */
export async function bundleFunction(name: string, outdir: string): Promise<FunctionBundle> {
  const file = join(outdir, name, 'index.mjs');
  const metafile = await bundleHandler(name, file, { sourcemap: true });
  return { file, bytes: statSync(file).size, packages: bytesByPackage(Object.values(metafile.outputs).find((output) => output.entryPoint)?.inputs ?? {}) };
}

export interface FunctionBundle {
  readonly file: string;
  readonly bytes: number;
  /** Bytes of the output per npm package (`(project)` for the repository's own code), largest first. */
  readonly packages: readonly { name: string; bytes: number }[];
}

function bytesByPackage(inputs: Record<string, { bytesInOutput: number }>): { name: string; bytes: number }[] {
  const totals = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    const inPackage = path.split('node_modules/').pop() ?? path;
    const name = inPackage === path ? '(project)' : (/^(@[^/]+\/)?[^/]+/.exec(inPackage)?.[0] ?? inPackage);
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** NODE_OPTIONS of the stack's functions (lib/constructs/idp-function.ts sets none: no `--enable-source-maps`). */
export const STACK_NODE_OPTIONS = '';

/**
 * Milliseconds to `import()` the bundle in `runs` fresh Node processes,
 * measured inside each with performance.now() around the import (Node's own
 * start excluded). `nodeOptions` as the function runs with it
 * ({@link STACK_NODE_OPTIONS}).
 */
export async function importTimes(file: string, runs: number, nodeOptions: string): Promise<number[]> {
  const script =
    `const started = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); ` +
    'process.stdout.write(JSON.stringify({ importMs: performance.now() - started }));';
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, ...LAMBDA_ENVIRONMENT, NODE_OPTIONS: nodeOptions },
      encoding: 'utf8',
      timeout: 30_000,
    });
    times.push((JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { importMs: number }).importMs);
  }
  return times;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
