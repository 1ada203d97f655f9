import { resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Exit statuses: sysexits' EX_USAGE is 64, but 2 is what this repository's CLIs and most Unix tools use for usage errors. */
export const EXIT = { ok: 0, failed: 1, usage: 2, temporarilyUnavailable: 75 } as const;

export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `npm exec`/`npm run` may run in the package root; INIT_CWD is where the caller stands (as bin/validate-chain.ts does). */
export function callerPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.INIT_CWD || process.cwd(), path);
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs in strict mode, its refusals turned into UsageErrors
 * that carry the command's usage line.
 */
export function parseOptions<T extends Options>(argv: readonly string[], options: T, usage: string) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0], usage);
  }
}

export function required(value: string | undefined, flag: string, usage: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required`, usage);
  return value;
}

export function positiveInteger(value: string | undefined, flag: string, usage: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) throw new UsageError(`${flag} must be a whole number from 1 to ${max}`, usage);
  return Number(value);
}

/** Secrets never travel as arguments: other local users read them from `ps` and shell history. */
export function refuseSecretArguments(argv: readonly string[], usage: string): void {
  const secret = argv.find((arg) => /^--(passphrase|password|passin|pass)(=|$)/.test(arg));
  if (secret !== undefined) {
    throw new UsageError(`${secret.split('=')[0]} is not accepted: give the passphrase in a file (--passphrase-file) or in $DEVICE_IDP_PASSPHRASE`, usage);
  }
}
