import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { ESM_REQUIRE_BANNER } from '../../../lib/constructs/idp-function';

const ROOT = resolve(__dirname, '..', '..', '..');

/**
 * Bundles `functions/<name>/handler.ts` as the stack's NodejsFunction does
 * (ESM, node22, the same require banner, @aws-sdk external) into `outfile`.
 */
export async function bundleHandler(name: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [join(ROOT, 'functions', name, 'handler.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    external: ['@aws-sdk/*'],
    logLevel: 'silent',
  });
}
