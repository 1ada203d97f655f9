import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAdminKey } from '../../../local/admin-key';

describe('local admin keys: IDP_ADMIN_API_KEY and IDP_ADMIN_API_KEY_PREVIOUS', () => {
  const dataDir = () => mkdtempSync(join(tmpdir(), 'idp-admin-key-'));
  const current = 'current-admin-key-0123456789';
  const previous = 'previous-admin-key-0123456789';

  it('takes the previous key next to the current one', () => {
    expect(resolveAdminKey(dataDir(), current, previous)).toEqual({ value: current, source: 'environment', previous });
  });

  it('has no previous key unless one is given', () => {
    expect(resolveAdminKey(dataDir(), current)).toEqual({ value: current, source: 'environment' });
    expect(resolveAdminKey(dataDir(), current, '')).toEqual({ value: current, source: 'environment' });
  });

  it('keeps the previous key next to a generated or stored current key', () => {
    const dir = dataDir();
    const generated = resolveAdminKey(dir, undefined, previous);
    expect(generated).toMatchObject({ source: 'generated', previous });
    expect(readFileSync(join(dir, 'admin-api-key'), 'utf8').trim()).toBe(generated.value);
    expect(resolveAdminKey(dir, undefined, previous)).toEqual({ value: generated.value, source: 'stored', file: generated.file, previous });
  });

  it('refuses a previous key shorter than 16 characters, as it refuses such a current key', () => {
    expect(() => resolveAdminKey(dataDir(), current, 'short')).toThrow('IDP_ADMIN_API_KEY_PREVIOUS must be at least 16 characters');
    expect(() => resolveAdminKey(dataDir(), 'short')).toThrow('IDP_ADMIN_API_KEY must be at least 16 characters');
  });
});
