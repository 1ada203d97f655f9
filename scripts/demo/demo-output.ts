/**
 * How `npm run demo` prints: numbered step headings, indented detail lines,
 * pretty JSON, and a typed error for a result that is not the expected one
 * (the demo then stops and exits 1).
 */

/** A step's result differed from what the seed flow promises (the demo reports the step it was in). */
export class DemoExpectationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoExpectationError';
  }
}

/** Throws DemoExpectationError unless `condition` holds. */
export function expectResult(condition: boolean, message: string): asserts condition {
  if (!condition) throw new DemoExpectationError(message);
}

export class DemoOutput {
  private current = 0;

  constructor(
    readonly totalSteps: number,
    private readonly write: (text: string) => void = (text) => process.stdout.write(text),
  ) {}

  /** The number of the step being run, 0 before the first. */
  get step(): number {
    return this.current;
  }

  /** `Step <n> of <total>: <title>`, after a blank line. */
  heading(title: string): void {
    this.current += 1;
    this.write(`\nStep ${this.current} of ${this.totalSteps}: ${title}\n`);
  }

  /** A detail line, indented two spaces per `depth`. */
  line(text: string, depth = 1): void {
    for (const part of text.split('\n')) this.write(`${'  '.repeat(depth)}${part}\n`);
  }

  /** `value` as JSON.stringify(value, null, 2) would print it (so a claim reads `"sub": "till-0042",`), indented. */
  json(value: unknown, depth = 2): void {
    this.line(JSON.stringify(value, null, 2), depth);
  }
}

/** The first and last characters of a compact JWS and its length: recognisable, without filling the screen. */
export function abbreviateJwt(jwt: string): string {
  return jwt.length <= 40 ? jwt : `${jwt.slice(0, 24)}…${jwt.slice(-12)} (${jwt.length} characters)`;
}
