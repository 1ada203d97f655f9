import { type Input, type Operation, optionalList, paginate, requireKey } from './input';
import { assertNotPendingDeletion } from './key-state';
import { constraintViolations } from './kms-error';
import { mergeTags, parseTagKeys, parseTags } from './tags';

/**
 * TagResource, UntagResource, ListResourceTags: key id or key ARN only, like
 * KMS (an alias cannot be tagged, nor name the key to tag). Tags cannot change
 * while the key is pending deletion; they can always be listed.
 */
export const TAG_OPERATIONS: Readonly<Record<string, Operation>> = {
  async TagResource(store, input) {
    const key = requireKey(store, input, { aliases: false });
    const tags = parseTags(requiredList(input, 'Tags'));
    await store.updateKey(key.keyId, (current) => {
      assertNotPendingDeletion(current);
      return { ...current, tags: mergeTags(current.tags, tags) };
    });
    return {};
  },

  /** Removing a tag key the key does not have is not an error (API reference, UntagResource). */
  async UntagResource(store, input) {
    const key = requireKey(store, input, { aliases: false });
    const removed = new Set(parseTagKeys(requiredList(input, 'TagKeys')));
    await store.updateKey(key.keyId, (current) => {
      assertNotPendingDeletion(current);
      const kept = current.tags.filter((tag) => !removed.has(tag.TagKey));
      return kept.length === current.tags.length ? current : { ...current, tags: kept };
    });
    return {};
  },

  ListResourceTags(store, input) {
    const key = requireKey(store, input, { aliases: false });
    const { page, ...more } = paginate(key.tags, input, 50, 50);
    return { Tags: page, ...more };
  },
};

function requiredList(input: Input, name: string): unknown[] {
  const list = optionalList(input, name);
  if (!list)
    throw constraintViolations([`Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`]);
  return list;
}
