/**
 * The bench's output contract (README "Benchmark"): every figure is one line
 * `name: value unit` with a stable snake_case name; every other line starts
 * with `#` (human-readable context), so `grep -v '^#'` yields the figures.
 */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

type Comparison = '>=' | '<=' | '==';

/** A target of the performance issue, checked against the same run's figures (information only). */
export interface Target {
  readonly name: string;
  readonly comparison: Comparison;
  readonly threshold: number;
  /** How the threshold reads to a human when the raw number does not say it (e.g. "300 KB"). */
  readonly note?: string;
}

const DECIMALS: Record<string, number> = { ratio: 3, 'calls/token': 2, 'retries/token': 2, ms: 1, bytes: 0, 'tokens/s': 0 };

function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toFixed(DECIMALS[unit] ?? 1);
}

function formatFigure(figure: Figure): string {
  return `${figure.name}: ${formatValue(figure.value, figure.unit)} ${figure.unit}`;
}

/** Collects the figures of one run, printing each as it is measured. */
export class FigureSheet {
  private readonly figures = new Map<string, Figure>();

  constructor(private readonly print: (line: string) => void = console.log) {}

  add(name: string, value: number, unit: string): void {
    if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`figure names are snake_case: ${name}`);
    const figure = { name, value, unit };
    this.figures.set(name, figure);
    this.print(formatFigure(figure));
  }

  get(name: string): Figure | undefined {
    return this.figures.get(name);
  }

  /** `target <name> <op> <threshold>: <value> MET|MISS`; a figure the run could not measure is a MISS. */
  summary(targets: readonly Target[]): string[] {
    return targets.map((target) => {
      const figure = this.get(target.name);
      const met = figure !== undefined && Number.isFinite(figure.value) && compare(figure.value, target.comparison, target.threshold);
      const value = figure === undefined ? 'n/a' : formatValue(figure.value, figure.unit);
      const note = target.note === undefined ? '' : ` (${target.note})`;
      return `target ${target.name} ${target.comparison} ${target.threshold}${note}: ${value} ${met ? 'MET' : 'MISS'}`;
    });
  }
}

function compare(value: number, comparison: Comparison, threshold: number): boolean {
  if (comparison === '>=') return value >= threshold;
  if (comparison === '<=') return value <= threshold;
  return value === threshold;
}
