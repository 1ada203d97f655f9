import type { SecretsManagerRotationEvent, SecretsManagerRotationEventStep } from 'aws-lambda';
import { createRotationHandler } from '../../../functions/admin-key-rotation/rotation-steps';
import { readAdminKeys } from '../../../src/admin-key-secret';
import { DependencyError } from '../../../src/errors';
import { ADMIN_KEYS_MAX_AGE_MS, ApiKeyAuthenticator } from '../../../src/usecases/authenticate';
import { CURRENT, FakeSecretsManager, PREVIOUS, randomAlphanumeric } from '../../support/fake-secrets-manager';

const T0 = Date.parse('2030-01-01T12:00:00.000Z');
const STEPS: SecretsManagerRotationEventStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

describe('readAdminKeys: AWSCURRENT and AWSPREVIOUS from Secrets Manager', () => {
  const first = randomAlphanumeric(48);
  let secrets: FakeSecretsManager;
  const rotate = async (token: string) => {
    secrets.startRotation(token);
    const handler = createRotationHandler(secrets.client);
    for (const Step of STEPS) await handler({ Step, SecretId: secrets.arn, ClientRequestToken: token } as SecretsManagerRotationEvent);
  };

  beforeEach(() => {
    secrets = new FakeSecretsManager(first, 'v1');
  });

  it('before the first rotation: the current key only (AWSPREVIOUS does not exist)', async () => {
    expect(await readAdminKeys(secrets.client, secrets.arn)).toEqual({ current: first });
    expect(secrets.callsOf('GetSecretValue')).toEqual([
      { SecretId: secrets.arn, VersionStage: CURRENT },
      { SecretId: secrets.arn, VersionStage: PREVIOUS },
    ]);
  });

  it('after a rotation: the new key as current, the one it replaced as previous; never the pending one', async () => {
    await rotate('v2');
    expect(await readAdminKeys(secrets.client, secrets.arn)).toEqual({ current: secrets.valueOf(CURRENT), previous: first });
    secrets.startRotation('v3');
    await createRotationHandler(secrets.client)({ Step: 'createSecret', SecretId: secrets.arn, ClientRequestToken: 'v3' });
    const pending = secrets.versions.get('v3')!.value!;
    const read = await readAdminKeys(secrets.client, secrets.arn);
    expect(Object.values(read)).not.toContain(pending);
  });

  it('a rotation finishing between the two reads still yields the new key and the old one', async () => {
    await rotate('v2');
    const old = secrets.valueOf(CURRENT);
    secrets.startRotation('v3');
    const handler = createRotationHandler(secrets.client);
    for (const Step of STEPS.slice(0, 3)) await handler({ Step, SecretId: secrets.arn, ClientRequestToken: 'v3' });
    secrets.beforeCommand = async (call) => {
      if (call.command === 'GetSecretValue' && call.input.VersionStage === PREVIOUS) {
        secrets.beforeCommand = undefined;
        // finishSecret completes after AWSCURRENT was read and before AWSPREVIOUS is.
        await handler({ Step: 'finishSecret', SecretId: secrets.arn, ClientRequestToken: 'v3' });
      }
    };
    const keys = await readAdminKeys(secrets.client, secrets.arn);
    expect(secrets.valueOf(PREVIOUS)).toBe(old);
    expect(keys).toEqual({ current: secrets.valueOf(CURRENT), previous: old });
    expect(
      secrets
        .callsOf('GetSecretValue')
        .slice(-3)
        .map((input) => input.VersionStage),
    ).toEqual([CURRENT, PREVIOUS, CURRENT]);
  });

  it('any failure is a secrets dependency error (503), also an empty current value', async () => {
    secrets.failNext('GetSecretValue', Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(readAdminKeys(secrets.client, secrets.arn)).rejects.toMatchObject({ dependency: 'secrets' });
    secrets.versions.get('v1')!.value = '';
    await expect(readAdminKeys(secrets.client, secrets.arn)).rejects.toBeInstanceOf(DependencyError);
  });
});

/*
 * The whole overlap on one container: rotation function, Secrets Manager
 * (fake) and the authenticator with a frozen clock. A caller that keeps the
 * old key is never refused before the next rotation; a caller that fetches
 * the new key the moment a rotation finishes is accepted at once.
 */
describe('rotating the admin key fails no request', () => {
  it('old key until the next rotation (+ at most one cache lifetime), new key from the moment rotation finishes', async () => {
    const first = randomAlphanumeric(48);
    const secrets = new FakeSecretsManager(first, 'v1');
    let now = T0;
    const authenticator = new ApiKeyAuthenticator(
      () => readAdminKeys(secrets.client, secrets.arn),
      { findApiKey: async () => undefined, recordUse: async () => false },
      () => new Date(now),
    );
    const handler = createRotationHandler(secrets.client);
    const rotate = async (token: string) => {
      secrets.startRotation(token);
      for (const Step of STEPS) await handler({ Step, SecretId: secrets.arn, ClientRequestToken: token } as SecretsManagerRotationEvent);
      return secrets.valueOf(CURRENT)!;
    };
    const admits = async (key: string) =>
      await authenticator.authenticate(key).then(
        () => true,
        () => false,
      );

    expect(await admits(first)).toBe(true); // cold start at T0
    now = T0 + 10_000;
    const second = await rotate('v2');
    expect(await admits(second)).toBe(true); // the new key at once
    for (const offset of [10_001, 60_000, 4 * 60_000, 29 * 24 * 3600_000]) {
      now = T0 + offset;
      expect(await admits(first)).toBe(true); // the old key all the way to the next rotation
      expect(await admits(second)).toBe(true);
    }
    const rotatedAt = now;
    const third = await rotate('v3');
    now = rotatedAt + 1;
    expect(await admits(third)).toBe(true); // at once again (its miss re-reads the keys)
    expect(await admits(second)).toBe(true);
    expect(await admits(first)).toBe(false); // retired by the second rotation, and this container has just re-read
    now = rotatedAt + ADMIN_KEYS_MAX_AGE_MS;
    expect(await admits(first)).toBe(false);
  });
});
