import { generateApiKey } from '../../../src/domain/api-key-format';
import { DependencyError } from '../../../src/errors';
import { ADMIN_KEYS_MAX_AGE_MS, ADMIN_KEYS_REFRESH_INTERVAL_MS, ApiKeyAuthenticator } from '../../../src/usecases/authenticate';
import type { AdminKeys, ApiKeyLookup } from '../../../src/usecases/ports';

const T0 = Date.parse('2030-01-01T12:00:00.000Z');
const MINUTE = 60_000;
const [A, B, C] = ['admin-key-A-'.padEnd(48, 'a'), 'admin-key-B-'.padEnd(48, 'b'), 'admin-key-C-'.padEnd(48, 'c')];

const noOrgKeys: ApiKeyLookup = {
  findApiKey: async () => undefined,
  recordUse: async () => false,
};

/*
 * The global admin key is compared against the current and the previous key
 * (README "Rotating the admin key"). The keys are read once per container and
 * re-read when 5 minutes old, or at once when a key matches neither, at most
 * once a minute for that reason. A frozen clock drives every case.
 */
describe('ApiKeyAuthenticator: the admin key and its predecessor', () => {
  let now: number;
  let keys: AdminKeys;
  let failure: Error | undefined;
  let reads: number;
  let authenticator: ApiKeyAuthenticator;
  const admin = (key: string) => authenticator.authenticate(key);
  const accepted = (key: string) => expect(admin(key)).resolves.toEqual({ kind: 'admin' });
  const refused = (key: string) => expect(admin(key)).rejects.toMatchObject({ code: 'invalid_api_key' });
  const at = (offset: number) => {
    now = T0 + offset;
  };

  beforeEach(() => {
    now = T0;
    keys = { current: A };
    failure = undefined;
    reads = 0;
    authenticator = new ApiKeyAuthenticator(
      async () => {
        reads += 1;
        if (failure) throw failure;
        return keys;
      },
      noOrgKeys,
      () => new Date(now),
    );
  });

  it('uses 5 minutes as the longest cache lifetime and 1 minute between re-reads on an unknown key', () => {
    expect(ADMIN_KEYS_MAX_AGE_MS).toBe(5 * MINUTE);
    expect(ADMIN_KEYS_REFRESH_INTERVAL_MS).toBe(MINUTE);
  });

  it('accepts the current and the previous key, and nothing else', async () => {
    keys = { current: B, previous: A };
    await accepted(B);
    await accepted(A);
    for (const other of [C, `${B}x`, B.slice(0, -1), A.toUpperCase(), ` ${A}`]) await refused(other);
    expect(reads).toBe(2); // the first unknown key re-read them once
  });

  it('without a previous key, accepts the current key only', async () => {
    await accepted(A);
    await refused(B);
  });

  it('reads the keys once per container while they are younger than 5 minutes', async () => {
    keys = { current: B, previous: A };
    for (const offset of [0, MINUTE, 4 * MINUTE, 5 * MINUTE - 1]) {
      at(offset);
      await accepted(A);
      await accepted(B);
    }
    expect(reads).toBe(1);
  });

  it('re-reads at 5 minutes: a key retired by a second rotation stops working then, not before', async () => {
    keys = { current: B, previous: A };
    await accepted(A);
    keys = { current: C, previous: B }; // the next rotation retires A
    at(5 * MINUTE - 1);
    await accepted(A);
    expect(reads).toBe(1);
    at(5 * MINUTE);
    await refused(A);
    await accepted(B);
    await accepted(C);
    expect(reads).toBe(2);
  });

  it('accepts a brand-new key at once: a key matching neither cached key re-reads the keys', async () => {
    await accepted(A);
    keys = { current: B, previous: A }; // a rotation finishes
    at(1_000);
    await accepted(B);
    await accepted(A);
    expect(reads).toBe(2);
  });

  it('re-reads on an unknown key at most once a minute', async () => {
    await accepted(A);
    at(1);
    await refused(C); // re-read 1
    for (const offset of [2, 30_000, MINUTE]) {
      at(offset);
      await refused(C);
    }
    expect(reads).toBe(2);
    at(MINUTE + 1);
    await refused(C); // re-read 2
    expect(reads).toBe(3);
    keys = { current: B, previous: A };
    at(MINUTE + 2);
    await refused(B); // within the minute: not yet known here
    at(2 * MINUTE + 1);
    await accepted(B);
    expect(reads).toBe(4);
  });

  it('a key refused right after a read needs no second read', async () => {
    await refused(C); // cold start: the keys were just read
    expect(reads).toBe(1);
  });

  it('a previous key equal to the current one, or none at all, admits nothing more', async () => {
    keys = { current: B, previous: B };
    await accepted(B);
    await refused(A);
    keys = { current: B, previous: undefined };
    authenticator = new ApiKeyAuthenticator(
      async () => keys,
      noOrgKeys,
      () => new Date(now),
    );
    await refused(A);
  });

  it('concurrent requests on a cold container share one read', async () => {
    keys = { current: B, previous: A };
    await Promise.all([accepted(A), accepted(B), refused(C), accepted(A)]);
    expect(reads).toBe(1);
  });

  it('requests that miss while a re-read is under way wait for it instead of being refused', async () => {
    await accepted(A);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    authenticator = new ApiKeyAuthenticator(
      async () => {
        reads += 1;
        if (reads > 1) await gate;
        return keys;
      },
      noOrgKeys,
      () => new Date(now),
    );
    reads = 0;
    await accepted(A);
    keys = { current: B, previous: A };
    at(1_000);
    const both = Promise.allSettled([admin(B), admin(B)]);
    release();
    expect(await both).toEqual([
      { status: 'fulfilled', value: { kind: 'admin' } },
      { status: 'fulfilled', value: { kind: 'admin' } },
    ]);
    expect(reads).toBe(2);
  });

  describe('when the keys cannot be read', () => {
    it('a cold container answers the dependency error (503) and reads again on the next request', async () => {
      failure = new DependencyError('secrets', new Error('down'));
      await expect(admin(A)).rejects.toBeInstanceOf(DependencyError);
      failure = undefined;
      await accepted(A);
      expect(reads).toBe(2);
    });

    it('a warm container keeps the keys it read, retrying the periodic re-read once a minute', async () => {
      keys = { current: B, previous: A };
      await accepted(A);
      failure = new DependencyError('secrets', new Error('down'));
      at(5 * MINUTE);
      await accepted(A); // re-read fails: the keys read last still count
      at(5 * MINUTE + 30_000);
      await accepted(B);
      expect(reads).toBe(2);
      failure = undefined;
      keys = { current: C, previous: B };
      at(6 * MINUTE);
      await refused(A);
      await accepted(C);
      expect(reads).toBe(3);
    });

    it('an unknown key that triggers a re-read gets the dependency error; known keys keep working', async () => {
      await accepted(A);
      failure = new DependencyError('secrets', new Error('down'));
      at(1_000);
      await expect(admin(B)).rejects.toBeInstanceOf(DependencyError);
      await accepted(A);
      await refused(B); // within the minute: no second read
      expect(reads).toBe(2);
    });
  });

  it('org keys never read the admin keys', async () => {
    await expect(authenticator.authenticate(generateApiKey().apiKey)).rejects.toMatchObject({ code: 'invalid_api_key' });
    expect(reads).toBe(0);
  });
});
