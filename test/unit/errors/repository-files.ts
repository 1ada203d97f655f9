import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');

/** The TypeScript files under `folder` (repository-relative, `/`-separated), with their text. */
export function typeScriptFiles(folder: string): { path: string; text: string }[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) =>
      relative(ROOT, join(ROOT, folder, name))
        .split('\\')
        .join('/'),
    )
    .sort()
    .map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));
}

/** Whether `text` holds `code` as a string literal of its own: quoted, or leading a quoted `code: detail` or a `/^code` pattern. */
export function holdsCodeLiteral(text: string, code: string): boolean {
  return new RegExp(`(['"\`]|/\\^)${code}(['"\`:])`).test(text);
}
