import { DEVICE_SCOPE, grantScopes } from '../../../src/domain/scopes';
import { DomainError } from '../../../src/errors';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'granted';
}

describe('grantScopes (docs/contract.md §4.4)', () => {
  it('the JWT-bearer flow needs the "device" scope', () => {
    expect(DEVICE_SCOPE).toBe('device');
  });

  it('grants every binding scope when none is requested', () => {
    expect(grantScopes(['device', 'read', 'write'], undefined)).toEqual(['device', 'read', 'write']);
  });

  it('grants exactly the requested scopes, in the requested order, when all are in the binding', () => {
    expect(grantScopes(['device', 'read', 'write'], ['write', 'device'])).toEqual(['write', 'device']);
    expect(grantScopes(['device', 'read'], ['read'])).toEqual(['read']);
  });

  it('refuses a binding without "device" (device_scope_missing), whatever is requested', () => {
    expect(codeOf(() => grantScopes(['read', 'write'], undefined))).toBe('device_scope_missing');
    expect(codeOf(() => grantScopes(['read'], ['read']))).toBe('device_scope_missing');
    expect(codeOf(() => grantScopes(['Device', 'devices'], ['device']))).toBe('device_scope_missing');
  });

  it('refuses a requested scope outside the binding (scope_not_granted) rather than narrowing silently', () => {
    expect(codeOf(() => grantScopes(['device'], ['device', 'admin']))).toBe('scope_not_granted');
    expect(codeOf(() => grantScopes(['device', 'read'], ['READ']))).toBe('scope_not_granted');
    expect(codeOf(() => grantScopes(['device', 'read'], ['rea']))).toBe('scope_not_granted');
  });

  it('does not hand out the stored binding array itself', () => {
    const binding = ['device', 'read'];
    const granted = grantScopes(binding, undefined);
    granted.push('admin');
    expect(binding).toEqual(['device', 'read']);
  });
});
