/**
 * Captures what the process prints while it is on: the functions' Powertools
 * Logger and Metrics write to process.stdout and process.stderr through their
 * own `Console` (the global `console` only with POWERTOOLS_DEV), so both the
 * streams and the console methods are captured, one entry per line.
 * Captured output is not printed.
 */
export interface CapturedOutput {
  /** Every line printed since the capture started, in order. */
  lines(): string[];
  /** The lines that are JSON objects, parsed (log lines and EMF documents); other lines are left out. */
  json(): Array<Record<string, unknown>>;
  /** Empties the captured lines; capturing goes on. */
  clear(): void;
  restore(): void;
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

function jsonObject(line: string): Array<Record<string, unknown>> {
  if (!line.startsWith('{')) return [];
  try {
    return [JSON.parse(line) as Record<string, unknown>];
  } catch {
    return [];
  }
}

export function captureOutput(): CapturedOutput {
  let chunks: string[] = [];
  const keep = (chunk: unknown) => void chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      keep(chunk);
      return true;
    }),
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
      keep(chunk);
      return true;
    }),
    ...CONSOLE_METHODS.map((method) => jest.spyOn(console, method).mockImplementation((...args: unknown[]) => keep(`${args.map(String).join(' ')}\n`))),
  ];
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.length > 0);
  return {
    lines,
    json: () => lines().flatMap(jsonObject),
    clear: () => {
      chunks = [];
    },
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}
