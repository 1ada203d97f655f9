import { DomainError } from '../errors';

export type JsonObject = Record<string, unknown>;

const MAX_TEXT = 1024;
const MAX_MAP_ENTRIES = 50;
const MAP_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Names with a meaning on every JavaScript object: refused rather than stored, so no later read can mistake them for data. */
const RESERVED_MAP_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function requireObject(value: unknown, what = 'body'): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DomainError('invalid_body', `${what} must be a JSON object`);
  }
  return value as JsonObject;
}

export function requireText(body: JsonObject, field: string, max = MAX_TEXT): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new DomainError('invalid_field', `${field} is required: a non-empty string of at most ${max} characters`, { field });
  }
  return value;
}

export function optionalText(body: JsonObject, field: string, max = MAX_TEXT): string | undefined {
  if (body[field] === undefined || body[field] === null) return undefined;
  return requireText(body, field, max);
}

/** Tags and metadata: a flat object of short string keys to string values. */
export function optionalStringMap(body: JsonObject, field: string): Record<string, string> | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  const invalid = () =>
    new DomainError('invalid_field', `${field} must be an object of at most ${MAX_MAP_ENTRIES} string values with keys of A-Z a-z 0-9 _ . : -`, { field });
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid();
  const entries = Object.entries(value as JsonObject);
  if (entries.length > MAX_MAP_ENTRIES) throw invalid();
  for (const [key, item] of entries) {
    if (!MAP_KEY.test(key) || RESERVED_MAP_KEYS.has(key) || typeof item !== 'string' || item.length > MAX_TEXT) throw invalid();
  }
  return Object.assign(Object.create(null) as Record<string, string>, Object.fromEntries(entries));
}

/** Refuses fields the contract does not define, so typos never pass silently. */
export function rejectUnknownFields(body: JsonObject, allowed: readonly string[]): void {
  const unknown = Object.keys(body).find((key) => !allowed.includes(key));
  if (unknown !== undefined) {
    throw new DomainError('invalid_field', `unknown field: ${unknown.slice(0, 64)}`, { field: unknown.slice(0, 64) });
  }
}
