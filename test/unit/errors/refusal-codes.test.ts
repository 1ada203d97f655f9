import { CHAIN_ERROR_CODES } from '../../../src/domain/chain';
import { CRL_IMPORT_ERROR_CODES, REVOCATION_ERROR_CODES } from '../../../src/domain/revocation';
import { REFUSAL_AREAS, REFUSAL_CODES, type RefusalCode, type RefusalCodeEntry, refusalCodesIn } from '../../../src/refusal-codes';
import { holdsCodeLiteral, typeScriptFiles } from './repository-files';

/*
 * The registry against the code base: every registered code is produced by
 * some test and by some rule, every code a rule throws is registered, and
 * the lists the chain and revocation modules export are the registry's.
 */
const CODES = Object.keys(REFUSAL_CODES) as RefusalCode[];
const entry = (code: RefusalCode): RefusalCodeEntry => REFUSAL_CODES[code];

/**
 * Registered codes no test file names, each with the reason it stays
 * registered. Empty: a code no test produces is either tested or removed.
 */
const NOT_PRODUCED_BY_A_TEST: Partial<Record<RefusalCode, string>> = {};

/** Files that name codes without producing them: the registry's own tests, and mapping tables that build each DomainError by hand. */
const NOT_PRODUCERS = [/^test\/unit\/errors\//, /^test\/unit\/http\/error-responses\.test\.ts$/];

/** Where rules throw codes: the carriers and their literal first argument (multi-line calls included). */
const CARRIERS = /(?:new DomainError|new CrlImportError|\bfailure|\brefuse)\(\s*'([^']*)'/g;

const SOURCES = [...typeScriptFiles('src'), ...typeScriptFiles('functions')];
/** Sources that name codes without throwing them: the registry, the API description's prose and the device client's hints. */
const NOT_THROWERS = [/^src\/refusal-codes\.ts$/, /^src\/http\/openapi\//, /^src\/client\//];

describe('the refusal registry', () => {
  it('gives every code an area, at least one side and a one-line meaning', () => {
    expect(CODES.length).toBeGreaterThan(100);
    const faults = CODES.filter((code) => {
      const { area, admin, token, meaning } = entry(code);
      return !(area in REFUSAL_AREAS) || (admin === undefined && token === undefined) || !/^[A-Za-z`][^\n]*\.$/.test(meaning) || meaning.length > 200;
    });
    expect(faults).toEqual([]);
    expect(CODES.filter((code) => !/^[a-z][a-z0-9]*(_[a-z0-9]+)+$|^forbidden$/.test(code))).toEqual([]);
  });

  it('derives the chain and CRL import lists from their areas, and checks the revocation list against it', () => {
    expect(CHAIN_ERROR_CODES).toEqual(refusalCodesIn('chain'));
    expect(CRL_IMPORT_ERROR_CODES).toEqual(refusalCodesIn('crl_import'));
    expect(CHAIN_ERROR_CODES).toEqual(expect.arrayContaining(['untrusted_root', 'path_length_exceeded', 'name_not_permitted', 'no_valid_policy']));
    expect(CHAIN_ERROR_CODES).not.toContain('policy_constraints_unsupported');
    // Every chain and revocation refusal reaches a device as invalid_grant; every CRL import refusal reaches the operator.
    for (const code of [...CHAIN_ERROR_CODES, ...REVOCATION_ERROR_CODES])
      expect([code, entry(code).token]).toEqual([code, { status: 400, error: 'invalid_grant' }]);
    for (const code of CRL_IMPORT_ERROR_CODES) expect([code, entry(code).admin]).toEqual([code, code === 'crl_too_large' ? 413 : 400]);
  });
});

describe('every registered code is produced by some test', () => {
  const tests = typeScriptFiles('test').filter(({ path }) => !NOT_PRODUCERS.some((pattern) => pattern.test(path)));

  it('reads the test files (the scan is not vacuous)', () => {
    expect(tests.length).toBeGreaterThan(100);
    expect(holdsCodeLiteral("expect(code).toBe('untrusted_root')", 'untrusted_root')).toBe(true);
    expect(holdsCodeLiteral('error_description: `crl_expired: stale`', 'crl_expired')).toBe(true);
    expect(holdsCodeLiteral("'crl_expired_soon'", 'crl_expired')).toBe(false);
  });

  it.each(CODES)('%s', (code) => {
    const producers = tests.filter(({ text }) => holdsCodeLiteral(text, code)).map(({ path }) => path);
    if (NOT_PRODUCED_BY_A_TEST[code] !== undefined) expect({ code, producers }).toEqual({ code, producers: [] });
    else expect({ code, produced: producers.length > 0 }).toEqual({ code, produced: true });
  });
});

describe('every produced code is registered, and every registered one is produced', () => {
  const thrown = new Map<string, string[]>();
  for (const { path, text } of SOURCES) {
    for (const [, code] of text.matchAll(CARRIERS)) thrown.set(code, [...(thrown.get(code) ?? []), path]);
  }

  it('finds the throw sites of DomainError, CrlImportError, chain failures and revocation refusals', () => {
    expect(thrown.size).toBeGreaterThan(120);
    expect(thrown.get('untrusted_root')).toEqual(expect.arrayContaining(['src/domain/chain/build-path.ts']));
    expect(thrown.get('crl_bad_signature')).toEqual(expect.arrayContaining(['src/domain/revocation/checks/crl-issuer.ts']));
  });

  it('registers every code a rule throws', () => {
    expect([...thrown.keys()].filter((code) => !Object.hasOwn(REFUSAL_CODES, code))).toEqual([]);
  });

  it('names every registered code in the source of a rule, outside the registry', () => {
    const throwers = SOURCES.filter(({ path }) => !NOT_THROWERS.some((pattern) => pattern.test(path)));
    expect(CODES.filter((code) => !throwers.some(({ text }) => holdsCodeLiteral(text, code)))).toEqual([]);
  });
});
