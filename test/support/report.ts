/**
 * Figures a test prints on purpose (load and outage tallies): straight to
 * stdout, each line prefixed with `[tag]`, so they stand apart from jest's
 * output and never look like the IDP's JSON logs (silenced in test/support/jest-setup.ts).
 */
export function report(tag: string, text: string): void {
  process.stdout.write(
    `${text
      .split('\n')
      .map((line) => `[${tag}] ${line}`)
      .join('\n')}\n`,
  );
}
