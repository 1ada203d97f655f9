import { resolve } from 'node:path';
import { formatPkitsReport } from '../../src/conformance/pkits-report';
import { PKITS_REVOCATION_SECTIONS, type PkitsConformanceReport, classify, runPkitsConformance } from '../../src/conformance/pkits-suite';

/*
 * NIST PKITS revocation sections (4.4 basic CRL processing, 4.14
 * distribution points, 4.15 delta CRLs) through the product: each test's
 * CRLs uploaded with assessCrlImport as an operator would, the path
 * validated by the core, revocation checked with requireCrl: true.
 * Data: the vendored copy in test/conformance/pkits/data (never ../shared).
 * Known false rejects: test/conformance/pkits/revocation-deviations.json.
 */
const repoRoot = resolve(__dirname, '..', '..');
let report: PkitsConformanceReport | undefined;

const run = (): PkitsConformanceReport => {
  if (report === undefined) throw new Error('the PKITS run did not complete (see beforeAll)');
  return report;
};
const describeTest = (id: string): string => {
  const outcome = run().outcomes.find((o) => o.test.id === id);
  return `${id}: PKITS ${outcome?.test.expected}, product ${outcome?.verdict} (${outcome?.code}: ${outcome?.detail})`;
};

beforeAll(async () => {
  report = await runPkitsConformance({ repoRoot, sections: PKITS_REVOCATION_SECTIONS });
}, 120_000);

afterAll(() => {
  if (report !== undefined) process.stderr.write(`\n${formatPkitsReport(report, repoRoot)}\n`);
});

describe('NIST PKITS revocation conformance', () => {
  it('runs every test of sections 4.4, 4.14 and 4.15 from the vendored manifest', () => {
    expect(run().sections.map((s) => [s.section, s.tests])).toEqual([
      ['4.4', 21],
      ['4.14', 35],
      ['4.15', 10],
    ]);
    expect(run().dataDir).toBe(resolve(repoRoot, 'test', 'conformance', 'pkits', 'data'));
  });

  it('never accepts a path PKITS says is invalid', () => {
    expect(run().falseAccepts.map((o) => describeTest(o.test.id))).toEqual([]);
  });

  it('lists no false accept as an expected deviation', () => {
    const listedFalseAccepts = run()
      .listedDeviations.filter((d) => run().outcomes.some((o) => o.test.id === d.id && o.test.expected === 'invalid'))
      .map((d) => d.id);
    expect(listedFalseAccepts).toEqual([]);
  });

  it('agrees with PKITS on every test except the listed deviations', () => {
    expect(run().deviations.unexpected.map(describeTest)).toEqual([]);
  });

  it('lists no deviation that no longer occurs', () => {
    expect(run().deviations.stale).toEqual([]);
  });

  it('decides the revocation tests by their CRLs, with exact codes', () => {
    const codeOf = (id: string): string | undefined => run().outcomes.find((o) => o.test.id === id)?.code;
    const uploadOf = (id: string, file: string): string | undefined =>
      run().outcomes.find((o) => o.test.id === id)?.uploads.find((u) => u.file === file)?.outcome;
    expect(codeOf('4.4.1')).toBe('crl_missing');
    expect(codeOf('4.4.2')).toBe('certificate_revoked');
    expect(codeOf('4.4.3')).toBe('certificate_revoked');
    expect(uploadOf('4.4.4', 'BadCRLSignatureCACRL.crl')).toBe('crl_bad_signature');
    expect(uploadOf('4.4.5', 'BadCRLIssuerNameCACRL.crl')).toBe('crl_issuer_unknown');
    expect(uploadOf('4.4.8', 'UnknownCRLEntryExtensionCACRL.crl')).toBe('crl_unknown_critical_entry_extension');
    expect(uploadOf('4.4.9', 'UnknownCRLExtensionCACRL.crl')).toBe('crl_unknown_critical_extension');
    expect(uploadOf('4.4.11', 'OldCRLnextUpdateCACRL.crl')).toBe('crl_expired');
    expect(uploadOf('4.4.12', 'pre2000CRLnextUpdateCACRL.crl')).toBe('crl_expired');
    expect(codeOf('4.4.13')).toBe('ok');
    // 255 (00 ff) is not -1 (ff): PKITS' negative-serial CRL must not revoke it.
    expect(codeOf('4.4.14')).toBe('ok');
    expect(codeOf('4.4.18')).toBe('certificate_revoked');
    expect(uploadOf('4.14.1', 'distributionPoint1CACRL.crl')).toBe('crl_scope_unsupported');
    expect(uploadOf('4.15.1', 'deltaCRLIndicatorNoBaseCACRL.crl')).toBe('crl_delta_unsupported');
    expect(uploadOf('4.15.4', 'deltaCRLCA1CRL.crl')).toBe('crl_freshest_crl_unsupported');
    expect(run().outcomes.filter((o) => classify(o) === 'false-reject').every((o) => o.code !== 'ok')).toBe(true);
  });
});
