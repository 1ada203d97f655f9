import { DomainError } from '../errors';

/** The JWT-bearer flow is only open to bindings that carry this scope (docs/contract.md §2). */
export const DEVICE_SCOPE = 'device';

/**
 * docs/contract.md §4.4: a binding without `device` never yields a token; a requested
 * scope outside the binding is refused rather than silently narrowed.
 */
export function grantScopes(bindingScopes: string[], requested: string[] | undefined): string[] {
  if (!bindingScopes.includes(DEVICE_SCOPE)) {
    throw new DomainError('device_scope_missing', `the device app binding does not include the "${DEVICE_SCOPE}" scope`);
  }
  if (requested === undefined) return [...bindingScopes];
  const missing = requested.find((scope) => !bindingScopes.includes(scope));
  if (missing !== undefined) throw new DomainError('scope_not_granted', `scope "${missing.slice(0, 64)}" is not granted to this device and app`);
  return requested;
}
