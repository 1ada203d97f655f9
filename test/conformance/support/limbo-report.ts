import { relative } from 'node:path';
import { LIMBO_EXCLUSIONS } from './limbo-applicability';
import type { LimboCaseOutcome, LimboConformanceReport } from './limbo-suite';
import type { EngineVerdict } from './limbo-verdict';

/** The human report printed by the jest test and by scripts/conformance.ts. */
export function formatLimboReport(report: LimboConformanceReport, repoRoot: string): string {
  const lines: string[] = [];
  const path = (p: string): string => relative(repoRoot, p) || p;
  const applicable = report.outcomes.filter((o) => o.applicability.applicable).length;
  lines.push(
    `x509-limbo conformance: ${report.outcomes.length} cases from ${path(report.snapshotPath)}` +
      ` (cases without validation_time validated at ${report.runStartedAt.toISOString()})`,
    '',
    `Applicability: ${applicable} applicable, ${report.outcomes.length - applicable} excluded`,
  );
  const excludedBy = (name: string): number => report.outcomes.filter((o) => !o.applicability.applicable && o.applicability.rule.name === name).length;
  lines.push(
    ...table(
      ['excluded', 'rule', 'match', 'reason'],
      LIMBO_EXCLUSIONS.map((rule) => [String(excludedBy(rule.name)), rule.name, rule.match, rule.reason]),
    ),
  );

  const { passed, failed, skipped } = report.counts;
  lines.push('', 'Core (src/domain/chain) against limbo:', `${passed} passed, ${failed} failed, ${skipped} skipped`);
  const byId = new Map(report.outcomes.map((o) => [o.testcase.id, o]));
  const deviations = report.deviations;
  lines.push(`Expected deviations (${deviations.expected.length}, listed in ${path(report.deviationsPath)}):`);
  for (const deviation of deviations.expected) {
    const outcome = byId.get(deviation.id);
    lines.push(`  ${deviation.id}: limbo ${outcome?.testcase.expected_result}, core ${verdictText(outcome?.verdicts.core)} -- ${deviation.reason}`);
  }
  lines.push(`Unexpected deviations (${deviations.unexpected.length}): ${deviations.unexpected.length === 0 ? 'none' : ''}`);
  for (const id of deviations.unexpected) {
    const outcome = byId.get(id);
    lines.push(`  ${id}: limbo ${outcome?.testcase.expected_result}, core ${verdictText(outcome?.verdicts.core)}`);
  }
  lines.push(`Stale deviations, listed but not occurring (${deviations.stale.length}): ${deviations.stale.join(', ') || 'none'}`);

  lines.push('', `Agreement with limbo's expected result, ${applicable} applicable cases:`);
  lines.push(
    ...table(
      ['engine', 'agree', 'disagree', 'no verdict', 'time', 'how'],
      report.engines.map((e) => [e.engine, `${e.agree}/${applicable}`, String(e.disagree), String(e.errors), seconds(e.elapsedMs), e.note]),
    ),
  );
  lines.push(...pkijsErrors(report.outcomes));

  lines.push('', `Core vs OpenSSL disagreements (${report.opensslAvailable ? report.opensslDisagreements.length : 'OpenSSL not run'}):`);
  lines.push(
    ...table(
      ['case', 'limbo', 'core', 'openssl'],
      report.opensslDisagreements.map((o) => [o.testcase.id, o.testcase.expected_result, verdictText(o.verdicts.core), verdictText(o.verdicts.openssl)]),
    ),
  );
  const notes = report.opensslNotes;
  lines.push(
    `  analysis: ${path(notes.path)}; without a note: ${notes.undocumented.join(', ') || 'none'};` +
      ` noted but no longer disagreeing: ${notes.resolved.join(', ') || 'none'}`,
    '',
    `Total conformance run: ${seconds(report.elapsedMs)}`,
  );
  return `${lines.join('\n')}\n`;
}

/** Every case, one line each (scripts/conformance.ts --verbose). */
export function formatLimboCases(report: LimboConformanceReport): string {
  const rows = report.outcomes.map((o) => [
    o.testcase.id,
    o.applicability.applicable ? 'run' : `skip (${o.applicability.rule.name})`,
    o.testcase.expected_result,
    verdictText(o.verdicts.core),
    verdictText(o.verdicts.openssl),
    verdictText(o.verdicts.pkijs),
  ]);
  return `${table(['case', 'class', 'limbo', 'core', 'openssl', 'pkijs'], rows).join('\n')}\n`;
}

function pkijsErrors(outcomes: readonly LimboCaseOutcome[]): string[] {
  const errors = outcomes.filter((o) => o.verdicts.pkijs?.result === 'ERROR');
  return errors.map((o) => `  pkijs gave no verdict on ${o.testcase.id}: ${o.verdicts.pkijs?.detail}`);
}

function verdictText(verdict: EngineVerdict | undefined): string {
  if (verdict === undefined) return '-';
  if (verdict.result === 'SUCCESS') return 'SUCCESS';
  return `${verdict.result} (${truncate(verdict.detail, 70)})`;
}

function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  if (rows.length === 0) return ['  (none)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === header.length - 1 ? 0 : r[i].length))));
  const line = (cells: readonly string[]): string => `  ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}`.trimEnd();
  return [line(header), line(widths.map((w, i) => '-'.repeat(i === header.length - 1 ? header[i].length : w))), ...rows.map(line)];
}
