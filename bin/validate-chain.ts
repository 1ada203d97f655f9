/**
 * Validates a device certificate chain the way the token endpoint does (SPEC §4.3).
 *
 *   npm run -s validate-chain -- --trusted root.pem --chain device.chain.pem [--at 2026-01-01T00:00:00Z]
 *
 * --trusted  PEM file with one or more trusted root certificates (repeatable)
 * --chain    PEM file: the device certificate first, then intermediates (root optional)
 * --at       validation time (ISO 8601); default: now
 *
 * Prints one JSON line {"valid", "code", "detail"}; exits 0 when valid,
 * 1 when not, 2 on usage errors (code "usage").
 */
import { readFileSync } from 'node:fs';
import { decodePemCertificates, devicePolicy, tryParseCertificate, validateChain } from '../src/domain/chain';

type Outcome = { valid: boolean; code: string; detail: string };

class UsageError extends Error {}

const USAGE = 'usage: validate-chain --trusted <root.pem> [--trusted <more.pem>] --chain <chain.pem> [--at <ISO-8601 time>]';

interface Arguments {
  trusted: string[];
  chain: string;
  at: Date;
}

function parseArguments(argv: readonly string[]): Arguments {
  const trusted: string[] = [];
  let chain: string | undefined;
  let at: Date | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (!['--trusted', '--chain', '--at'].includes(flag)) throw new UsageError(`unknown argument "${flag}"; ${USAGE}`);
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value; ${USAGE}`);
    i++;
    if (flag === '--trusted') trusted.push(value);
    if (flag === '--chain') {
      if (chain !== undefined) throw new UsageError(`--chain given twice; ${USAGE}`);
      chain = value;
    }
    if (flag === '--at') {
      at = new Date(value);
      if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at.getTime())) throw new UsageError(`--at "${value}" is not an ISO 8601 time`);
    }
  }
  if (trusted.length === 0 || chain === undefined) throw new UsageError(`--trusted and --chain are required; ${USAGE}`);
  return { trusted, chain, at: at ?? new Date() };
}

function readCertificates(path: string, what: string): Uint8Array[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} file "${path}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const decoded = decodePemCertificates(text);
  if (!decoded.ok) throw new UsageError(`${what} file "${path}": ${decoded.reason}`);
  return decoded.certificates;
}

async function run(argv: readonly string[]): Promise<Outcome> {
  const args = parseArguments(argv);
  const anchors = args.trusted.flatMap((path) => readCertificates(path, 'trusted'));
  // A trusted file the operator cannot read correctly is a usage error, not a failed chain.
  for (const anchor of anchors) {
    const parsed = tryParseCertificate(anchor);
    if (!parsed.ok) throw new UsageError(`a trusted certificate cannot be parsed: ${parsed.detail}`);
  }
  const chain = readCertificates(args.chain, 'chain');
  const result = await validateChain({ chain, anchors }, devicePolicy(args.at));
  if (!result.valid) return { valid: false, code: result.code, detail: result.detail };
  return {
    valid: true,
    code: 'ok',
    detail: `'${result.leaf.subjectDn}' chains to trust anchor '${result.anchor.subjectDn}' (${result.path.length} certificates) at ${args.at.toISOString()}`,
  };
}

async function main(): Promise<void> {
  let outcome: Outcome;
  let exitCode: number;
  try {
    outcome = await run(process.argv.slice(2));
    exitCode = outcome.valid ? 0 : 1;
  } catch (error) {
    const usage = error instanceof UsageError || error instanceof TypeError;
    outcome = { valid: false, code: usage ? 'usage' : 'error', detail: (error as Error).message };
    exitCode = 2;
  }
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
  process.exitCode = exitCode;
}

void main();
