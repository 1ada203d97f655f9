import type { Tag } from './key-store';
import { constraintViolations, KmsError, tagError } from './kms-error';

/**
 * Tag validation as KMS does it. Lengths are model constraints (TagKey 1–128,
 * TagValue 0–256 characters: KMS API reference, Tag) and fail with
 * ValidationException naming the member, e.g. 'tags.1.member.tagKey'; the
 * reserved `aws:` prefix (any case), a tag key given twice and more than 50
 * tags on a key fail with TagException. The messages are the ones real KMS
 * returns (recorded against AWS in LocalStack's validated KMS tests).
 */
const MAX_TAGS_PER_KEY = 50;
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;

/** Parses and validates a `Tags` member (CreateKey, TagResource). */
export function parseTags(list: readonly unknown[]): Tag[] {
  const violations: string[] = [];
  const tags = list.map((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new KmsError('SerializationException', 'Each tag must be an object with TagKey and TagValue');
    }
    const { TagKey, TagValue } = item as Record<string, unknown>;
    const at = `tags.${index + 1}.member`;
    if (TagKey !== undefined && TagKey !== null && typeof TagKey !== 'string') throw serialization('TagKey');
    if (TagValue !== undefined && TagValue !== null && typeof TagValue !== 'string') throw serialization('TagValue');
    violations.push(...lengthViolations(TagKey, `${at}.tagKey`, 1, MAX_KEY_LENGTH));
    violations.push(...lengthViolations(TagValue, `${at}.tagValue`, 0, MAX_VALUE_LENGTH));
    return { TagKey: TagKey as string, TagValue: TagValue as string };
  });
  if (violations.length > 0) throw constraintViolations(violations);
  const seen = new Set<string>();
  for (const { TagKey } of tags) {
    if (TagKey.toLowerCase().startsWith('aws:')) throw tagError('Tags beginning with aws: are reserved');
    if (seen.has(TagKey)) throw tagError('Duplicate tag keys');
    seen.add(TagKey);
  }
  if (tags.length > MAX_TAGS_PER_KEY) throw tagError('Too many tags');
  return tags;
}

/** Parses and validates an UntagResource `TagKeys` member. */
export function parseTagKeys(list: readonly unknown[]): string[] {
  const violations: string[] = [];
  const keys = list.map((key, index) => {
    if (key !== null && typeof key !== 'string') throw serialization('TagKeys member');
    violations.push(...lengthViolations(key, `tagKeys.${index + 1}.member`, 1, MAX_KEY_LENGTH));
    return key as string;
  });
  if (violations.length > 0) throw constraintViolations(violations);
  return keys;
}

/** TagResource: a new key is appended, an existing one gets the new value in place. */
export function mergeTags(existing: readonly Tag[], incoming: readonly Tag[]): Tag[] {
  const merged = existing.map((tag) => ({ ...tag }));
  for (const tag of incoming) {
    const current = merged.find((candidate) => candidate.TagKey === tag.TagKey);
    if (current) current.TagValue = tag.TagValue;
    else merged.push({ ...tag });
  }
  if (merged.length > MAX_TAGS_PER_KEY) throw tagError('Too many tags');
  return merged;
}

function lengthViolations(value: unknown, at: string, min: number, max: number): string[] {
  if (value === undefined || value === null) return [`Value null at '${at}' failed to satisfy constraint: Member must not be null`];
  const length = [...(value as string)].length;
  if (length < min) return [`Value '${value as string}' at '${at}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`];
  if (length > max) return [`Value '${value as string}' at '${at}' failed to satisfy constraint: Member must have length less than or equal to ${max}`];
  return [];
}

function serialization(member: string): KmsError {
  return new KmsError('SerializationException', `${member} must be a string`);
}
