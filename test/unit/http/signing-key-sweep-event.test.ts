import { isSigningKeySweep } from '../../../functions/admin/app';
import { SIGNING_KEY_SWEEP_EVENT } from '../../../src/config-names';

/* The admin function runs the sweep only for the event the stack's daily schedule sends (lib/constructs/pool-signing-keys.ts). */
describe('isSigningKeySweep', () => {
  it('recognises the scheduled event', () => {
    expect(isSigningKeySweep({ ...SIGNING_KEY_SWEEP_EVENT })).toBe(true);
  });

  it.each([
    ['an API Gateway event', { httpMethod: 'POST', resource: '/api/internal/org', body: '{"action":"sweep-signing-keys"}' }],
    ['an API Gateway event that also carries the field', { httpMethod: 'GET', action: 'sweep-signing-keys' }],
    ['another action', { action: 'rotate-everything' }],
    ['null', null],
    ['a string', 'sweep-signing-keys'],
  ])('ignores %s', (_name, event) => {
    expect(isSigningKeySweep(event)).toBe(false);
  });
});
