import { homedir } from 'node:os';
import { join } from 'node:path';
import { type CredentialFiles, loadCredentials, PASSPHRASE_ENV, resolvePassphrase } from '../credential-files';
import { type DeviceToken, getDeviceToken } from '../device-token-client';
import { ALLOWED_ASSERTION_ALGS } from '../signing-algorithm';
import { FileTokenCache } from '../token-cache';
import { TOKEN_REQUEST_FORMS, type TokenRequestForm } from '../token-endpoint';
import { callerPath, parseOptions, positiveInteger, refuseSecretArguments, required, UsageError } from './usage';

const TOKEN_USAGE =
  'usage: device-idp token --token-endpoint URL --client-id ID (--key device.key --chain device.chain.crt | --p12 device.p12 [--passphrase-file F]) [--scope S] [--json] [--cache-dir DIR]';

export const TOKEN_HELP = `${TOKEN_USAGE}

Gets an access token for this device from its pool's token endpoint with an
RFC 7523 JWT-bearer assertion (x5c = the device's certificate chain).

  --token-endpoint URL   the environment's tokenEndpoint ({base}/pools/{clientPoolId}/oauth2/token);
                         also the assertion's aud
  --client-id ID         the assertion's iss: the clientAppId of the device's binding
                         (or the device id, when the binding is registered under it)
  --key FILE             the device's PEM private key (device.key) ...
  --chain FILE           ... and its PEM certificates, device first (device.chain.crt)
  --p12 FILE             or the device's PKCS#12 file (device.p12) instead of --key/--chain
  --passphrase-file FILE the PKCS#12 (or encrypted key) passphrase: the file's first line.
                         Else $${PASSPHRASE_ENV}, else the empty passphrase. Never an argument.
  --scope S              space-delimited scopes to ask for (default: the binding's)
  --resource URI         RFC 8707 resource: one of the pool's audiences, the token's aud
  --form F               jwt-bearer (default: grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer)
                         or client-credentials (RFC 7523 client authentication, with client_id)
  --alg ALG              ${ALLOWED_ASSERTION_ALGS.join(' ')} (default: RS256 for RSA keys, the curve's ES* for EC)
  --json                 print {"access_token","token_type","expires_in","expires_at","scope","cached"}
  --cache-dir DIR        where tokens are cached, files mode 0600
                         (default: $XDG_CACHE_HOME/device-idp or ~/.cache/device-idp)
  --no-cache             neither read nor write the cache
  --min-ttl SECONDS      reuse a cached token only while it has more than this left
                         (default: 60 s or a tenth of its lifetime, whichever is more)
  --max-attempts N       attempts in all when the IDP answers 503/429 or cannot be reached (default 4);
                         each waits the server's Retry-After plus up to 25 % jitter (at most 60 s)
  --help                 this text

Prints the access token (or --json). Exit 0 token, 1 refused or failed (one line on
stderr: the OAuth error, the server's stable code, what it means), 2 usage error,
75 still unavailable after the retries. Relative paths are read from the directory
the command is run in (npm's INIT_CWD).
`;

export interface TokenCommand {
  tokenEndpoint: string;
  clientId: string;
  files: CredentialFiles;
  passphraseFile?: string;
  scope?: string;
  resource?: string;
  form: TokenRequestForm;
  alg?: string;
  json: boolean;
  cacheDir?: string;
  minTtlSeconds?: number;
  maxAttempts?: number;
}

function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'device-idp');
}

export function parseTokenCommand(argv: readonly string[], env: NodeJS.ProcessEnv): TokenCommand {
  refuseSecretArguments(argv, TOKEN_USAGE);
  const values = parseOptions(
    argv,
    {
      'token-endpoint': { type: 'string' },
      'client-id': { type: 'string' },
      key: { type: 'string' },
      chain: { type: 'string' },
      p12: { type: 'string' },
      'passphrase-file': { type: 'string' },
      scope: { type: 'string' },
      resource: { type: 'string' },
      form: { type: 'string' },
      alg: { type: 'string' },
      json: { type: 'boolean' },
      'cache-dir': { type: 'string' },
      'no-cache': { type: 'boolean' },
      'min-ttl': { type: 'string' },
      'max-attempts': { type: 'string' },
    },
    TOKEN_USAGE,
  );
  const tokenEndpoint = required(values['token-endpoint'], '--token-endpoint', TOKEN_USAGE);
  const clientId = required(values['client-id'], '--client-id', TOKEN_USAGE);
  const pem = values.key !== undefined || values.chain !== undefined;
  if (pem === (values.p12 !== undefined)) throw new UsageError('give either --key with --chain, or --p12', TOKEN_USAGE);
  const files: CredentialFiles = pem
    ? { kind: 'pem', key: callerPath(required(values.key, '--key', TOKEN_USAGE), env), chain: callerPath(required(values.chain, '--chain', TOKEN_USAGE), env) }
    : { kind: 'pkcs12', p12: callerPath(required(values.p12, '--p12', TOKEN_USAGE), env) };
  const form = values.form ?? 'jwt-bearer';
  if (!(TOKEN_REQUEST_FORMS as readonly string[]).includes(form)) throw new UsageError(`--form must be ${TOKEN_REQUEST_FORMS.join(' or ')}`, TOKEN_USAGE);
  if (values['no-cache'] && values['cache-dir'] !== undefined) throw new UsageError('--no-cache and --cache-dir exclude each other', TOKEN_USAGE);
  const minTtl = values['min-ttl'];
  if (minTtl !== undefined && !/^\d+$/.test(minTtl)) throw new UsageError('--min-ttl must be a whole number of seconds', TOKEN_USAGE);
  return {
    tokenEndpoint,
    clientId,
    files,
    passphraseFile: values['passphrase-file'] === undefined ? undefined : callerPath(values['passphrase-file'], env),
    scope: values.scope,
    resource: values.resource,
    form: form as TokenRequestForm,
    alg: values.alg,
    json: values.json === true,
    cacheDir: values['no-cache'] ? undefined : callerPath(values['cache-dir'] ?? defaultCacheDir(env), env),
    minTtlSeconds: minTtl === undefined ? undefined : Number(minTtl),
    maxAttempts: positiveInteger(values['max-attempts'], '--max-attempts', TOKEN_USAGE, 10),
  };
}

export interface CommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Runs `device-idp token`; errors propagate to the caller, which words them (main.ts). */
export async function runTokenCommand(command: TokenCommand, env: NodeJS.ProcessEnv, out: CommandOutput): Promise<void> {
  const credentials = loadCredentials(command.files, resolvePassphrase(command.passphraseFile, env));
  const token = await getDeviceToken(
    {
      tokenEndpoint: command.tokenEndpoint,
      clientId: command.clientId,
      credentials,
      form: command.form,
      scope: command.scope,
      resource: command.resource,
      alg: command.alg,
      cache: command.cacheDir === undefined ? undefined : new FileTokenCache(command.cacheDir),
      minTtlSeconds: command.minTtlSeconds,
      retry: command.maxAttempts === undefined ? undefined : { maxAttempts: command.maxAttempts },
    },
    { onRetry: ({ retry, delayMs, reason }) => out.stderr(`device-idp: ${reason}; retrying in ${(delayMs / 1000).toFixed(1)} s (retry ${retry})\n`) },
  );
  out.stdout(command.json ? `${JSON.stringify(tokenJson(token))}\n` : `${token.accessToken}\n`);
}

function tokenJson(token: DeviceToken): Record<string, unknown> {
  return {
    access_token: token.accessToken,
    token_type: token.tokenType,
    expires_in: token.expiresIn,
    expires_at: token.expiresAt,
    ...(token.scope === undefined ? {} : { scope: token.scope }),
    cached: token.fromCache,
  };
}
