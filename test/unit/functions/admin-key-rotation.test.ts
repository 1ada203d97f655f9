import type { SecretsManagerRotationEvent, SecretsManagerRotationEventStep } from 'aws-lambda';
import { createRotationHandler } from '../../../functions/admin-key-rotation/rotation-steps';
import { logger } from '../../../src/observability';
import { captureOutput } from '../../support/captured-output';
import { CURRENT, FakeSecretsManager, PENDING, PREVIOUS, randomAlphanumeric } from '../../support/fake-secrets-manager';

const KEY_A = randomAlphanumeric(48);
const STEPS: SecretsManagerRotationEventStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];
const WRITES = ['PutSecretValue', 'UpdateSecretVersionStage'];

/*
 * The rotation function's four steps against an in-memory Secrets Manager
 * that applies the documented staging-label rules: each step leaves exactly
 * the labels the rotation contract prescribes, and running any step again
 * (Secrets Manager retries a failed step) changes nothing more.
 */
describe('admin key rotation function', () => {
  let secrets: FakeSecretsManager;
  let rotate: ReturnType<typeof createRotationHandler>;
  const step = (Step: SecretsManagerRotationEventStep, token = 'v2') =>
    rotate({ Step, SecretId: secrets.arn, ClientRequestToken: token } as SecretsManagerRotationEvent);
  const writes = () => secrets.calls.filter((c) => WRITES.includes(c.command));
  const fullRotation = async (token: string) => {
    if (!secrets.stagesOf(token).includes(PENDING)) secrets.startRotation(token);
    for (const s of STEPS) await step(s, token);
  };

  beforeEach(() => {
    secrets = new FakeSecretsManager(KEY_A, 'v1');
    rotate = createRotationHandler(secrets.client);
    secrets.startRotation('v2');
  });

  describe('createSecret', () => {
    it('puts a new 48-letter-and-digit key as AWSPENDING under the token, made like the deploy-time key, leaving AWSCURRENT alone', async () => {
      await step('createSecret');
      expect(secrets.callsOf('GetRandomPassword')).toEqual([
        { PasswordLength: 48, ExcludePunctuation: true, IncludeSpace: false, RequireEachIncludedType: true },
      ]);
      const pending = secrets.valueOf(PENDING)!;
      expect(pending).toMatch(/^[A-Za-z0-9]{48}$/);
      expect(pending).not.toBe(KEY_A);
      expect(secrets.callsOf('PutSecretValue')).toEqual([{ SecretId: secrets.arn, ClientRequestToken: 'v2', SecretString: pending, VersionStages: [PENDING] }]);
      expect(secrets.labels()).toEqual({ v1: [CURRENT], v2: [PENDING] });
      expect(secrets.valueOf(CURRENT)).toBe(KEY_A);
    });

    it('run again, keeps the key it put: no second password, no second write', async () => {
      await step('createSecret');
      const pending = secrets.valueOf(PENDING);
      await step('createSecret');
      expect(secrets.valueOf(PENDING)).toBe(pending);
      expect(secrets.callsOf('GetRandomPassword')).toHaveLength(1);
      expect(secrets.callsOf('PutSecretValue')).toHaveLength(1);
    });

    it('after a failed PutSecretValue, a retry puts the key', async () => {
      secrets.failNext('PutSecretValue');
      await expect(step('createSecret')).rejects.toThrow('PutSecretValue failed');
      expect(secrets.labels()).toEqual({ v1: [CURRENT], v2: [PENDING] });
      expect(secrets.valueOf(PENDING)).toBeUndefined();
      await step('createSecret');
      expect(secrets.valueOf(PENDING)).toMatch(/^[A-Za-z0-9]{48}$/);
    });

    it('refuses a generated value that is not an admin key, writing nothing', async () => {
      for (const bad of ['short', `${randomAlphanumeric(47)}!`, randomAlphanumeric(49)]) {
        secrets.randomPassword = () => bad;
        await expect(step('createSecret')).rejects.toThrow(/not an admin key/);
      }
      expect(writes()).toEqual([]);
    });
  });

  it('setSecret has nothing to set: no write, labels unchanged, and again', async () => {
    await step('createSecret');
    const before = secrets.labels();
    const writesBefore = writes().length;
    await step('setSecret');
    await step('setSecret');
    expect(secrets.labels()).toEqual(before);
    expect(writes()).toHaveLength(writesBefore);
  });

  describe('testSecret', () => {
    it('accepts the pending key, twice, writing nothing', async () => {
      await step('createSecret');
      const writesBefore = writes().length;
      await step('testSecret');
      await step('testSecret');
      expect(writes()).toHaveLength(writesBefore);
      expect(secrets.labels()).toEqual({ v1: [CURRENT], v2: [PENDING] });
    });

    it.each([
      ['too short', randomAlphanumeric(47)],
      ['too long', randomAlphanumeric(49)],
      ['with punctuation', `${randomAlphanumeric(47)}-`],
      ['JSON', JSON.stringify({ key: randomAlphanumeric(30) })],
    ])('refuses a pending value that is %s, so the rotation stops before finishSecret', async (_name, value) => {
      secrets.versions.get('v2')!.value = value;
      await expect(step('testSecret')).rejects.toThrow('the pending admin key is not 48 letters and digits');
    });

    it('refuses a pending value equal to the current key', async () => {
      secrets.versions.get('v2')!.value = KEY_A;
      await expect(step('testSecret')).rejects.toThrow('the pending admin key equals the current one');
    });

    it('refuses when the pending version has no value (createSecret never ran)', async () => {
      await expect(step('testSecret')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });
  });

  describe('finishSecret', () => {
    it('moves AWSCURRENT onto the new version (AWSPREVIOUS onto the old one) and leaves AWSPENDING nowhere', async () => {
      for (const s of STEPS.slice(0, 3)) await step(s);
      const newKey = secrets.valueOf(PENDING);
      await step('finishSecret');
      expect(secrets.callsOf('UpdateSecretVersionStage')).toEqual([
        { SecretId: secrets.arn, VersionStage: CURRENT, MoveToVersionId: 'v2', RemoveFromVersionId: 'v1' },
        { SecretId: secrets.arn, VersionStage: PENDING, RemoveFromVersionId: 'v2' },
      ]);
      expect(secrets.labels()).toEqual({ v1: [PREVIOUS], v2: [CURRENT] });
      expect(secrets.valueOf(CURRENT)).toBe(newKey);
      expect(secrets.valueOf(PREVIOUS)).toBe(KEY_A);
    });

    it('run again (or any other step after it), changes nothing', async () => {
      for (const s of STEPS) await step(s);
      const after = { labels: secrets.labels(), writes: writes().length };
      for (const s of STEPS) await step(s);
      expect(secrets.labels()).toEqual(after.labels);
      expect(writes()).toHaveLength(after.writes);
    });

    it('interrupted after AWSCURRENT moved, a retry ends in a state the next rotation accepts', async () => {
      for (const s of STEPS.slice(0, 3)) await step(s);
      secrets.failNext('UpdateSecretVersionStage');
      await expect(step('finishSecret')).rejects.toThrow();
      expect(secrets.labels()).toEqual({ v1: [CURRENT], v2: [PENDING] });
      await step('finishSecret');
      expect(secrets.labels()).toEqual({ v1: [PREVIOUS], v2: [CURRENT] });

      const secondTry = new FakeSecretsManager(KEY_A, 'v1');
      rotate = createRotationHandler(secondTry.client);
      secondTry.startRotation('v2');
      secrets = secondTry;
      for (const s of STEPS.slice(0, 3)) await step(s);
      let updates = 0;
      secondTry.beforeCommand = (call) => {
        if (call.command === 'UpdateSecretVersionStage' && ++updates === 2) secondTry.failNext('UpdateSecretVersionStage');
      };
      await expect(step('finishSecret')).rejects.toThrow();
      expect(secondTry.labels()).toEqual({ v1: [PREVIOUS], v2: [CURRENT, PENDING] });
      await step('finishSecret'); // the version is current: nothing more to do
      expect(secondTry.labels()).toEqual({ v1: [PREVIOUS], v2: [CURRENT, PENDING] });
      expect(() => secondTry.startRotation('v3')).not.toThrow(); // AWSPENDING with AWSCURRENT is a finished rotation
    });
  });

  it('a second rotation retires the first key: it keeps no label', async () => {
    await fullRotation('v2');
    const second = secrets.valueOf(CURRENT);
    await fullRotation('v3');
    expect(secrets.labels()).toEqual({ v2: [PREVIOUS], v3: [CURRENT] });
    expect(secrets.valueOf(PREVIOUS)).toBe(second);
    expect(new Set([KEY_A, second, secrets.valueOf(CURRENT)]).size).toBe(3);
  });

  describe('refusals before any step', () => {
    it('refuses a secret whose rotation is not enabled, writing nothing', async () => {
      secrets.rotationEnabled = false;
      for (const s of STEPS) await expect(step(s)).rejects.toThrow('the secret is not enabled for rotation');
      expect(writes()).toEqual([]);
    });

    it('refuses a token that names no version of the secret', async () => {
      await expect(step('createSecret', 'unknown-token')).rejects.toThrow('version unknown-token has no stage for rotation');
      expect(writes()).toEqual([]);
    });

    it('refuses a token whose version is neither pending nor current', async () => {
      await fullRotation('v2');
      await expect(step('finishSecret', 'v1')).rejects.toThrow('version v1 is not AWSPENDING');
      expect(secrets.labels()).toEqual({ v1: [PREVIOUS], v2: [CURRENT] });
    });

    it('refuses an unknown step', async () => {
      await expect(step('dropSecret' as SecretsManagerRotationEventStep)).rejects.toThrow('unknown rotation step dropSecret');
      expect(writes()).toEqual([]);
    });

    it('refuses another secret (the fake answers ResourceNotFoundException, as IAM would deny)', async () => {
      await expect(
        rotate({ Step: 'createSecret', SecretId: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:other', ClientRequestToken: 'v2' }),
      ).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
    });
  });

  it('never logs a key', async () => {
    // The rotation handler has no Lambda-context middleware, so a level set here holds for its calls.
    const level = logger.getLevelName();
    logger.setLogLevel('INFO');
    const output = captureOutput();
    try {
      for (const s of STEPS) await step(s);
      await step('finishSecret');
    } finally {
      output.restore();
      logger.setLogLevel(level);
    }
    expect(output.json()).toEqual([
      ...STEPS.map((s) => expect.objectContaining({ level: 'INFO', message: 'admin key rotation step done', step: s, versionId: 'v2' })),
      expect.objectContaining({ message: 'admin key rotation: version already current', step: 'finishSecret', versionId: 'v2' }),
    ]);
    const lines = output.lines();
    for (const key of [KEY_A, secrets.valueOf(CURRENT)!]) expect(lines.join('\n')).not.toContain(key);
  });
});
