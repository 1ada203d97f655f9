import { isAliasIdentifier, type KeyStore, type LocalKey } from './key-store';
import { constraintViolations, invalidKeyId, KmsError, notFound, validation } from './kms-error';

/** Reading members of a parsed JSON request the way KMS validates them. */
export type Input = Record<string, unknown>;

/** One handler per supported `TrentService.<Operation>`; input is the parsed JSON body. */
export type Operation = (store: KeyStore, input: Input, region: string) => Promise<object> | object;

export function optionalString(input: Input, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new KmsError('SerializationException', `${name} must be a string`);
  return value;
}

export function requiredString(input: Input, name: string): string {
  const value = optionalString(input, name);
  if (!value) throw validation(`1 validation error detected: Value null at '${camel(name)}' failed to satisfy constraint: Member must not be null`);
  return value;
}

/** An integer member with an inclusive range, or undefined when absent. */
export function optionalInteger(input: Input, name: string, min: number, max: number): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw new KmsError('SerializationException', `${name} must be a number`);
  if (!Number.isInteger(value)) throw validation(`Value '${value}' at '${camel(name)}' must be an integer`);
  if (value < min)
    throw constraintViolations([`Value '${value}' at '${camel(name)}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`]);
  if (value > max)
    throw constraintViolations([`Value '${value}' at '${camel(name)}' failed to satisfy constraint: Member must have value less than or equal to ${max}`]);
  return value;
}

/** A list member: undefined when absent, otherwise an array (else SerializationException). */
export function optionalList(input: Input, name: string): unknown[] | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new KmsError('SerializationException', `${name} must be a list`);
  return value;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function requiredBlob(input: Input, name: string): Buffer {
  const value = requiredString(input, name);
  if (!BASE64.test(value)) throw new KmsError('SerializationException', `${name} is not valid base64`);
  return Buffer.from(value, 'base64');
}

/**
 * The key a request names. `aliases: false` is for the operations whose API
 * reference says "Specify the key ID or key ARN" (ScheduleKeyDeletion,
 * TagResource, ...): KMS refuses an alias name or alias ARN there.
 */
export function requireKey(store: KeyStore, input: Input, options: { aliases: boolean; member?: string }): LocalKey {
  const identifier = requiredString(input, options.member ?? 'KeyId');
  if (!options.aliases && isAliasIdentifier(identifier)) throw invalidKeyId(identifier);
  const key = store.resolve(identifier);
  if (!key) throw notFound(identifier);
  return key;
}

/**
 * Limit/Marker paging as KMS does it: the marker is opaque to the caller
 * (here the base64url of the next index), Truncated and NextMarker tell
 * whether there is more.
 */
export function paginate<T>(items: readonly T[], input: Input, maxLimit: number, defaultLimit: number) {
  const limit = optionalInteger(input, 'Limit', 1, maxLimit) ?? defaultLimit;
  const marker = optionalString(input, 'Marker');
  let start = 0;
  if (marker !== undefined) {
    start = Number(Buffer.from(marker, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start <= 0 || start > items.length || !/^[A-Za-z0-9_-]+$/.test(marker)) {
      throw new KmsError('InvalidMarkerException', 'Marker is not valid');
    }
  }
  const page = items.slice(start, start + limit);
  const next = start + page.length;
  return next < items.length ? { page, Truncated: true, NextMarker: Buffer.from(String(next)).toString('base64url') } : { page, Truncated: false };
}

/** 'PendingWindowInDays' → 'pendingWindowInDays', the member path KMS puts in validation messages. */
function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
