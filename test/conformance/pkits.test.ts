import { resolve } from 'node:path';
import { formatPkitsReport } from './support/pkits-report';
import { classify, type PkitsConformanceReport, runPkitsConformance } from './support/pkits-suite';

/*
 * NIST PKITS (2011), all 224 tests, through the product: each test's CRLs
 * uploaded with assessCrlImport as an operator would, the path validated by
 * the core in pool mode with the test's RFC 5280 §6.1.1 settings,
 * revocation checked (requireCrl for the tests whose verdict depends on a
 * CRL). OpenSSL runs the same tests for comparison.
 * Data: the vendored copy in test/conformance/pkits/data; nothing outside the repository is read.
 * Known false rejects: test/conformance/pkits/deviations.json.
 */
const repoRoot = resolve(__dirname, '..', '..');
let report: PkitsConformanceReport | undefined;

const run = (): PkitsConformanceReport => {
  if (report === undefined) throw new Error('the PKITS run did not complete (see beforeAll)');
  return report;
};
const outcomeOf = (id: string) => run().outcomes.find((o) => o.test.id === id);
const describeTest = (id: string): string => {
  const outcome = outcomeOf(id);
  return `${id}: PKITS ${outcome?.test.expected}, product ${outcome?.verdict} (${outcome?.code}: ${outcome?.detail})`;
};
const codeOf = (id: string): string | undefined => outcomeOf(id)?.code;
const uploadOf = (id: string, file: string): string | undefined => outcomeOf(id)?.uploads.find((u) => u.file === file)?.outcome;

beforeAll(async () => {
  report = await runPkitsConformance({ repoRoot });
}, 180_000);

afterAll(() => {
  if (report !== undefined) process.stderr.write(`\n${formatPkitsReport(report, repoRoot)}\n`);
});

describe('NIST PKITS conformance', () => {
  it('runs every test of every section from the vendored manifest, none skipped', () => {
    expect(run().sections.map((s) => [s.section, s.tests])).toEqual([
      ['4.1', 6],
      ['4.2', 8],
      ['4.3', 11],
      ['4.4', 21],
      ['4.5', 8],
      ['4.6', 17],
      ['4.7', 5],
      ['4.8', 20],
      ['4.9', 8],
      ['4.10', 14],
      ['4.11', 11],
      ['4.12', 10],
      ['4.13', 38],
      ['4.14', 35],
      ['4.15', 10],
      ['4.16', 2],
    ]);
    expect(run().outcomes).toHaveLength(224);
    expect(
      run()
        .outcomes.filter((o) => classify(o) === 'skipped')
        .map((o) => describeTest(o.test.id)),
    ).toEqual([]);
    expect(run().dataDir).toBe(resolve(repoRoot, 'test', 'conformance', 'pkits', 'data'));
  });

  it('never accepts a path PKITS says is invalid, in any section', () => {
    expect(run().falseAccepts.map((o) => describeTest(o.test.id))).toEqual([]);
  });

  it('lists no false accept as an expected deviation', () => {
    const listedFalseAccepts = run()
      .listedDeviations.filter((d) => outcomeOf(d.id)?.test.expected === 'invalid')
      .map((d) => d.id);
    expect(listedFalseAccepts).toEqual([]);
  });

  it('agrees with PKITS on every test except the listed deviations', () => {
    expect(run().deviations.unexpected.map(describeTest)).toEqual([]);
  });

  it('lists no deviation that no longer occurs', () => {
    expect(run().deviations.stale).toEqual([]);
  });

  it('agrees fully on the core, revocation, self-issued, name-constraint and policy sections', () => {
    const disagreeing = (section: string) =>
      run()
        .outcomes.filter((o) => o.test.section === section && classify(o) !== 'agree')
        .map((o) => o.test.id);
    for (const section of ['4.1', '4.2', '4.3', '4.4', '4.5', '4.6', '4.7', '4.8', '4.9', '4.10', '4.11', '4.12', '4.13', '4.16']) {
      expect([section, disagreeing(section)]).toEqual([section, []]);
    }
  });

  it('refuses name-constraint and policy violations with their own codes', () => {
    expect(codeOf('4.13.2')).toBe('name_not_permitted'); // subject DN outside the permitted subtree
    expect(codeOf('4.13.7')).toBe('name_excluded'); // subject DN inside the excluded subtree
    expect(codeOf('4.13.29')).toBe('name_not_permitted'); // emailAddress in the subject, rfc822Name constraint
    expect(codeOf('4.13.38')).toBe('name_not_permitted'); // dNSName suffix without a label boundary
    expect(codeOf('4.13.19')).toBe('ok'); // a self-issued CA below the constraint is not checked
    expect(codeOf('4.13.20')).toBe('name_not_permitted'); // a self-issued end entity is
    expect(codeOf('4.10.7')).toBe('invalid_policy_mapping');
    expect(codeOf('4.10.8')).toBe('invalid_policy_mapping');
    expect(codeOf('4.8.4')).toBe('no_valid_policy');
    expect(codeOf('4.12.1')).toBe('no_valid_policy');
    expect(codeOf('4.8.20')).toBe('ok'); // initial-explicit-policy from the manifest settings
    expect(codeOf('4.1.5')).toBe('ok'); // DSA parameters inherited from the issuer's key
    expect(codeOf('4.1.6')).toBe('bad_signature');
  });

  it('decides the revocation tests by their CRLs, with exact codes', () => {
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
    // A CRL signed by the CA's separate CRL-signing key (same name, certified by the same anchor, not on the path)
    // speaks for the CA (RFC 5280 §6.3.3 (b)(1), (f)): it covers the EE under requireCrl, and revokes its serial...
    expect(codeOf('4.4.19')).toBe('ok');
    expect(uploadOf('4.4.19', 'SeparateCertificateandCRLKeysCRL.crl')).toBe('stored');
    expect(codeOf('4.4.20')).toBe('certificate_revoked');
    // ...but not once the CRL-signing certificate is itself revoked (on the anchor's CRL, uploaded after it).
    expect(uploadOf('4.4.21', 'SeparateCertificateandCRLKeysCA2CRL.crl')).toBe('stored');
    expect(codeOf('4.4.21')).toBe('crl_issuer_revoked');
    // Across a key rollover: the CRL signed with the CA's new key, the certificate with its old one.
    expect(codeOf('4.5.2')).toBe('certificate_revoked');
    expect(codeOf('4.5.1')).toBe('ok');
    expect(codeOf('4.5.5')).toBe('certificate_revoked');
    // The CRL signed with a self-issued CRL-signing key of the CA (certified by its certificate-signing key).
    expect(codeOf('4.5.6')).toBe('ok');
    expect(codeOf('4.5.7')).toBe('certificate_revoked');
    expect(uploadOf('4.14.1', 'distributionPoint1CACRL.crl')).toBe('crl_scope_unsupported');
    expect(uploadOf('4.15.1', 'deltaCRLIndicatorNoBaseCACRL.crl')).toBe('crl_delta_unsupported');
    expect(uploadOf('4.15.4', 'deltaCRLCA1CRL.crl')).toBe('crl_freshest_crl_unsupported');
    expect(
      run()
        .outcomes.filter((o) => classify(o) === 'false-reject')
        .every((o) => o.code !== 'ok'),
    ).toBe(true);
  });

  it('gets a verdict from OpenSSL on every test, for comparison', () => {
    expect(run().openssl.ran).toBe(true);
    const withoutVerdict = run()
      .outcomes.filter((o) => (run().openssl.verdicts.get(o.test.id)?.result ?? 'ERROR') === 'ERROR')
      .map((o) => o.test.id);
    expect(withoutVerdict).toEqual([]);
  });
});
