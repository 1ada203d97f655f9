import { existsSync, readFileSync } from 'node:fs';

/** A limbo case where the core knowingly disagrees with limbo's expected result. */
export interface ExpectedDeviation {
  readonly id: string;
  /** One line: why the core's answer is the intended one. */
  readonly reason: string;
}

export interface DeviationCheck {
  /** Failed cases that are listed. */
  readonly expected: readonly ExpectedDeviation[];
  /** Failed cases that are not listed: a regression, or a new case to decide on. */
  readonly unexpected: readonly string[];
  /** Listed cases that no longer fail (or are not applicable, or do not exist): remove them. */
  readonly stale: readonly string[];
}

export function loadExpectedDeviations(path: string): ExpectedDeviation[] {
  if (!existsSync(path)) throw new Error(`expected-deviations file not found at ${path}`);
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const list = (parsed as { deviations?: unknown })?.deviations;
  if (!Array.isArray(list)) throw new Error(`${path}: expected {"deviations": [{"id", "reason"}, ...]}`);
  const seen = new Set<string>();
  return list.map((entry: Partial<ExpectedDeviation>, index) => {
    if (typeof entry?.id !== 'string' || entry.id.length === 0) throw new Error(`${path}: deviation #${index} has no id`);
    if (seen.has(entry.id)) throw new Error(`${path}: ${entry.id} is listed twice`);
    if (typeof entry.reason !== 'string' || entry.reason.trim().length === 0 || entry.reason.includes('\n')) {
      throw new Error(`${path}: ${entry.id} needs a one-line reason`);
    }
    seen.add(entry.id);
    return { id: entry.id, reason: entry.reason };
  });
}

/** `failed`: ids of applicable cases where the core's result differs from limbo's. */
export function checkDeviations(listed: readonly ExpectedDeviation[], failed: readonly string[]): DeviationCheck {
  const listedIds = new Set(listed.map((d) => d.id));
  const failedIds = new Set(failed);
  return {
    expected: listed.filter((d) => failedIds.has(d.id)),
    unexpected: failed.filter((id) => !listedIds.has(id)),
    stale: listed.filter((d) => !failedIds.has(d.id)).map((d) => d.id),
  };
}
