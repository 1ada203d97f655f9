import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  adminFunctionConfig,
  ConfigurationError,
  certificatesFunctionConfig,
  type Environment,
  logLevelSetting,
  signingKeyManagementConfig,
  tokenFunctionConfig,
} from '../../../src/config';
import { ENV } from '../../../src/config-names';

/*
 * Each function's configuration, read from an environment given as a map (as
 * the stack and the local runtime set it): every variable it needs, its
 * default, and the ConfigurationError naming the variable that is missing or
 * invalid.
 */

const SHARED_KEY = 'arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:admin';

const TOKEN_ENV: Environment = {
  [ENV.tableName]: 'config-table',
  [ENV.runtimeTableName]: 'runtime-table',
  [ENV.kmsKeyId]: SHARED_KEY,
  [ENV.issuerBaseUrl]: 'https://api.example.com/prod',
};

const SIGNING_KEY_ENV: Environment = {
  [ENV.tableName]: 'config-table',
  [ENV.signingKeyStackTag]: 'DeviceIdp',
  [ENV.signingKeySpec]: 'ECC_NIST_P256',
  [ENV.signingKeyAliasPrefix]: 'alias/device-idp/DeviceIdp',
};

const ADMIN_ENV: Environment = {
  ...SIGNING_KEY_ENV,
  [ENV.runtimeTableName]: 'runtime-table',
  [ENV.issuerBaseUrl]: 'https://api.example.com/prod',
  [ENV.adminKeySecretArn]: SECRET,
};

const CERTIFICATES_ENV: Environment = {
  [ENV.tableName]: 'config-table',
  [ENV.bucketName]: 'roots-bucket',
  [ENV.adminKeySecretArn]: SECRET,
};

/** The ConfigurationError `read` throws (a test fails if it throws anything else, or nothing). */
function configurationError(read: () => unknown): ConfigurationError {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('no ConfigurationError thrown');
}

const without = (env: Environment, name: string): Environment => Object.fromEntries(Object.entries(env).filter(([key]) => key !== name));

describe('token function configuration', () => {
  it('reads every variable, with the documented defaults', () => {
    expect(tokenFunctionConfig(TOKEN_ENV)).toEqual({
      tableName: 'config-table',
      runtimeTableName: 'runtime-table',
      sharedKeyArn: SHARED_KEY,
      issuerBaseUrl: 'https://api.example.com/prod',
      tokenLifetimeSeconds: 3600,
      tokenAudience: undefined,
      trustWindow: { deadlineMs: 1000, settleMs: 1100 },
    });
  });

  it('takes the optional values when set', () => {
    const config = tokenFunctionConfig({
      ...TOKEN_ENV,
      [ENV.tokenTtlSeconds]: '900',
      [ENV.tokenAudience]: 'https://pos.example.com',
      [ENV.trustDecisionDeadlineMs]: '2500',
      [ENV.issuerBaseUrl]: 'https://api.example.com/prod//',
    });
    expect(config).toMatchObject({
      tokenLifetimeSeconds: 900,
      tokenAudience: 'https://pos.example.com',
      trustWindow: { deadlineMs: 2500, settleMs: 2600 },
      issuerBaseUrl: 'https://api.example.com/prod',
    });
  });

  it.each([ENV.tableName, ENV.runtimeTableName, ENV.kmsKeyId, ENV.issuerBaseUrl])('without %s: an error naming it', (name) => {
    const error = configurationError(() => tokenFunctionConfig(without(TOKEN_ENV, name)));
    expect(error.variable).toBe(name);
    expect(error.message).toBe(`${name} is required`);
  });

  it('a blank value counts as missing', () => {
    expect(configurationError(() => tokenFunctionConfig({ ...TOKEN_ENV, [ENV.tableName]: '  ' })).variable).toBe(ENV.tableName);
    expect(tokenFunctionConfig({ ...TOKEN_ENV, [ENV.tokenAudience]: '', [ENV.tokenTtlSeconds]: '' })).toMatchObject({
      tokenAudience: undefined,
      tokenLifetimeSeconds: 3600,
    });
  });

  it.each([
    [ENV.tokenTtlSeconds, 'abc'],
    [ENV.tokenTtlSeconds, '0'],
    [ENV.tokenTtlSeconds, '-60'],
    [ENV.tokenTtlSeconds, '1.5'],
    [ENV.tokenTtlSeconds, '3600s'],
    [ENV.tokenTtlSeconds, '1e3'],
    [ENV.trustDecisionDeadlineMs, 'soon'],
    [ENV.trustDecisionDeadlineMs, '0'],
  ])('%s=%s: an error naming the variable and the value', (name, value) => {
    const error = configurationError(() => tokenFunctionConfig({ ...TOKEN_ENV, [name]: value }));
    expect(error.variable).toBe(name);
    expect(error.message).toBe(`${name} must be a positive integer, got ${value}`);
  });

  it.each([
    ['api.example.com/prod', 'must be an absolute URL, got api.example.com/prod'],
    ['http://api.example.com/prod', 'must use https (http is allowed for 127.0.0.1/localhost only)'],
  ])('ISSUER_BASE_URL=%s is refused', (value, problem) => {
    const error = configurationError(() => tokenFunctionConfig({ ...TOKEN_ENV, [ENV.issuerBaseUrl]: value }));
    expect(error.message).toBe(`${ENV.issuerBaseUrl} ${problem}`);
  });

  it('allows http on the loopback address, as the local runtime serves', () => {
    expect(tokenFunctionConfig({ ...TOKEN_ENV, [ENV.issuerBaseUrl]: 'http://127.0.0.1:3000' }).issuerBaseUrl).toBe('http://127.0.0.1:3000');
    expect(tokenFunctionConfig({ ...TOKEN_ENV, [ENV.issuerBaseUrl]: 'http://localhost:3000/' }).issuerBaseUrl).toBe('http://localhost:3000');
  });
});

describe('admin function configuration', () => {
  it('reads every variable, with the documented defaults; the shared key is optional', () => {
    expect(adminFunctionConfig(ADMIN_ENV)).toEqual({
      tableName: 'config-table',
      runtimeTableName: 'runtime-table',
      issuerBaseUrl: 'https://api.example.com/prod',
      adminKey: { source: 'secret', secretArn: SECRET },
      trustWindow: { deadlineMs: 1000, settleMs: 1100 },
      tokenLifetimeSeconds: 3600,
      vault: { stackTag: 'DeviceIdp', keySpec: 'ECC_NIST_P256', aliasPrefix: 'alias/device-idp/DeviceIdp', legacyKeyArn: undefined },
    });
    expect(adminFunctionConfig({ ...ADMIN_ENV, [ENV.kmsKeyId]: SHARED_KEY, [ENV.tokenTtlSeconds]: '600' })).toMatchObject({
      vault: { legacyKeyArn: SHARED_KEY },
      tokenLifetimeSeconds: 600,
    });
  });

  it.each([ENV.tableName, ENV.runtimeTableName, ENV.issuerBaseUrl, ENV.signingKeyStackTag, ENV.signingKeySpec, ENV.signingKeyAliasPrefix])(
    'without %s: an error naming it',
    (name) => {
      expect(configurationError(() => adminFunctionConfig(without(ADMIN_ENV, name))).variable).toBe(name);
    },
  );

  it('in local mode the admin key itself wins over the secret, with the key it replaced', () => {
    const local = { ...ADMIN_ENV, [ENV.adminKeyPlain]: 'k'.repeat(24), [ENV.adminKeyPreviousPlain]: 'p'.repeat(24) };
    expect(adminFunctionConfig(local).adminKey).toEqual({ source: 'plain', current: 'k'.repeat(24), previous: 'p'.repeat(24) });
    expect(adminFunctionConfig(without(local, ENV.adminKeyPreviousPlain)).adminKey).toEqual({ source: 'plain', current: 'k'.repeat(24), previous: undefined });
  });

  it('without the secret ARN and without a local key: an error naming both', () => {
    const error = configurationError(() => adminFunctionConfig(without(ADMIN_ENV, ENV.adminKeySecretArn)));
    expect(error.variable).toBe(ENV.adminKeySecretArn);
    expect(error.message).toBe('ADMIN_API_KEY_SECRET_ARN is required (or IDP_ADMIN_API_KEY in local mode)');
  });

  it('an error never repeats the value of a local admin key', () => {
    const error = configurationError(() => adminFunctionConfig({ ...ADMIN_ENV, [ENV.adminKeyPlain]: 'secret-admin-key-value', [ENV.tableName]: '' }));
    expect(error.message).not.toContain('secret-admin-key-value');
  });
});

describe('pool signing-key settings', () => {
  it.each([
    [{ [ENV.signingKeyStackTag]: 'Device Idp' }, ENV.signingKeyStackTag, 'must match ^[A-Za-z0-9_-]{1,64}$'],
    [{ [ENV.signingKeySpec]: 'ECC_NIST_P384' }, ENV.signingKeySpec, 'must be one of ECC_NIST_P256, RSA_2048'],
    [{ [ENV.signingKeyAliasPrefix]: 'alias/device-idp/Other' }, ENV.signingKeyAliasPrefix, 'must be alias/device-idp/DeviceIdp'],
  ])('%o is refused', (change, name, problem) => {
    const error = configurationError(() => signingKeyManagementConfig({ ...SIGNING_KEY_ENV, ...change }));
    expect(error.variable).toBe(name);
    expect(error.message).toBe(`${name} ${problem}`);
  });

  it('RSA_2048 is the other key spec the stack offers', () => {
    expect(signingKeyManagementConfig({ ...SIGNING_KEY_ENV, [ENV.signingKeySpec]: 'RSA_2048' }).vault.keySpec).toBe('RSA_2048');
  });
});

describe('certificates function configuration', () => {
  it('reads every variable, with the documented defaults', () => {
    expect(certificatesFunctionConfig(CERTIFICATES_ENV)).toEqual({
      tableName: 'config-table',
      bucketName: 'roots-bucket',
      s3ForcePathStyle: false,
      trustWindow: { deadlineMs: 1000, settleMs: 1100 },
      adminKey: { source: 'secret', secretArn: SECRET },
    });
  });

  it.each([ENV.tableName, ENV.bucketName, ENV.adminKeySecretArn])('without %s: an error naming it', (name) => {
    expect(configurationError(() => certificatesFunctionConfig(without(CERTIFICATES_ENV, name))).variable).toBe(name);
  });

  it('S3_FORCE_PATH_STYLE is true or false', () => {
    expect(certificatesFunctionConfig({ ...CERTIFICATES_ENV, [ENV.s3ForcePathStyle]: 'true' }).s3ForcePathStyle).toBe(true);
    expect(certificatesFunctionConfig({ ...CERTIFICATES_ENV, [ENV.s3ForcePathStyle]: 'false' }).s3ForcePathStyle).toBe(false);
    const error = configurationError(() => certificatesFunctionConfig({ ...CERTIFICATES_ENV, [ENV.s3ForcePathStyle]: 'yes' }));
    expect(error.message).toBe('S3_FORCE_PATH_STYLE must be true or false, got yes');
  });

  it('TRUST_DECISION_DEADLINE_MS must be a positive integer here too', () => {
    expect(configurationError(() => certificatesFunctionConfig({ ...CERTIFICATES_ENV, [ENV.trustDecisionDeadlineMs]: '-1' })).variable).toBe(
      ENV.trustDecisionDeadlineMs,
    );
  });
});

describe('log level setting', () => {
  it('is IDP_LOG_LEVEL as set, unset when blank', () => {
    expect(logLevelSetting({ [ENV.logLevel]: 'silent' })).toBe('silent');
    expect(logLevelSetting({ [ENV.logLevel]: ' ' })).toBeUndefined();
    expect(logLevelSetting({})).toBeUndefined();
  });
});

describe('the documentation of the variables', () => {
  it('the function environment table of docs/deploy.md names every variable of src/config-names.ts', () => {
    const deployGuide = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'deploy.md'), 'utf8');
    const table = deployGuide.slice(deployGuide.indexOf('## Function environment'), deployGuide.indexOf('## Tracing and metrics'));
    expect(table.length).toBeGreaterThan(500);
    expect(Object.values(ENV).filter((name) => !table.includes(`\`${name}\``))).toEqual([]);
  });
});
