import { DeviceClientError, TokenEndpointError } from '../errors';
import { describeTokenError } from '../oauth-error-messages';
import { CA_INIT_HELP, CA_ISSUE_HELP, CA_USAGE, runCaInit, runCaIssue } from './ca-commands';
import { type CommandOutput, parseTokenCommand, runTokenCommand, TOKEN_HELP } from './token-command';
import { EXIT, UsageError } from './usage';

const MAIN_HELP = `usage: device-idp <command> [options]

  token      get an access token for this device (RFC 7523 JWT-bearer assertion)
  ca init    create an organisation root CA and a pathlen:0 device intermediate
  ca issue   issue a device key, certificate, chain file and PKCS#12 under that intermediate

device-idp <command> --help shows a command's options. docs/device-client.md has the walkthrough.
`;

const standardOutput: CommandOutput = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) };

/**
 * The `device-idp` CLI. Resolves its exit status: 0 done, 1 refused or
 * failed, 2 usage error, 75 (EX_TEMPFAIL) the IDP stayed unavailable.
 * Every failure is one line on stderr; with `token --json`, a JSON error
 * object on stdout as well.
 */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, out: CommandOutput = standardOutput): Promise<number> {
  const [command, ...rest] = argv;
  const sub = command === 'ca' ? rest[0] : undefined;
  const args = command === 'ca' ? rest.slice(1) : rest;
  const json = command === 'token' && args.includes('--json');
  try {
    if (command === undefined || command === '--help' || command === 'help') return help(out, MAIN_HELP);
    if (command === 'token') {
      if (args.includes('--help')) return help(out, TOKEN_HELP);
      await runTokenCommand(parseTokenCommand(args, env), env, out);
      return EXIT.ok;
    }
    if (command === 'ca' && (sub === 'init' || sub === 'issue')) {
      if (args.includes('--help')) return help(out, sub === 'init' ? CA_INIT_HELP : CA_ISSUE_HELP);
      (sub === 'init' ? runCaInit : runCaIssue)(args, env, out);
      return EXIT.ok;
    }
    if (command === 'ca' && (sub === undefined || sub === '--help')) return help(out, `${CA_USAGE}\n`);
    throw new UsageError(
      `unknown command "${[command, sub].filter(Boolean).join(' ')}"`,
      'usage: device-idp token|ca init|ca issue [options]; device-idp --help',
    );
  } catch (error) {
    return failure(error, json, out);
  }
}

function help(out: CommandOutput, text: string): number {
  out.stdout(text);
  return EXIT.ok;
}

function failure(error: unknown, json: boolean, out: CommandOutput): number {
  if (error instanceof UsageError) {
    out.stderr(`device-idp: ${error.message}\n${error.usage}\n`);
    return EXIT.usage;
  }
  if (error instanceof TokenEndpointError) {
    out.stderr(`device-idp: token refused: ${describeTokenError(error)}\n`);
    if (json) out.stdout(`${JSON.stringify({ error: error.error, code: error.code, error_description: error.errorDescription, status: error.status })}\n`);
    return error.status === 503 || error.status === 429 ? EXIT.temporarilyUnavailable : EXIT.failed;
  }
  if (error instanceof DeviceClientError) {
    out.stderr(`device-idp: ${error.code}: ${error.message}\n`);
    if (json) out.stdout(`${JSON.stringify({ error: error.code, error_description: error.message })}\n`);
    return error.code === 'token_endpoint_unreachable' ? EXIT.temporarilyUnavailable : EXIT.failed;
  }
  // A defect, not a refusal: its message only, never a stack with key material in scope.
  out.stderr(`device-idp: unexpected error: ${(error as Error)?.message ?? String(error)}\n`);
  return EXIT.failed;
}
