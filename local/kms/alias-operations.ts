import { type Input, type Operation, optionalString, paginate, requiredString, requireKey } from './input';
import { assertNotPendingDeletion } from './key-state';
import { ACCOUNT_ID, type AliasEntry, aliasArn, type KeyStore, type LocalKey } from './key-store';
import { KmsError, validation } from './kms-error';

/**
 * CreateAlias, ListAliases, DeleteAlias, UpdateAlias. Aliases are addressed
 * by name (`alias/...`); the target of CreateAlias/UpdateAlias and the
 * ListAliases filter are a key id or key ARN, never another alias (API
 * reference: "Specify the key ID or key ARN"). A key pending deletion can
 * lose aliases or have them moved away, but not gain one (key-state table,
 * footnote [10]). Aliases of AWS managed keys (alias/aws/...) do not exist here.
 */
const ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;

export const ALIAS_OPERATIONS: Readonly<Record<string, Operation>> = {
  async CreateAlias(store, input) {
    const aliasName = requiredString(input, 'AliasName');
    if (aliasName.startsWith('alias/aws/')) throw new KmsError('InvalidAliasNameException', 'alias/aws/ is reserved for AWS managed keys');
    if (!ALIAS_NAME.test(aliasName)) throw validation(`Value '${aliasName}' at 'aliasName' failed to satisfy constraint`);
    const key = requireKey(store, input, { aliases: false, member: 'TargetKeyId' });
    await store.updateAliases((aliases) => {
      if (aliases.has(aliasName)) {
        throw new KmsError('AlreadyExistsException', `An alias with the name ${aliasArn(aliasName, key)} already exists`);
      }
      assertNotPendingDeletion(current(store, key));
      const now = Date.now() / 1000;
      aliases.set(aliasName, { targetKeyId: key.keyId, creationDate: now, lastUpdatedDate: now });
    });
    return {};
  },

  ListAliases(store, input) {
    const filter = optionalString(input, 'KeyId') === undefined ? undefined : requireKey(store, input, { aliases: false });
    const entries = [...store.aliasEntries()].flatMap(([name, entry]) => {
      const target = store.key(entry.targetKeyId);
      // An alias whose key file was removed by hand has no account/region to show; KMS would have deleted it.
      return target && (!filter || filter.keyId === target.keyId) ? [aliasListEntry(name, entry, target)] : [];
    });
    const { page, ...more } = paginate(entries, input, 100, 50);
    return { Aliases: page, ...more };
  },

  async DeleteAlias(store, input, region) {
    const aliasName = aliasNameOf(input);
    await store.updateAliases((aliases) => {
      if (!aliases.delete(aliasName)) throw aliasNotFound(aliasName, region);
    });
    return {};
  },

  async UpdateAlias(store, input, region) {
    const aliasName = aliasNameOf(input);
    const key = requireKey(store, input, { aliases: false, member: 'TargetKeyId' });
    await store.updateAliases((aliases) => {
      const entry = aliases.get(aliasName);
      if (!entry) throw aliasNotFound(aliasName, region);
      // Only the new target's state matters: moving an alias off a key pending deletion is allowed.
      assertNotPendingDeletion(current(store, key));
      aliases.set(aliasName, { ...entry, targetKeyId: key.keyId, lastUpdatedDate: Date.now() / 1000 });
    });
    return {};
  },
};

function aliasListEntry(name: string, entry: AliasEntry, target: LocalKey): object {
  return {
    AliasName: name,
    AliasArn: aliasArn(name, target),
    TargetKeyId: target.keyId,
    CreationDate: entry.creationDate,
    LastUpdatedDate: entry.lastUpdatedDate,
  };
}

/** DeleteAlias and UpdateAlias take the alias name, not its ARN. */
function aliasNameOf(input: Input): string {
  const aliasName = requiredString(input, 'AliasName');
  if (!aliasName.startsWith('alias/')) {
    throw validation('Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html');
  }
  return aliasName;
}

function aliasNotFound(aliasName: string, region: string): KmsError {
  return new KmsError('NotFoundException', `Alias arn:aws:kms:${region}:${ACCOUNT_ID}:${aliasName} is not found.`);
}

/** The key as it is now, inside the store's queue (its state may have changed since the request resolved it). */
function current(store: KeyStore, key: LocalKey): LocalKey {
  return store.key(key.keyId) ?? key;
}
