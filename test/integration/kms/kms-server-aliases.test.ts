import {
  type AliasListEntry,
  AlreadyExistsException,
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  KMSInvalidStateException,
  ListAliasesCommand,
  NotFoundException,
  ScheduleKeyDeletionCommand,
  SignCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-kms';
import { type LocalKms, localKmsClient, rejection, startLocalKms } from './local-kms';

let local: LocalKms;
beforeEach(async () => {
  local = await startLocalKms();
});
afterEach(() => local.stop());

const ALIAS_ARN = (name: string, region = 'us-east-1') => `arn:aws:kms:${region}:000000000000:${name}`;
const createKey = async () => (await local.kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!;
const createAlias = (AliasName: string, TargetKeyId: string) => local.kms.send(new CreateAliasCommand({ AliasName, TargetKeyId }));
const listAliases = async (KeyId?: string): Promise<AliasListEntry[]> => (await local.kms.send(new ListAliasesCommand({ KeyId }))).Aliases!;
const targetOf = async (alias: string) => (await local.kms.send(new DescribeKeyCommand({ KeyId: alias }))).KeyMetadata!.KeyId;

describe('ListAliases', () => {
  it('lists every alias with its ARN, target and dates, and filters by key id or key ARN', async () => {
    const [a, b] = [await createKey(), await createKey()];
    const before = Date.now();
    await createAlias('alias/pool-1', a.KeyId!);
    await createAlias('alias/pool-1-next', a.Arn!);
    await createAlias('alias/pool-2', b.KeyId!);

    const all = await local.kms.send(new ListAliasesCommand({}));
    expect(all.Truncated).toBe(false);
    expect(all.Aliases!.map(({ AliasName, AliasArn, TargetKeyId }) => ({ AliasName, AliasArn, TargetKeyId }))).toEqual([
      { AliasName: 'alias/pool-1', AliasArn: ALIAS_ARN('alias/pool-1'), TargetKeyId: a.KeyId },
      { AliasName: 'alias/pool-1-next', AliasArn: ALIAS_ARN('alias/pool-1-next'), TargetKeyId: a.KeyId },
      { AliasName: 'alias/pool-2', AliasArn: ALIAS_ARN('alias/pool-2'), TargetKeyId: b.KeyId },
    ]);
    for (const entry of all.Aliases!) {
      expect(entry.CreationDate!.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(entry.CreationDate!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
      expect(entry.LastUpdatedDate).toEqual(entry.CreationDate);
    }
    expect((await listAliases(a.KeyId)).map((entry) => entry.AliasName)).toEqual(['alias/pool-1', 'alias/pool-1-next']);
    expect((await listAliases(b.Arn)).map((entry) => entry.AliasName)).toEqual(['alias/pool-2']);
    expect(await listAliases((await createKey()).KeyId)).toEqual([]);
  });

  it('an empty store lists no aliases', async () => {
    expect(await local.kms.send(new ListAliasesCommand({}))).toMatchObject({ Aliases: [], Truncated: false });
  });

  it('the KeyId filter is a key id or key ARN: an alias or an unknown key is NotFoundException', async () => {
    const key = await createKey();
    await createAlias('alias/filter', key.KeyId!);
    for (const KeyId of ['alias/filter', ALIAS_ARN('alias/filter'), '6f1c3c5e-0000-4000-8000-000000000000']) {
      expect(await rejection(local.kms.send(new ListAliasesCommand({ KeyId })))).toBeInstanceOf(NotFoundException);
    }
  });

  it('pages with Limit and Marker', async () => {
    const key = await createKey();
    for (const n of [1, 2, 3]) await createAlias(`alias/page-${n}`, key.KeyId!);
    const first = await local.kms.send(new ListAliasesCommand({ Limit: 2 }));
    expect(first).toMatchObject({ Truncated: true, NextMarker: expect.any(String) });
    const second = await local.kms.send(new ListAliasesCommand({ Limit: 2, Marker: first.NextMarker }));
    expect(second.Truncated).toBe(false);
    expect([...first.Aliases!, ...second.Aliases!].map((entry) => entry.AliasName)).toEqual(['alias/page-1', 'alias/page-2', 'alias/page-3']);
    expect((await rejection(local.kms.send(new ListAliasesCommand({ Limit: 101 })))).name).toBe('ValidationException');
  });
});

describe('UpdateAlias', () => {
  it('moves an alias to another key: Sign and DescribeKey by alias follow it, the dates say when', async () => {
    const [old, next] = [await createKey(), await createKey()];
    await createAlias('alias/rotating', old.KeyId!);
    const [created] = await listAliases();
    await new Promise((resolve) => setTimeout(resolve, 20));

    await local.kms.send(new UpdateAliasCommand({ AliasName: 'alias/rotating', TargetKeyId: next.Arn }));
    expect(await targetOf('alias/rotating')).toBe(next.KeyId);
    expect(await targetOf(ALIAS_ARN('alias/rotating'))).toBe(next.KeyId);
    const signed = await local.kms.send(new SignCommand({ KeyId: 'alias/rotating', SigningAlgorithm: 'ECDSA_SHA_256', Message: Buffer.from('m') }));
    expect(signed.KeyId).toBe(next.Arn);

    const [updated] = await listAliases();
    expect(updated).toMatchObject({ AliasName: 'alias/rotating', TargetKeyId: next.KeyId, CreationDate: created.CreationDate });
    expect(updated.LastUpdatedDate!.getTime()).toBeGreaterThan(created.LastUpdatedDate!.getTime());
    expect(await listAliases(old.KeyId)).toEqual([]);
  });

  it('refuses an unknown alias, an alias or unknown key as target, and a target pending deletion', async () => {
    const [key, doomed] = [await createKey(), await createKey()];
    await createAlias('alias/current', key.KeyId!);
    await createAlias('alias/other', doomed.KeyId!);
    await local.kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed.KeyId }));

    const unknownAlias = await rejection(local.kms.send(new UpdateAliasCommand({ AliasName: 'alias/nope', TargetKeyId: key.KeyId })));
    expect(unknownAlias).toBeInstanceOf(NotFoundException);
    expect(unknownAlias.message).toBe(`Alias ${ALIAS_ARN('alias/nope')} is not found.`);
    for (const TargetKeyId of ['alias/other', ALIAS_ARN('alias/other'), '6f1c3c5e-0000-4000-8000-000000000000']) {
      expect(await rejection(local.kms.send(new UpdateAliasCommand({ AliasName: 'alias/current', TargetKeyId })))).toBeInstanceOf(NotFoundException);
    }
    const pending = await rejection(local.kms.send(new UpdateAliasCommand({ AliasName: 'alias/current', TargetKeyId: doomed.KeyId })));
    expect(pending).toBeInstanceOf(KMSInvalidStateException);
    expect(pending.message).toBe(`${doomed.Arn} is pending deletion.`);
    expect(await targetOf('alias/current')).toBe(key.KeyId);
  });

  it('moves an alias away from a key pending deletion (only the new target must be usable)', async () => {
    const [doomed, replacement] = [await createKey(), await createKey()];
    await createAlias('alias/escape', doomed.KeyId!);
    await local.kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed.KeyId }));
    await local.kms.send(new UpdateAliasCommand({ AliasName: 'alias/escape', TargetKeyId: replacement.KeyId }));
    expect(await targetOf('alias/escape')).toBe(replacement.KeyId);
  });
});

describe('DeleteAlias', () => {
  it('deletes the alias but not the key; the name can be reused', async () => {
    const key = await createKey();
    await createAlias('alias/short-lived', key.KeyId!);
    await local.kms.send(new DeleteAliasCommand({ AliasName: 'alias/short-lived' }));
    expect(await rejection(local.kms.send(new DescribeKeyCommand({ KeyId: 'alias/short-lived' })))).toBeInstanceOf(NotFoundException);
    expect(await targetOf(key.Arn!)).toBe(key.KeyId);
    expect(await listAliases()).toEqual([]);
    await createAlias('alias/short-lived', key.KeyId!);
    expect(await targetOf('alias/short-lived')).toBe(key.KeyId);
  });

  it('an unknown alias is NotFoundException, a name without alias/ is ValidationException', async () => {
    const missing = await rejection(local.kms.send(new DeleteAliasCommand({ AliasName: 'alias/never' })));
    expect(missing).toBeInstanceOf(NotFoundException);
    expect(missing.message).toBe(`Alias ${ALIAS_ARN('alias/never')} is not found.`);
    const eu = localKmsClient(local.server.url, { region: 'eu-west-1' });
    expect((await rejection(eu.send(new DeleteAliasCommand({ AliasName: 'alias/never' })))).message).toContain(ALIAS_ARN('alias/never', 'eu-west-1'));
    eu.destroy();
    expect((await rejection(local.kms.send(new DeleteAliasCommand({ AliasName: 'never' })))).name).toBe('ValidationException');
  });

  it('works on the alias of a key pending deletion', async () => {
    const key = await createKey();
    await createAlias('alias/of-doomed', key.KeyId!);
    await local.kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }));
    await local.kms.send(new DeleteAliasCommand({ AliasName: 'alias/of-doomed' }));
    expect(await listAliases()).toEqual([]);
  });
});

describe('CreateAlias', () => {
  it('refuses a target pending deletion, and an alias ARN of another region does not resolve', async () => {
    const key = await createKey();
    await createAlias('alias/regional', key.KeyId!);
    expect(await rejection(local.kms.send(new DescribeKeyCommand({ KeyId: ALIAS_ARN('alias/regional', 'eu-west-1') })))).toBeInstanceOf(NotFoundException);

    await local.kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }));
    expect(await rejection(createAlias('alias/late', key.KeyId!))).toBeInstanceOf(KMSInvalidStateException);
    // The existing alias still resolves: DescribeKey works in every state.
    expect(await targetOf('alias/regional')).toBe(key.KeyId);
  });

  it('two concurrent CreateAlias of one name: one wins, the other is AlreadyExistsException', async () => {
    const [a, b] = [await createKey(), await createKey()];
    const results = await Promise.allSettled([createAlias('alias/race', a.KeyId!), createAlias('alias/race', b.KeyId!)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(AlreadyExistsException);
    expect(await listAliases()).toHaveLength(1);
  });
});
