import { relative } from 'node:path';
import type { PkitsOutcome } from './pkits-engine';
import { classify, opensslAgrees, type PkitsConformanceReport, type PkitsSectionSummary } from './pkits-suite';

/** The human report printed by the jest test and by scripts/conformance.ts. */
export function formatPkitsReport(report: PkitsConformanceReport, repoRoot: string): string {
  const path = (p: string): string => relative(repoRoot, p) || p;
  const lines = [
    `NIST PKITS conformance: ${report.outcomes.length} tests of ${report.sections.length} sections from ${path(report.dataDir)},` +
      ` validated at ${report.validationTime.toISOString()} in pool mode; CRLs uploaded through assessCrlImport;` +
      ' requireCrl for the tests whose verdict depends on revocation (feature crl), the pool default (off) for the others',
    '',
    ...table(
      ['section', 'title', 'tests', 'agree', 'false accepts', 'false rejects', 'skipped', 'OpenSSL agrees'],
      [...report.sections, total(report.sections)].map((s) => [
        s.section,
        s.title,
        String(s.tests),
        String(s.agree),
        String(s.falseAccepts),
        String(s.falseRejects),
        String(s.skipped),
        s.opensslAgree === undefined ? '-' : `${s.opensslAgree}/${s.tests}`,
      ]),
    ),
    `  OpenSSL: ${report.openssl.note}`,
  ];
  const byId = new Map(report.outcomes.map((o) => [o.test.id, o]));
  lines.push('', `False accepts (${report.falseAccepts.length}; never acceptable): ${report.falseAccepts.length === 0 ? 'none' : ''}`);
  lines.push(...report.falseAccepts.map((o) => `  ${describe(o)}`));
  const { expected, unexpected, stale } = report.deviations;
  lines.push(`Expected deviations (${expected.length}, listed in ${path(report.deviationsPath)}):`);
  for (const deviation of expected) {
    const outcome = byId.get(deviation.id);
    lines.push(`  ${outcome === undefined ? deviation.id : describe(outcome)} -- ${deviation.reason}`);
  }
  lines.push(`Unexpected deviations (${unexpected.length}): ${unexpected.length === 0 ? 'none' : ''}`);
  lines.push(...unexpected.map((id) => `  ${byId.has(id) ? describe(byId.get(id) as PkitsOutcome) : id}`));
  lines.push(`Stale deviations, listed but not occurring (${stale.length}): ${stale.join(', ') || 'none'}`);
  if (report.openssl.ran) {
    const missed = report.outcomes.filter((o) => !opensslAgrees(o.test, report.openssl.verdicts.get(o.test.id)));
    lines.push(`OpenSSL disagrees with PKITS on (${missed.length}): ${missed.length === 0 ? 'none' : ''}`);
    lines.push(
      ...missed.map(
        (o) => `  ${o.test.id} ${o.test.name}: PKITS ${o.test.expected}, OpenSSL ${report.openssl.verdicts.get(o.test.id)?.detail ?? 'no verdict'}`,
      ),
    );
  }
  lines.push(
    '',
    `CRL uploads not stored, by outcome: ${refusalCounts(report.outcomes) || 'none'}`,
    `Total PKITS run: ${(report.elapsedMs / 1000).toFixed(1)} s`,
  );
  return `${lines.join('\n')}\n`;
}

/** Every test, one line each, with what became of each of its CRLs (scripts/conformance.ts --verbose). */
export function formatPkitsCases(report: PkitsConformanceReport): string {
  const rows = report.outcomes.map((o) => [
    o.test.id,
    o.test.expected,
    o.verdict,
    classify(o),
    o.code,
    report.openssl.verdicts.get(o.test.id)?.result ?? '-',
    o.uploads.map((u) => `${u.file}: ${u.outcome}`).join(', '),
  ]);
  return `${table(['test', 'PKITS', 'product', 'class', 'code', 'OpenSSL', 'CRL uploads'], rows).join('\n')}\n`;
}

function total(sections: readonly PkitsSectionSummary[]): PkitsSectionSummary {
  const sum = (pick: (s: PkitsSectionSummary) => number | undefined): number => sections.reduce((n, s) => n + (pick(s) ?? 0), 0);
  return {
    section: 'all',
    title: '',
    tests: sum((s) => s.tests),
    agree: sum((s) => s.agree),
    falseAccepts: sum((s) => s.falseAccepts),
    falseRejects: sum((s) => s.falseRejects),
    skipped: sum((s) => s.skipped),
    opensslAgree: sections.some((s) => s.opensslAgree === undefined) ? undefined : sum((s) => s.opensslAgree),
  };
}

function describe(outcome: PkitsOutcome): string {
  return `${outcome.test.id} ${outcome.test.name}: PKITS ${outcome.test.expected}, product ${outcome.verdict} (${outcome.code})`;
}

function refusalCounts(outcomes: readonly PkitsOutcome[]): string {
  const counts = new Map<string, number>();
  for (const upload of outcomes.flatMap((o) => o.uploads)) {
    if (upload.outcome !== 'stored') counts.set(upload.outcome, (counts.get(upload.outcome) ?? 0) + 1);
  }
  return [...counts].map(([code, n]) => `${code} ${n}`).join(', ');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  if (rows.length === 0) return ['  (none)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === header.length - 1 ? 0 : r[i].length))));
  const line = (cells: readonly string[]): string => `  ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}`.trimEnd();
  return [line(header), line(widths.map((w, i) => '-'.repeat(i === header.length - 1 ? header[i].length : w))), ...rows.map(line)];
}
