import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFUSAL_CODES_PAGE, renderRefusalCodesPage } from '../../../scripts/refusal-codes-page';
import { STABLE_CODE_HINTS } from '../../../src/client/oauth-error-messages';
import { OPERATIONS } from '../../../src/http/openapi/document';
import { REFUSAL_CODES, type RefusalCode, type RefusalCodeEntry } from '../../../src/refusal-codes';
import { ROOT } from './repository-files';

/*
 * What is written about codes is derived from the registry or checked
 * against it: the reference page is exactly what `npm run docs:codes`
 * writes, the API description lists each code under a status the registry
 * gives it, and the device client hints only at codes the token endpoint
 * answers.
 */
const CODES = Object.keys(REFUSAL_CODES) as RefusalCode[];
const entry = (code: string): RefusalCodeEntry | undefined => (Object.hasOwn(REFUSAL_CODES, code) ? REFUSAL_CODES[code as RefusalCode] : undefined);

/** Words in backticks that look like codes but are not refusal codes: OAuth errors, outage and defect answers, field names. */
const NOT_REFUSAL_CODES = new Set([
  'invalid_request',
  'invalid_grant',
  'invalid_client',
  'invalid_scope',
  'invalid_target',
  'service_unavailable',
  'temporarily_unavailable',
  'internal_error',
  'server_error',
  'error_description',
]);

describe(REFUSAL_CODES_PAGE, () => {
  const page = readFileSync(join(ROOT, REFUSAL_CODES_PAGE), 'utf8');

  it('is what npm run docs:codes writes from the registry (run it after changing src/refusal-codes.ts)', () => {
    expect(page).toBe(renderRefusalCodesPage());
  });

  it('lists every code once, with its sides', () => {
    const rows = [...page.matchAll(/^\| `([a-z0-9_]+)` \| ([^|]+) \| ([^|]+) \|/gm)].map(([, code, admin, token]) => [code, admin, token]);
    expect(rows.map(([code]) => code).sort()).toEqual([...CODES].sort());
    expect(rows).toContainEqual(['binding_not_found', '404', '400 `invalid_grant`']);
    expect(rows).toContainEqual(['invalid_json', '400', '—']);
    expect(rows).toContainEqual(['untrusted_root', '—', '400 `invalid_grant`']);
  });
});

describe('the API description (src/http/openapi)', () => {
  const listed = Object.entries(OPERATIONS).flatMap(([route, operation]) =>
    Object.entries(operation.responses).flatMap(([status, response]) => {
      const schema = JSON.stringify(response.content ?? {});
      const api = schema.includes('#/components/schemas/OAuthError') ? 'token' : schema.includes('#/components/schemas/Error') ? 'admin' : undefined;
      return [...response.description.matchAll(/`([a-z][a-z0-9]*(?:_[a-z0-9]+)*)(?:: …)?`/g)].map(([, code]) => ({ route, status, api, code }));
    }),
  );

  it('names codes in its refusals (the scan is not vacuous)', () => {
    expect(listed.filter(({ code }) => entry(code) !== undefined).length).toBeGreaterThan(40);
  });

  it('lists each code under a status the registry gives it on that API', () => {
    const wrong = listed.filter(({ status, api, code }) => {
      const known = entry(code);
      if (known === undefined) return !NOT_REFUSAL_CODES.has(code) && code.includes('_');
      if (api === 'admin') return String(known.admin) !== status;
      if (api === 'token') return !(String(known.token?.status) === status || (status === '401' && known.token?.error === 'invalid_grant'));
      return true;
    });
    expect(wrong).toEqual([]);
  });
});

describe('the device client hints (src/client/oauth-error-messages.ts)', () => {
  it('hint only at codes the token endpoint answers', () => {
    const hinted = Object.keys(STABLE_CODE_HINTS) as RefusalCode[];
    expect(hinted.length).toBeGreaterThan(5);
    expect(hinted.filter((code) => entry(code)?.token === undefined)).toEqual([]);
  });
});
