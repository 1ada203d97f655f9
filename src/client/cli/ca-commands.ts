import { initCa } from '../ca/ca-init';
import { issueDevice } from '../ca/ca-issue';
import { KEY_TYPES, parseKeyType } from '../ca/key-types';
import { PASSPHRASE_ENV, resolvePassphrase } from '../credential-files';
import { DeviceClientError } from '../errors';
import type { CommandOutput } from './token-command';
import { callerPath, parseOptions, positiveInteger, refuseSecretArguments, required, UsageError } from './usage';

const CA_INIT_USAGE = 'usage: device-idp ca init --out DIR [--organization NAME] [--country CC] [--key-type T] [--force]';
const CA_ISSUE_USAGE =
  'usage: device-idp ca issue --ca DIR --device-id ID --business-unit BU --out DIR [--recipe] [--key-type T] [--days N] [--country CC] [--passphrase-file F] [--force]';
export const CA_USAGE = `${CA_INIT_USAGE}\n       ${CA_ISSUE_USAGE.replace('usage: ', '')}`;

export const CA_INIT_HELP = `${CA_INIT_USAGE}

Creates an organisation CA for teams without a PKI: a self-signed root
(10 years) and a device intermediate with pathlen:0 (5 years) below it.

  --out DIR            where to write root-ca.key, root-ca.crt, intermediate-ca.key,
                       intermediate-ca.crt and ca-chain.crt (keys mode 0600)
  --organization NAME  subject O of both certificates (default "Device IDP")
  --country CC         two-letter subject C, ISO 3166 (default US)
  --key-type T         ${KEY_TYPES.join(', ')} (default rsa-4096, as the recipe)
  --force              replace existing files (default: refuse, writing nothing)
  --help               this text

Upload root-ca.crt to the pool (POST /api/internal/{clientPoolId}/certificates);
keep root-ca.key offline. Exit 0 written, 1 failed, 2 usage error.
`;

export const CA_ISSUE_HELP = `${CA_ISSUE_USAGE}

Issues a device key and certificate under the intermediate of a "ca init" directory.

  --ca DIR             the "ca init" directory (intermediate-ca.crt, intermediate-ca.key, root-ca.crt)
  --device-id ID       subject CN: the device id (1-64 of A-Z a-z 0-9 . _ : @ -)
  --business-unit BU   subject O: the token's business_unit_id (1-64 characters)
  --out DIR            where to write device.key, device.crt, device.chain.crt and device.p12
  --recipe             exactly the docs/contract.md §5 recipe's device certificate: X.509 v1 without
                       extensions, RSA-2048, subject C/ST=State/L=City/O/CN, valid from now.
                       Default: v3 with keyUsage digitalSignature and extendedKeyUsage clientAuth
  --key-type T         ${KEY_TYPES.join(', ')} (default rsa-2048)
  --days N             validity (default 365)
  --country CC         two-letter subject C (default: the intermediate's, else US)
  --passphrase-file F  the device.p12 passphrase: the file's first line, printable ASCII.
                       Else $${PASSPHRASE_ENV}; else one is generated into device.p12.passphrase
  --force              replace existing files (default: refuse, writing nothing)
  --help               this text

device.p12 holds the key (PBES2 AES-256-CBC, PBKDF2-HMAC-SHA256) and the three
certificates, with a SHA-256 MAC: OpenSSL 3 reads it without its legacy provider.
Exit 0 written, 1 failed, 2 usage error.
`;

export function runCaInit(argv: readonly string[], env: NodeJS.ProcessEnv, out: CommandOutput): void {
  const values = parseOptions(
    argv,
    { out: { type: 'string' }, organization: { type: 'string' }, country: { type: 'string' }, 'key-type': { type: 'string' }, force: { type: 'boolean' } },
    CA_INIT_USAGE,
  );
  const outDir = callerPath(required(values.out, '--out', CA_INIT_USAGE), env);
  const result = initCa({
    outDir,
    organization: values.organization,
    country: values.country,
    keyType: values['key-type'] === undefined ? undefined : usage(() => parseKeyType(values['key-type'] ?? ''), CA_INIT_USAGE),
    force: values.force === true,
  });
  out.stdout(`${result.files.join('\n')}\nroot fingerprint (SHA-256): ${result.rootFingerprint}\n`);
}

export function runCaIssue(argv: readonly string[], env: NodeJS.ProcessEnv, out: CommandOutput): void {
  refuseSecretArguments(argv, CA_ISSUE_USAGE);
  const values = parseOptions(
    argv,
    {
      ca: { type: 'string' },
      'device-id': { type: 'string' },
      'business-unit': { type: 'string' },
      out: { type: 'string' },
      recipe: { type: 'boolean' },
      'key-type': { type: 'string' },
      days: { type: 'string' },
      country: { type: 'string' },
      'passphrase-file': { type: 'string' },
      force: { type: 'boolean' },
    },
    CA_ISSUE_USAGE,
  );
  const caDir = callerPath(required(values.ca, '--ca', CA_ISSUE_USAGE), env);
  const deviceId = required(values['device-id'], '--device-id', CA_ISSUE_USAGE);
  const businessUnit = required(values['business-unit'], '--business-unit', CA_ISSUE_USAGE);
  const outDir = callerPath(required(values.out, '--out', CA_ISSUE_USAGE), env);
  const passphraseFile = values['passphrase-file'] === undefined ? undefined : callerPath(values['passphrase-file'], env);
  const result = issueDevice({
    caDir,
    deviceId,
    businessUnit,
    outDir,
    shape: values.recipe ? 'recipe' : 'v3',
    keyType: values['key-type'] === undefined ? undefined : usage(() => parseKeyType(values['key-type'] ?? ''), CA_ISSUE_USAGE),
    days: positiveInteger(values.days, '--days', CA_ISSUE_USAGE, 3650),
    country: values.country,
    passphrase: resolvePassphrase(passphraseFile, env),
  });
  const note = result.passphraseFile === undefined ? '' : `the device.p12 passphrase was generated into ${result.passphraseFile}\n`;
  out.stdout(`${result.files.join('\n')}\n`);
  if (note !== '') out.stderr(`device-idp: ${note}`);
}

/** A malformed option value is a usage error (exit 2), not a failure. */
function usage<T>(parse: () => T, usageLine: string): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof DeviceClientError) throw new UsageError(error.message, usageLine);
    throw error;
  }
}
