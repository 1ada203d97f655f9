import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AWS_SDK_REQUIRE_ALIASES } from '../../lib/constructs/idp-function';
import { bundleHandler, STACK_LIKE_ENVIRONMENT } from './support/bundle-handler';

/*
 * The infra tests skip bundling for speed, so this one bundles each function
 * the way NodejsFunction does (ESM, node22, @aws-sdk external, require banner)
 * and runs the bundle in a fresh Node process: it must load with the stack's
 * environment and answer a request that needs no AWS call.
 */
const ROOT = resolve(__dirname, '..', '..');
const OUT = join(ROOT, '.cache', 'bundle-test');

const ENVIRONMENT = STACK_LIKE_ENVIRONMENT;

const CASES: Array<[name: string, event: Record<string, unknown>, status: number, error: string]> = [
  ['admin', { httpMethod: 'POST', resource: '/api/internal/org', headers: {}, pathParameters: null, body: '{}' }, 401, 'missing_api_key'],
  [
    'certificates',
    { httpMethod: 'GET', resource: '/api/internal/{clientPoolId}/certificates', headers: {}, pathParameters: { clientPoolId: 'p' } },
    401,
    'missing_api_key',
  ],
  [
    'token',
    {
      httpMethod: 'POST',
      resource: '/pools/{clientPoolId}/oauth2/token',
      headers: { 'content-type': 'application/json' },
      pathParameters: { clientPoolId: 'p' },
      body: '{}',
    },
    400,
    'invalid_request',
  ],
];

describe('bundled Lambda handlers', () => {
  beforeAll(() => mkdirSync(OUT, { recursive: true }));
  afterAll(() => rmSync(OUT, { recursive: true, force: true }));

  it.each(CASES)('%s bundles, loads and answers', async (name, event, status, error) => {
    const outfile = join(OUT, name, 'index.mjs');
    const metafile = await bundleHandler(name, outfile);
    // The SDK is loaded with require through the aliases, never imported as ESM (lib/constructs/idp-function.ts).
    const sdkImports = Object.values(metafile.outputs).flatMap((output) => output.imports.filter((entry) => entry.path.startsWith('@aws-sdk/')));
    expect(sdkImports).toEqual([]);
    const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(outfile).href)});
      const result = await handler(JSON.parse(process.argv[1]), { getRemainingTimeInMillis: () => 10000 });
      console.log(JSON.stringify({ status: result.statusCode, error: JSON.parse(result.body).error }));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(event)], {
      env: { PATH: process.env.PATH, ...ENVIRONMENT },
      encoding: 'utf8',
    });
    expect(JSON.parse(output.trim().split('\n').pop() ?? '')).toEqual({ status, error });
  });
});

describe('AWS SDK aliases of the bundles', () => {
  it.each(Object.entries(AWS_SDK_REQUIRE_ALIASES))('%s is bundled as a module that exports the package itself', (name, file) => {
    expect(require(resolve(ROOT, file))).toBe(require(name));
  });
});
