import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { AWS_SDK_REQUIRE_ALIASES, ESM_REQUIRE_BANNER, RUNTIME_SDK_CLIENTS } from '../../../lib/constructs/idp-function';

const ROOT = resolve(__dirname, '..', '..', '..');

/**
 * The environment the stack gives the functions, with dummy values: enough
 * for every handler module to pass its cold-start configuration checks.
 */
export const STACK_LIKE_ENVIRONMENT = {
  TABLE_NAME: 'table',
  RUNTIME_TABLE_NAME: 'runtime-table',
  BUCKET_NAME: 'bucket',
  KMS_KEY_ID: 'arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000',
  ADMIN_API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:admin',
  ISSUER_BASE_URL: 'https://api.example.com/prod',
  TOKEN_TTL_SECONDS: '3600',
  SIGNING_KEY_STACK_TAG: 'DeviceIdp',
  SIGNING_KEY_SPEC: 'ECC_NIST_P256',
  SIGNING_KEY_ALIAS_PREFIX: 'alias/device-idp/DeviceIdp',
  AWS_REGION: 'eu-west-1',
  IDP_LOG_LEVEL: 'silent',
};

/**
 * Bundles `functions/<name>/handler.ts` as the stack's NodejsFunction does
 * (lib/constructs/idp-function.ts: ESM, node22, the same require banner,
 * the runtime's SDK clients external and loaded with require through the same aliases,
 * minified, the Tracer left out as with `tracing` off)
 * into `outfile`; with `sourcemap`, a map beside it without sources.
 * Returns esbuild's metafile.
 */
export async function bundleHandler(name: string, outfile: string, { sourcemap = false } = {}): Promise<Metafile> {
  const { metafile } = await build({
    entryPoints: [join(ROOT, 'functions', name, 'handler.ts')],
    outfile,
    // The aliases are relative to the project root, where the CDK runs esbuild.
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    external: [...RUNTIME_SDK_CLIENTS],
    alias: AWS_SDK_REQUIRE_ALIASES,
    minify: true,
    ...(sourcemap ? { sourcemap: true, sourcesContent: false } : {}),
    define: { 'process.env.POWERTOOLS_TRACE_ENABLED': JSON.stringify('false') },
    metafile: true,
    logLevel: 'silent',
  });
  return metafile;
}
