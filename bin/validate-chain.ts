/**
 * Validates a device certificate chain the way the token endpoint does: the
 * path (RFC 5280 §6.1, https://www.rfc-editor.org/rfc/rfc5280#section-6.1),
 * then revocation against operator-supplied CRLs. `--help` prints the usage.
 *
 * Prints one JSON line {"valid", "code", "detail"}; exits 0 when valid,
 * 1 when not (a chain code, a CRL's crl_* import code, or certificate_revoked /
 * crl_expired / crl_missing / crl_issuer_revoked), 2 on usage errors (code "usage").
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type ChainValidationResult,
  decodePemCertificates,
  devicePolicy,
  type ParsedCertificate,
  tryParseCertificate,
  validateChain,
} from '../src/domain/chain';
import { assessCrlImport, CrlImportError, checkRevocation, findCrlIssuer, type ImportedCrl, parseCrl, revocationViewOf } from '../src/domain/revocation';

type Outcome = { valid: boolean; code: string; detail: string };

class UsageError extends Error {}

const USAGE =
  'usage: validate-chain --trusted <root.pem>... --chain <chain.pem> [--untrusted <pool.pem>]... [--crl <file.crl>]... [--require-crl] [--at <ISO-8601 time>]';

const HELP = `${USAGE}

  --trusted <file>    PEM file with one or more trusted root certificates (repeatable)
  --chain <file>      PEM file: the device certificate first, then its intermediates in
                      order (root optional), as the device sends them in x5c
  --untrusted <file>  PEM file of intermediates in any order (repeatable): the path is built
                      from the device certificate (the first one of --chain) through them;
                      the rest of --chain joins them. Still at most 4 intermediates deep.
  --crl <file>        CRL, PEM or DER (repeatable), imported as the admin API does at the
                      --at time; its signer is looked up among the trusted, chain and untrusted
                      certificates by name and key (a separate CRL-signing certificate goes in
                      --untrusted). A CRL covers the certificates of its issuer's name when its
                      signer validates to the same root (RFC 5280 §6.3.3). Distribution points
                      are never fetched.
  --require-crl       every issuer on the path must have a current CRL (else crl_missing)
  --at <time>         validation time (ISO 8601); default: now
  --help              this text

Relative paths are read from the directory the command is run in (npm's INIT_CWD).
Prints one JSON line {"valid","code","detail"}; exit 0 valid, 1 not valid, 2 usage error.
`;

/** `npm run` executes in the package root; INIT_CWD is where the operator stands. */
const callerDirectory = (): string => process.env.INIT_CWD || process.cwd();

interface Arguments {
  trusted: string[];
  chain: string;
  untrusted: string[];
  crls: string[];
  requireCrl: boolean;
  at: Date;
}

function parseArguments(argv: readonly string[]): Arguments {
  const args: Partial<Arguments> & { trusted: string[]; untrusted: string[]; crls: string[] } = { trusted: [], untrusted: [], crls: [], requireCrl: false };
  const path = (value: string): string => resolve(callerDirectory(), value);
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--require-crl') {
      args.requireCrl = true;
      continue;
    }
    const value = argv[i + 1];
    if (!['--trusted', '--chain', '--untrusted', '--crl', '--at'].includes(flag)) throw new UsageError(`unknown argument "${flag}"; ${USAGE}`);
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value; ${USAGE}`);
    i++;
    if (flag === '--trusted') args.trusted.push(path(value));
    if (flag === '--untrusted') args.untrusted.push(path(value));
    if (flag === '--crl') args.crls.push(path(value));
    if (flag === '--chain') {
      if (args.chain !== undefined) throw new UsageError(`--chain given twice; ${USAGE}`);
      args.chain = path(value);
    }
    if (flag === '--at') {
      args.at = new Date(value);
      if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(args.at.getTime())) throw new UsageError(`--at "${value}" is not an ISO 8601 time`);
    }
  }
  if (args.trusted.length === 0 || args.chain === undefined) throw new UsageError(`--trusted and --chain are required; ${USAGE}`);
  return {
    trusted: args.trusted,
    chain: args.chain,
    untrusted: args.untrusted,
    crls: args.crls,
    requireCrl: args.requireCrl === true,
    at: args.at ?? new Date(),
  };
}

function readFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read ${what} file "${path}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function readCertificates(path: string, what: string): Uint8Array[] {
  const decoded = decodePemCertificates(readFile(path, what));
  if (!decoded.ok) throw new UsageError(`${what} file "${path}": ${decoded.reason}`);
  return decoded.certificates;
}

function parseAll(certificates: readonly Uint8Array[]): ParsedCertificate[] {
  return certificates.flatMap((der) => {
    const parsed = tryParseCertificate(der);
    return parsed.ok ? [parsed.certificate] : [];
  });
}

/**
 * Each CRL is imported as the admin API would: issued by a trusted root
 * (no issuer certificate), or by a certificate of the chain (the path) or of
 * `others` (e.g. a separate CRL-signing certificate in --untrusted), passed
 * with the chain's other certificates, through which its own path is built.
 * Per scope and signing key the newest CRL counts.
 */
async function importCrls(
  paths: readonly string[],
  anchors: readonly Uint8Array[],
  chain: readonly Uint8Array[],
  at: Date,
  others: readonly Uint8Array[] = [],
): Promise<ImportedCrl[] | Outcome> {
  const trusted = parseAll(anchors);
  const onChain = parseAll(chain);
  const elsewhere = parseAll(others).filter((c) => !onChain.some((known) => known.sha256Hex === c.sha256Hex));
  const imported: ImportedCrl[] = [];
  for (const path of paths) {
    const bytes = new Uint8Array(readFile(path, 'CRL'));
    try {
      const issuer = findCrlIssuer(parseCrl(bytes), [...trusted, ...onChain, ...elsewhere]);
      const supplied = issuer !== undefined && !trusted.includes(issuer);
      const issuerChain = supplied ? [issuer.der, ...onChain.filter((c) => c !== issuer).map((c) => c.der)] : undefined;
      imported.push(await assessCrlImport({ crl: bytes, anchors, issuerChain, now: at }));
    } catch (error) {
      if (!(error instanceof CrlImportError)) throw error;
      return { valid: false, code: error.code, detail: `CRL "${path}": ${error.message}` };
    }
  }
  return imported;
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
  const pool = args.untrusted.flatMap((path) => readCertificates(path, 'untrusted'));
  if (pool.length > 0) return validatePooled(distinct([...chain, ...pool]), anchors, args);
  const crls = await importCrls(args.crls, anchors, chain, args.at);
  if (!Array.isArray(crls)) return crls;
  const result = await validateChain({ chain, anchors }, devicePolicy(args.at));
  return revocationOutcome(result, crls, args);
}

/**
 * --untrusted: chain[0] is the device, the rest an unordered set. The path is
 * built first; a CRL's signer is looked up on it first, then in the set (a
 * separate CRL-signing certificate is not on the path).
 */
async function validatePooled(chain: readonly Uint8Array[], anchors: readonly Uint8Array[], args: Arguments): Promise<Outcome> {
  // The pool may be a whole bundle; the path itself stays within what a device may send (x5c ≤ 5: leaf + 4 intermediates).
  const policy = { ...devicePolicy(args.at), maxChainLength: Math.max(5, chain.length), maxPathDepth: 4 };
  const result = await validateChain({ chain, anchors, intermediates: 'pool' }, policy);
  if (!result.valid) return { valid: false, code: result.code, detail: result.detail };
  const crls = await importCrls(
    args.crls,
    anchors,
    result.path.slice(0, -1).map((certificate) => certificate.der),
    args.at,
    chain,
  );
  if (!Array.isArray(crls)) return crls;
  return revocationOutcome(result, crls, args);
}

/** Pool files may overlap each other and the chain file; a certificate counts once. */
function distinct(certificates: readonly Uint8Array[]): Uint8Array[] {
  const seen = new Set<string>();
  return certificates.filter((der) => {
    const key = Buffer.from(der).toString('base64');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function revocationOutcome(result: ChainValidationResult, crls: ImportedCrl[], args: Arguments): Outcome {
  if (!result.valid) return { valid: false, code: result.code, detail: result.detail };
  const refusal = checkRevocation(result.path, revocationViewOf({ crls }), { now: args.at, requireCrl: args.requireCrl });
  if (refusal !== undefined) return { valid: false, code: refusal.code, detail: refusal.detail };
  const revocation = crls.length === 0 && !args.requireCrl ? 'revocation not checked (no --crl)' : `not revoked (${crls.length} CRL(s))`;
  return {
    valid: true,
    code: 'ok',
    detail: `'${result.leaf.subjectDn}' chains to trust anchor '${result.anchor.subjectDn}' (${result.path.length} certificates) at ${args.at.toISOString()}; ${revocation}`,
  };
}

async function main(): Promise<void> {
  let outcome: Outcome;
  let exitCode: number;
  try {
    const argv = process.argv.slice(2);
    if (argv.includes('--help') || argv.includes('-h')) {
      process.stdout.write(HELP);
      return;
    }
    outcome = await run(argv);
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
