import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  type KMSClient,
  ListAliasesCommand,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-kms';
import { startKmsServer } from '../../../local/kms/kms-server';
import { rejection, useKmsDataDir } from './local-kms';

describe('persistence of tags, aliases and key states across restarts', () => {
  const data = useKmsDataDir();

  const { withServer } = data;
  const createKey = async (kms: KMSClient, Tags?: { TagKey: string; TagValue: string }[]) =>
    (await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', Tags }))).KeyMetadata!;

  it('keeps everything the new operations change; every file stays 0600 and no temporary file is left', async () => {
    const before = await withServer(async (kms) => {
      const tagged = await createKey(kms, [
        { TagKey: 'pool', TagValue: 'pool-1' },
        { TagKey: 'gone', TagValue: 'x' },
      ]);
      await kms.send(new TagResourceCommand({ KeyId: tagged.KeyId, Tags: [{ TagKey: 'stage', TagValue: 'next' }] }));
      await kms.send(new UntagResourceCommand({ KeyId: tagged.KeyId, TagKeys: ['gone'] }));
      const disabled = await createKey(kms);
      await kms.send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
      const pending = await createKey(kms);
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/moved', TargetKeyId: pending.KeyId }));
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: pending.KeyId, PendingWindowInDays: 7 }));
      const cancelled = await createKey(kms);
      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: cancelled.KeyId }));
      await kms.send(new CancelKeyDeletionCommand({ KeyId: cancelled.KeyId }));
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/current', TargetKeyId: tagged.KeyId }));
      await kms.send(new UpdateAliasCommand({ AliasName: 'alias/moved', TargetKeyId: tagged.KeyId }));
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/deleted', TargetKeyId: tagged.KeyId }));
      await kms.send(new DeleteAliasCommand({ AliasName: 'alias/deleted' }));
      const describeAll = await Promise.all(
        [tagged, disabled, pending, cancelled].map(async (key) => (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!),
      );
      return { ids: describeAll.map((m) => m.KeyId!), metadata: describeAll, aliases: (await kms.send(new ListAliasesCommand({}))).Aliases! };
    });

    const files = await readdir(join(data.path, 'kms'));
    expect(files.filter((name) => !name.endsWith('.json'))).toEqual([]);
    for (const name of files) expect((await stat(join(data.path, 'kms', name))).mode & 0o777).toBe(0o600);

    await withServer(async (kms) => {
      const [tagged, disabled, pending, cancelled] = before.ids;
      const after = await Promise.all(before.ids.map(async (KeyId) => (await kms.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata!));
      expect(after).toEqual(before.metadata);
      expect(after.map((m) => m.KeyState)).toEqual(['Enabled', 'Disabled', 'PendingDeletion', 'Disabled']);
      expect(after[2].DeletionDate).toBeInstanceOf(Date);
      expect((await kms.send(new ListResourceTagsCommand({ KeyId: tagged }))).Tags).toEqual([
        { TagKey: 'pool', TagValue: 'pool-1' },
        { TagKey: 'stage', TagValue: 'next' },
      ]);
      expect((await kms.send(new ListAliasesCommand({}))).Aliases).toEqual(before.aliases);
      expect(before.aliases.map((a) => [a.AliasName, a.TargetKeyId])).toEqual([
        ['alias/moved', tagged],
        ['alias/current', tagged],
      ]);
      // The states still act after the restart.
      const signWith = (KeyId: string) => kms.send(new SignCommand({ KeyId, SigningAlgorithm: 'ECDSA_SHA_256', Message: Buffer.from('m') }));
      expect((await rejection(signWith(disabled))).name).toBe('DisabledException');
      expect((await rejection(signWith(pending))).name).toBe('KMSInvalidStateException');
      expect((await rejection(signWith(cancelled))).name).toBe('DisabledException');
      await expect(signWith('alias/moved')).resolves.toBeDefined();
      await kms.send(new CancelKeyDeletionCommand({ KeyId: pending }));
    });
  });

  it('loads a data directory written before key states, tags and alias dates existed', async () => {
    const key = await withServer(async (kms) => {
      const created = await createKey(kms);
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/legacy', TargetKeyId: created.KeyId }));
      return created;
    });
    const keyFile = join(data.path, 'kms', `${key.KeyId}.json`);
    const { keyState: _state, tags: _tags, ...legacy } = JSON.parse(await readFile(keyFile, 'utf8')) as Record<string, unknown>;
    await writeFile(keyFile, JSON.stringify(legacy), { mode: 0o600 });
    await writeFile(join(data.path, 'kms', 'aliases.json'), JSON.stringify({ 'alias/legacy': key.KeyId }), { mode: 0o600 });

    await withServer(async (kms) => {
      expect((await kms.send(new DescribeKeyCommand({ KeyId: 'alias/legacy' }))).KeyMetadata).toEqual(key);
      expect((await kms.send(new ListResourceTagsCommand({ KeyId: key.KeyId }))).Tags).toEqual([]);
      const [alias] = (await kms.send(new ListAliasesCommand({}))).Aliases!;
      expect(alias).toMatchObject({ AliasName: 'alias/legacy', TargetKeyId: key.KeyId, CreationDate: expect.any(Date) });
      await kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'migrated', TagValue: 'yes' }] }));
    });
    expect(JSON.parse(await readFile(keyFile, 'utf8'))).toMatchObject({ keyState: 'Enabled', tags: [{ TagKey: 'migrated', TagValue: 'yes' }] });
  });

  it.each([
    ['a key pending deletion without a deletion date', { keyState: 'PendingDeletion' }, /cannot load key file/],
    ['an unknown key state', { keyState: 'Deleted' }, /cannot load key file/],
    ['malformed tags', { tags: [{ TagKey: 1 }] }, /cannot load key file/],
  ])('refuses to start on %s', async (_name, patch, message) => {
    const key = await withServer((kms) => createKey(kms));
    const keyFile = join(data.path, 'kms', `${key.KeyId}.json`);
    await writeFile(keyFile, JSON.stringify({ ...JSON.parse(await readFile(keyFile, 'utf8')), ...patch }), { mode: 0o600 });
    await expect(startKmsServer({ port: 0, dataDir: data.path })).rejects.toThrow(message);
  });

  it('refuses to start on a malformed aliases.json entry', async () => {
    await withServer(async () => undefined);
    await writeFile(join(data.path, 'kms', 'aliases.json'), JSON.stringify({ 'alias/x': { targetKeyId: 42 } }), { mode: 0o600 });
    await expect(startKmsServer({ port: 0, dataDir: data.path })).rejects.toThrow(/cannot load aliases.json/);
  });
});
