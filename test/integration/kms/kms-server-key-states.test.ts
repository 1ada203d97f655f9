import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisabledException,
  DisableKeyCommand,
  EnableKeyCommand,
  GetPublicKeyCommand,
  type KeyMetadata,
  KMSInvalidStateException,
  NotFoundException,
  ScheduleKeyDeletionCommand,
  SignCommand,
} from '@aws-sdk/client-kms';
import { type LocalKms, rejection, startLocalKms } from './local-kms';

let local: LocalKms;
beforeAll(async () => {
  local = await startLocalKms();
});
afterAll(() => local.stop());

const DAY_MS = 24 * 60 * 60 * 1000;
let aliasCounter = 0;

/** A fresh P-256 key with an alias; returns every KeyId form that names it. */
async function freshKey() {
  const { KeyMetadata } = await local.kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
  const alias = `alias/state-${++aliasCounter}`;
  await local.kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: KeyMetadata!.KeyId }));
  return {
    id: KeyMetadata!.KeyId!,
    arn: KeyMetadata!.Arn!,
    alias,
    aliasArn: `arn:aws:kms:us-east-1:000000000000:${alias}`,
  };
}

const describe_ = async (keyId: string): Promise<KeyMetadata> => (await local.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
const sign = (keyId: string) => local.kms.send(new SignCommand({ KeyId: keyId, SigningAlgorithm: 'ECDSA_SHA_256', Message: Buffer.from('m') }));
const publicKey = (keyId: string) => local.kms.send(new GetPublicKeyCommand({ KeyId: keyId }));

describe('DisableKey and EnableKey', () => {
  it('a disabled key is described as such and refuses Sign and GetPublicKey with DisabledException, by every KeyId form', async () => {
    const key = await freshKey();
    await local.kms.send(new DisableKeyCommand({ KeyId: key.id }));
    for (const keyId of [key.id, key.arn, key.alias, key.aliasArn]) {
      expect(await describe_(keyId)).toMatchObject({ KeyId: key.id, Enabled: false, KeyState: 'Disabled' });
      const signError = await rejection(sign(keyId));
      expect(signError).toBeInstanceOf(DisabledException);
      expect(signError.message).toBe(`${key.arn} is disabled.`);
      expect(await rejection(publicKey(keyId))).toBeInstanceOf(DisabledException);
    }
    expect((await describe_(key.id)).DeletionDate).toBeUndefined();

    await local.kms.send(new EnableKeyCommand({ KeyId: key.arn }));
    expect(await describe_(key.alias)).toMatchObject({ Enabled: true, KeyState: 'Enabled' });
    await expect(sign(key.alias)).resolves.toMatchObject({ KeyId: key.arn });
    await expect(publicKey(key.aliasArn)).resolves.toMatchObject({ KeyId: key.arn });
  });

  it('disabling a disabled key and enabling an enabled one succeed without change', async () => {
    const key = await freshKey();
    await local.kms.send(new EnableKeyCommand({ KeyId: key.id }));
    expect((await describe_(key.id)).KeyState).toBe('Enabled');
    await local.kms.send(new DisableKeyCommand({ KeyId: key.id }));
    await local.kms.send(new DisableKeyCommand({ KeyId: key.id }));
    expect((await describe_(key.id)).KeyState).toBe('Disabled');
  });
});

describe('ScheduleKeyDeletion and CancelKeyDeletion', () => {
  it('schedules with the default 30-day window; the key is PendingDeletion and unusable, by every KeyId form', async () => {
    const key = await freshKey();
    const before = Date.now();
    const scheduled = await local.kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.id }));
    expect(scheduled).toMatchObject({ KeyId: key.arn, KeyState: 'PendingDeletion', PendingWindowInDays: 30 });
    const deletion = scheduled.DeletionDate!.getTime();
    expect(deletion).toBeGreaterThanOrEqual(before + 30 * DAY_MS - 1000);
    expect(deletion).toBeLessThanOrEqual(Date.now() + 30 * DAY_MS + 1000);

    for (const keyId of [key.id, key.arn, key.alias, key.aliasArn]) {
      const metadata = await describe_(keyId);
      expect(metadata).toMatchObject({ KeyId: key.id, Enabled: false, KeyState: 'PendingDeletion' });
      expect(metadata.DeletionDate!.getTime()).toBe(deletion);
      const signError = await rejection(sign(keyId));
      expect(signError).toBeInstanceOf(KMSInvalidStateException);
      expect(signError.message).toBe(`${key.arn} is pending deletion.`);
      expect(await rejection(publicKey(keyId))).toBeInstanceOf(KMSInvalidStateException);
    }
  });

  it.each([7, 30])('accepts a window of %i days', async (days) => {
    const key = await freshKey();
    const scheduled = await local.kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.arn, PendingWindowInDays: days }));
    expect(scheduled.PendingWindowInDays).toBe(days);
    expect(Math.round((scheduled.DeletionDate!.getTime() - Date.now()) / DAY_MS)).toBe(days);
  });

  it.each([6, 31, 0])('refuses a window of %i days with ValidationException and leaves the key alone', async (days) => {
    const key = await freshKey();
    const error = await rejection(local.kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.id, PendingWindowInDays: days })));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(/pendingWindowInDays/);
    expect((await describe_(key.id)).KeyState).toBe('Enabled');
  });

  it('cancelling leaves the key Disabled without a deletion date, as KMS does; EnableKey brings it back', async () => {
    const key = await freshKey();
    await local.kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.id, PendingWindowInDays: 7 }));
    const cancelled = await local.kms.send(new CancelKeyDeletionCommand({ KeyId: key.arn }));
    expect(cancelled.KeyId).toBe(key.arn);
    const metadata = await describe_(key.id);
    expect(metadata).toMatchObject({ Enabled: false, KeyState: 'Disabled' });
    expect(metadata.DeletionDate).toBeUndefined();
    expect(await rejection(sign(key.id))).toBeInstanceOf(DisabledException);

    await local.kms.send(new EnableKeyCommand({ KeyId: key.id }));
    await expect(sign(key.alias)).resolves.toMatchObject({ SigningAlgorithm: 'ECDSA_SHA_256' });
  });

  it('a disabled key can be scheduled for deletion', async () => {
    const key = await freshKey();
    await local.kms.send(new DisableKeyCommand({ KeyId: key.id }));
    await local.kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.id }));
    expect((await describe_(key.id)).KeyState).toBe('PendingDeletion');
  });

  it('refuses transitions the key-state table forbids with KMSInvalidStateException', async () => {
    const key = await freshKey();
    const notPending = await rejection(local.kms.send(new CancelKeyDeletionCommand({ KeyId: key.id })));
    expect(notPending).toBeInstanceOf(KMSInvalidStateException);
    expect(notPending.message).toBe(`${key.arn} is not pending deletion.`);

    await local.kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.id }));
    for (const command of [
      new ScheduleKeyDeletionCommand({ KeyId: key.id }),
      new EnableKeyCommand({ KeyId: key.id }),
      new DisableKeyCommand({ KeyId: key.id }),
    ]) {
      const error = await rejection(local.kms.send(command as never));
      expect(error).toBeInstanceOf(KMSInvalidStateException);
      expect(error.message).toBe(`${key.arn} is pending deletion.`);
    }
    expect((await describe_(key.id)).KeyState).toBe('PendingDeletion');
  });

  it('two concurrent schedules: one succeeds, the other sees the key pending deletion', async () => {
    const key = await freshKey();
    const results = await Promise.allSettled([
      local.kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.id })),
      local.kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.id })),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason).toBeInstanceOf(KMSInvalidStateException);
  });
});

describe('KeyId forms of the state operations', () => {
  it.each([
    ['ScheduleKeyDeletion', (KeyId: string) => new ScheduleKeyDeletionCommand({ KeyId })],
    ['CancelKeyDeletion', (KeyId: string) => new CancelKeyDeletionCommand({ KeyId })],
    ['DisableKey', (KeyId: string) => new DisableKeyCommand({ KeyId })],
    ['EnableKey', (KeyId: string) => new EnableKeyCommand({ KeyId })],
  ])('%s takes a key id or key ARN only: an alias name or alias ARN is NotFoundException', async (_name, command) => {
    const key = await freshKey();
    for (const keyId of [key.alias, key.aliasArn]) {
      const error = await rejection(local.kms.send(command(keyId) as never));
      expect(error).toBeInstanceOf(NotFoundException);
      expect(error.message).toBe(`Invalid keyId '${keyId}'`);
    }
    expect((await describe_(key.id)).KeyState).toBe('Enabled');
  });

  it('an unknown key id, and the ARN of an existing key in another region, are NotFoundException', async () => {
    const key = await freshKey();
    for (const keyId of ['6f1c3c5e-0000-4000-8000-000000000000', key.arn.replace('us-east-1', 'eu-west-1')]) {
      for (const command of [new DisableKeyCommand({ KeyId: keyId }), new ScheduleKeyDeletionCommand({ KeyId: keyId })]) {
        expect(await rejection(local.kms.send(command as never))).toBeInstanceOf(NotFoundException);
      }
    }
    expect((await describe_(key.id)).KeyState).toBe('Enabled');
  });

  it('the ARN form works for every state operation', async () => {
    const key = await freshKey();
    await local.kms.send(new DisableKeyCommand({ KeyId: key.arn }));
    await local.kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.arn }));
    await local.kms.send(new CancelKeyDeletionCommand({ KeyId: key.arn }));
    await local.kms.send(new EnableKeyCommand({ KeyId: key.arn }));
    expect((await describe_(key.arn)).KeyState).toBe('Enabled');
  });
});
