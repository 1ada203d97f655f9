import { DomainError } from '../errors';

/** docs/contract.md §3.5: the resource servers a pool issues tokens for (RFC 8707 `resource` → `aud`). */
export const MAX_POOL_AUDIENCES = 10;
const MAX_AUDIENCE_LENGTH = 2048;

function invalid(message: string): DomainError {
  return new DomainError('invalid_field', message, { field: 'audiences' });
}

/**
 * The `audiences` of PATCH .../env/{envId}: absolute https URLs, no
 * credentials, fragment or whitespace, no duplicates. They are stored as
 * given, because a token request's `resource` must match one exactly
 * (RFC 8707 §2 defines no normalisation). `[]` removes them all.
 */
export function parseAudiences(value: unknown): string[] {
  if (!Array.isArray(value)) throw invalid('audiences must be an array of https URLs');
  if (value.length > MAX_POOL_AUDIENCES) throw invalid(`at most ${MAX_POOL_AUDIENCES} audiences`);
  for (const entry of value) {
    if (typeof entry !== 'string' || entry.length === 0 || entry.length > MAX_AUDIENCE_LENGTH || /[\s#]/.test(entry)) {
      throw invalid(`each audience must be an absolute https URL of at most ${MAX_AUDIENCE_LENGTH} characters without a fragment`);
    }
    const url = URL.canParse(entry) ? new URL(entry) : undefined;
    if (url?.protocol !== 'https:' || !entry.toLowerCase().startsWith('https://') || url.hostname === '')
      throw invalid(`audience ${entry.slice(0, 80)} is not an absolute https URL`);
    if (url.username !== '' || url.password !== '') throw invalid('an audience may not carry credentials');
  }
  if (new Set(value).size !== value.length) throw invalid('audiences must not repeat');
  return value as string[];
}

/**
 * docs/contract.md §4.1: `resource` picks the token's `aud` among the pool's audiences;
 * without it the deployment's default stands. RFC 8707 §2: anything else is
 * `invalid_target`.
 */
export function selectAudience(poolAudiences: readonly string[] | undefined, resource: string | undefined, fallback: string): string {
  if (resource === undefined) return fallback;
  if (!poolAudiences?.includes(resource)) {
    throw new DomainError('resource_not_allowed', 'resource is not one of the audiences configured for this pool');
  }
  return resource;
}
