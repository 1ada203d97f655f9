import { resolve } from 'node:path';
import { LIMBO_EXCLUSIONS } from './support/limbo-applicability';
import { formatLimboReport } from './support/limbo-report';
import { type LimboConformanceReport, runLimboConformance } from './support/limbo-suite';

/*
 * x509-limbo conformance of the path-validation core (src/domain/chain),
 * with OpenSSL and pkijs run on the same cases for comparison. The report is
 * written to stderr after the run, so jest shows it as is.
 * Expected deviations: test/conformance/limbo-deviations.json.
 * OpenSSL disagreements, analysed: test/conformance/openssl-disagreements.md.
 */
const repoRoot = resolve(__dirname, '..', '..');
let report: LimboConformanceReport | undefined;

const run = (): LimboConformanceReport => {
  if (report === undefined) throw new Error('the conformance run did not complete (see beforeAll)');
  return report;
};
const describeCase = (id: string): string => {
  const outcome = run().outcomes.find((o) => o.testcase.id === id);
  return `${id}: limbo expects ${outcome?.testcase.expected_result}, core said ${outcome?.verdicts.core?.result} (${outcome?.verdicts.core?.detail})`;
};

beforeAll(async () => {
  report = await runLimboConformance({ repoRoot });
}, 120_000);

afterAll(() => {
  if (report !== undefined) process.stderr.write(`\n${formatLimboReport(report, repoRoot)}\n`);
});

describe('x509-limbo conformance', () => {
  it('puts every case in exactly one class: applicable, or excluded by one rule with a reason', () => {
    const { outcomes } = run();
    expect(outcomes).toHaveLength(106);
    for (const rule of LIMBO_EXCLUSIONS) expect(rule.reason.length).toBeGreaterThan(20);
    const excluded = outcomes.filter((o) => !o.applicability.applicable);
    // Only hostname matching of the peer is excluded; everything else, name constraints included, runs through the core.
    expect(excluded.map((o) => o.testcase.id)).toEqual(expect.arrayContaining(['webpki::no-san', 'webpki::exact-san']));
    expect(excluded.every((o) => /san$/.test(o.testcase.id))).toBe(true);
    expect(excluded).toHaveLength(12);
    expect(outcomes.filter((o) => o.applicability.applicable).length + excluded.length).toBe(106);
  });

  it("applies name constraints to the peer: every ca-nameconstraints case runs and gets limbo's result", () => {
    const cases = run().outcomes.filter((o) => o.testcase.id.startsWith('rfc5280::ca-nameconstraints-'));
    expect(cases).toHaveLength(20);
    expect(cases.filter((o) => !o.applicability.applicable).map((o) => o.testcase.id)).toEqual([]);
    expect(cases.filter((o) => o.verdicts.core?.result !== o.testcase.expected_result).map((o) => describeCase(o.testcase.id))).toEqual([]);
    const codeOf = (id: string) =>
      run()
        .outcomes.find((o) => o.testcase.id === id)
        ?.verdicts.core?.detail.split(':')[0];
    expect(codeOf('rfc5280::ca-nameconstraints-permitted-dns-mismatch')).toBe('name_not_permitted');
    expect(codeOf('rfc5280::ca-nameconstraints-excluded-dn-match-sub-mismatch')).toBe('name_excluded');
    expect(codeOf('rfc5280::ca-nameconstraints-invalid-dnsname')).toBe('name_constraints_unsupported');
    expect(codeOf('rfc5280::ca-nameconstraints-invalid-ipaddress')).toBe('name_constraints_unsupported');
  });

  it('agrees with limbo on every applicable case except the expected deviations', () => {
    expect(run().deviations.unexpected.map(describeCase)).toEqual([]);
  });

  it('lists no expected deviation that no longer occurs', () => {
    expect(run().deviations.stale).toEqual([]);
  });

  it('gets a verdict from the core and OpenSSL on every applicable case', () => {
    const { engines, opensslAvailable } = run();
    expect(opensslAvailable).toBe(true);
    // pkijs may legitimately time out (no loop guard); its misses are reported, not asserted.
    const withoutVerdict = engines.filter((e) => e.engine !== 'pkijs' && e.errors > 0).map((e) => `${e.engine}: ${e.errors}`);
    expect(withoutVerdict).toEqual([]);
  });
});
