import {
  CreateAliasCommand,
  CreateKeyCommand,
  InvalidMarkerException,
  KMSInvalidStateException,
  ListResourceTagsCommand,
  NotFoundException,
  ScheduleKeyDeletionCommand,
  type Tag,
  TagException,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-kms';
import { type LocalKms, rejection, startLocalKms } from './local-kms';

let local: LocalKms;
beforeAll(async () => {
  local = await startLocalKms();
});
afterAll(() => local.stop());

const tagsOf = async (keyId: string): Promise<Tag[]> => (await local.kms.send(new ListResourceTagsCommand({ KeyId: keyId }))).Tags!;
const createKey = async (Tags?: Tag[]) =>
  (await local.kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', Tags }))).KeyMetadata!;
const manyTags = (count: number, prefix = 'k'): Tag[] => Array.from({ length: count }, (_, i) => ({ TagKey: `${prefix}${i}`, TagValue: `v${i}` }));

describe('CreateKey with Tags and ListResourceTags', () => {
  it('keeps the tags (in order, an empty value allowed) and returns them only through ListResourceTags', async () => {
    const tags = [
      { TagKey: 'pool', TagValue: 'pool-1' },
      { TagKey: 'purpose', TagValue: 'token-signing' },
      { TagKey: 'empty', TagValue: '' },
    ];
    const metadata = await createKey(tags);
    expect(JSON.stringify(metadata)).not.toContain('pool-1');
    expect(await tagsOf(metadata.KeyId!)).toEqual(tags);
    expect(await local.kms.send(new ListResourceTagsCommand({ KeyId: metadata.Arn }))).toMatchObject({ Tags: tags, Truncated: false });
  });

  it('a key created without tags has an empty list', async () => {
    expect(await tagsOf((await createKey()).KeyId!)).toEqual([]);
  });

  it('accepts exactly 50 tags, a 128-character key and a 256-character value', async () => {
    const tags = [...manyTags(49), { TagKey: 'k'.repeat(128), TagValue: 'v'.repeat(256) }];
    expect(await tagsOf((await createKey(tags)).KeyId!)).toEqual(tags);
  });

  it.each([
    [
      'a 129-character key',
      [{ TagKey: 'k'.repeat(129), TagValue: 'v' }],
      "at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128",
    ],
    [
      'an empty key',
      [{ TagKey: '', TagValue: 'v' }],
      "at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ],
    [
      'a 257-character value',
      [
        { TagKey: 'ok', TagValue: 'x' },
        { TagKey: 'k', TagValue: 'v'.repeat(257) },
      ],
      "at 'tags.2.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256",
    ],
    ['a missing value', [{ TagKey: 'k' } as Tag], "Value null at 'tags.1.member.tagValue' failed to satisfy constraint: Member must not be null"],
  ])('%s is ValidationException, as KMS reports model constraints', async (_name, tags, message) => {
    const error = await rejection(createKey(tags));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(/^1 validation error detected: /);
    expect(error.message).toContain(message);
  });

  it.each([
    [
      'duplicate tag keys',
      [
        { TagKey: 'a', TagValue: '1' },
        { TagKey: 'a', TagValue: '2' },
      ],
      'Duplicate tag keys',
    ],
    ['the reserved aws: prefix', [{ TagKey: 'aws:pool', TagValue: '1' }], 'Tags beginning with aws: are reserved'],
    ['the reserved prefix in capitals', [{ TagKey: 'AWS:pool', TagValue: '1' }], 'Tags beginning with aws: are reserved'],
    ['51 tags', manyTags(51), 'Too many tags'],
  ])('%s is TagException', async (_name, tags, message) => {
    const error = await rejection(createKey(tags));
    expect(error).toBeInstanceOf(TagException);
    expect(error.message).toBe(message);
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('pages with Limit and Marker', async () => {
    const key = await createKey(manyTags(5));
    const first = await local.kms.send(new ListResourceTagsCommand({ KeyId: key.KeyId, Limit: 2 }));
    expect(first).toMatchObject({ Tags: manyTags(2), Truncated: true, NextMarker: expect.any(String) });
    const second = await local.kms.send(new ListResourceTagsCommand({ KeyId: key.KeyId, Limit: 3, Marker: first.NextMarker }));
    expect(second).toMatchObject({ Tags: manyTags(5).slice(2), Truncated: false });
    expect(second.NextMarker).toBeUndefined();

    expect(await rejection(local.kms.send(new ListResourceTagsCommand({ KeyId: key.KeyId, Marker: 'bogus!' })))).toBeInstanceOf(InvalidMarkerException);
    for (const Limit of [0, 51]) {
      expect((await rejection(local.kms.send(new ListResourceTagsCommand({ KeyId: key.KeyId, Limit })))).name).toBe('ValidationException');
    }
  });
});

describe('TagResource and UntagResource', () => {
  it('adds new tags after the existing ones and replaces the value of an existing key in place', async () => {
    const key = await createKey([
      { TagKey: 'a', TagValue: '1' },
      { TagKey: 'b', TagValue: '2' },
    ]);
    await local.kms.send(
      new TagResourceCommand({
        KeyId: key.KeyId,
        Tags: [
          { TagKey: 'c', TagValue: '3' },
          { TagKey: 'a', TagValue: 'one' },
        ],
      }),
    );
    expect(await tagsOf(key.KeyId!)).toEqual([
      { TagKey: 'a', TagValue: 'one' },
      { TagKey: 'b', TagValue: '2' },
      { TagKey: 'c', TagValue: '3' },
    ]);
  });

  it('removes the named keys and ignores keys the key does not have', async () => {
    const key = await createKey([
      { TagKey: 'a', TagValue: '1' },
      { TagKey: 'b', TagValue: '2' },
      { TagKey: 'c', TagValue: '3' },
    ]);
    await local.kms.send(new UntagResourceCommand({ KeyId: key.Arn, TagKeys: ['a', 'c', 'never-there'] }));
    expect(await tagsOf(key.KeyId!)).toEqual([{ TagKey: 'b', TagValue: '2' }]);
    await local.kms.send(new UntagResourceCommand({ KeyId: key.KeyId, TagKeys: ['never-there'] }));
    expect(await tagsOf(key.KeyId!)).toEqual([{ TagKey: 'b', TagValue: '2' }]);
  });

  it('refuses to go over 50 tags on the key, and invalid tags, without changing anything', async () => {
    const key = await createKey(manyTags(50));
    const tooMany = await rejection(local.kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'one-more', TagValue: 'x' }] })));
    expect(tooMany).toBeInstanceOf(TagException);
    // Replacing a value keeps the count at 50.
    await local.kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'k0', TagValue: 'new' }] }));
    const reserved = await rejection(
      local.kms.send(
        new TagResourceCommand({
          KeyId: key.KeyId,
          Tags: [
            { TagKey: 'k1', TagValue: 'x' },
            { TagKey: 'aws:x', TagValue: 'y' },
          ],
        }),
      ),
    );
    expect(reserved).toBeInstanceOf(TagException);
    expect(await tagsOf(key.KeyId!)).toEqual([{ TagKey: 'k0', TagValue: 'new' }, ...manyTags(50).slice(1)]);
  });

  it('validates UntagResource tag keys and requires the lists', async () => {
    const key = await createKey();
    const long = await rejection(local.kms.send(new UntagResourceCommand({ KeyId: key.KeyId, TagKeys: ['k'.repeat(129)] })));
    expect(long.message).toContain("at 'tagKeys.1.member' failed to satisfy constraint");
    expect((await rejection(local.kms.send(new UntagResourceCommand({ KeyId: key.KeyId } as never)))).name).toBe('ValidationException');
    expect((await rejection(local.kms.send(new TagResourceCommand({ KeyId: key.KeyId } as never)))).name).toBe('ValidationException');
  });

  it('a key pending deletion keeps its tags readable but they cannot change', async () => {
    const key = await createKey([{ TagKey: 'a', TagValue: '1' }]);
    await local.kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }));
    for (const command of [
      new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'b', TagValue: '2' }] }),
      new UntagResourceCommand({ KeyId: key.KeyId, TagKeys: ['a'] }),
    ]) {
      const error = await rejection(local.kms.send(command as never));
      expect(error).toBeInstanceOf(KMSInvalidStateException);
      expect(error.message).toBe(`${key.Arn} is pending deletion.`);
    }
    expect(await tagsOf(key.Arn!)).toEqual([{ TagKey: 'a', TagValue: '1' }]);
  });
});

describe('KeyId forms of the tag operations', () => {
  it('take a key id or key ARN only: an alias name or alias ARN is NotFoundException, as is an unknown key', async () => {
    const key = await createKey([{ TagKey: 'a', TagValue: '1' }]);
    await local.kms.send(new CreateAliasCommand({ AliasName: 'alias/tagged', TargetKeyId: key.KeyId }));
    const refused = ['alias/tagged', 'arn:aws:kms:us-east-1:000000000000:alias/tagged', '6f1c3c5e-0000-4000-8000-000000000000'];
    for (const KeyId of refused) {
      for (const command of [
        new ListResourceTagsCommand({ KeyId }),
        new TagResourceCommand({ KeyId, Tags: [{ TagKey: 'b', TagValue: '2' }] }),
        new UntagResourceCommand({ KeyId, TagKeys: ['a'] }),
      ]) {
        expect(await rejection(local.kms.send(command as never))).toBeInstanceOf(NotFoundException);
      }
    }
    expect(await tagsOf(key.Arn!)).toEqual([{ TagKey: 'a', TagValue: '1' }]);
  });
});
