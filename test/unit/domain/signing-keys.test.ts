import type { PoolSigningKey } from '../../../src/domain/model';
import {
  activeSigningKey,
  JWKS_MAX_AGE_SECONDS,
  nextActivation,
  nextAliasNumber,
  pendingSigningKey,
  publishedSigningKeys,
  ROTATION_MARGIN_SECONDS,
  removableSigningKeys,
  signingKeyStates,
} from '../../../src/domain/signing-keys';

/* docs/contract.md §4.6: which key is next, active, retiring or retired at an instant — pure, clock passed in. */
const T0 = Date.parse('2031-03-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const iso = (seconds: number) => at(seconds).toISOString();
const LIFETIME = 3600;

function key(name: string, createdAt: number, activatesAt: number, extra: Partial<PoolSigningKey> = {}): PoolSigningKey {
  return { keyArn: `arn:${name}`, kid: name, alg: 'ES256', createdAt: iso(createdAt), activatesAt: iso(activatesAt), ...extra };
}

const statuses = (keys: PoolSigningKey[], seconds: number) =>
  Object.fromEntries(signingKeyStates(keys, at(seconds), LIFETIME).map((state) => [state.key.kid, state.status]));

describe('signing-key timeline', () => {
  const first = key('k1', 0, 0);
  const second = key('k2', 1000, 1360);
  const third = key('k3', 9000, 9360);
  const keys = [third, first, second]; // stored order does not matter

  it('a single key is active from its creation, and before it too (the first key is published as long as the list exists)', () => {
    expect(statuses([first], 0)).toEqual({ k1: 'active' });
    expect(statuses([first], -10)).toEqual({ k1: 'active' });
    expect(activeSigningKey([first], at(10 ** 7))).toBe(first);
  });

  it('a new key is next until activatesAt, then active; the previous one retiring for one token lifetime', () => {
    expect(statuses([first, second], 1000)).toEqual({ k1: 'active', k2: 'next' });
    expect(statuses([first, second], 1359)).toEqual({ k1: 'active', k2: 'next' });
    expect(statuses([first, second], 1360)).toEqual({ k1: 'retiring', k2: 'active' });
    expect(statuses([first, second], 1360 + LIFETIME - 1)).toEqual({ k1: 'retiring', k2: 'active' });
    expect(statuses([first, second], 1360 + LIFETIME)).toEqual({ k1: 'retired', k2: 'active' });
  });

  it('retiresAt = the successor activatesAt + the token lifetime; known for the active key once a next exists', () => {
    const states = signingKeyStates(keys, at(9100), LIFETIME);
    expect(states.map((s) => [s.key.kid, s.status, s.retiresAt?.toISOString()])).toEqual([
      ['k1', 'retired', iso(1360 + LIFETIME)],
      ['k2', 'active', iso(9360 + LIFETIME)],
      ['k3', 'next', undefined],
    ]);
  });

  it('publishes every key that is not retired, and only those', () => {
    expect(publishedSigningKeys(keys, at(1000), LIFETIME).map((k) => k.kid)).toEqual(['k1', 'k2', 'k3']);
    expect(publishedSigningKeys(keys, at(1360 + LIFETIME), LIFETIME).map((k) => k.kid)).toEqual(['k2', 'k3']);
    expect(publishedSigningKeys(keys, at(9360 + LIFETIME), LIFETIME).map((k) => k.kid)).toEqual(['k3']);
  });

  it('reports the pending key while one exists', () => {
    expect(pendingSigningKey([first, second], at(1359))).toBe(second);
    expect(pendingSigningKey([first, second], at(1360))).toBeUndefined();
  });

  it('removes a retired key from the list only a margin after its retirement', () => {
    const retiresAt = 1360 + LIFETIME;
    expect(removableSigningKeys(keys, at(retiresAt), LIFETIME)).toEqual([]);
    expect(removableSigningKeys(keys, at(retiresAt + ROTATION_MARGIN_SECONDS - 1), LIFETIME)).toEqual([]);
    expect(removableSigningKeys(keys, at(retiresAt + ROTATION_MARGIN_SECONDS), LIFETIME)).toEqual([first]);
  });

  it('activates a new key one JWKS cache lifetime plus the margin after now', () => {
    expect(nextActivation(at(0)).toISOString()).toBe(iso(JWKS_MAX_AGE_SECONDS + ROTATION_MARGIN_SECONDS));
    expect(JWKS_MAX_AGE_SECONDS).toBe(300);
  });

  it('numbers aliases one past the highest listed', () => {
    expect(nextAliasNumber([])).toBe(1);
    expect(nextAliasNumber([key('shared', 0, 0, { shared: true })])).toBe(1);
    expect(nextAliasNumber([key('a', 0, 0, { alias: 'alias/device-idp/s/pool-x/3' }), key('b', 1, 1, { alias: 'alias/device-idp/s/pool-x/7' })])).toBe(8);
  });

  it('signs each token with a key that stays published until the token expires, whatever the issue instant', () => {
    for (let iat = -100; iat < 20_000; iat += 7) {
      const signer = activeSigningKey(keys, at(iat))!;
      for (const verifyAt of [iat, iat + LIFETIME / 2, iat + LIFETIME - 1]) {
        expect(publishedSigningKeys(keys, at(verifyAt), LIFETIME)).toContain(signer);
      }
    }
  });
});
