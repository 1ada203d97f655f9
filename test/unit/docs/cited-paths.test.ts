import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/*
 * The documents cite code and tests as evidence ("proven by
 * test/e2e/…", "see src/storage/keys.ts"). A citation of a file that does not
 * exist is a claim nobody can check: every repository path in backticks or
 * in a Markdown link of README.md, SECURITY.md and docs/*.md must exist.
 */
const ROOT = join(__dirname, '..', '..', '..');
const DOCUMENTS = [
  'README.md',
  'SECURITY.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name)),
];
/** Top-level folders and files of the repository a citation can start with. */
const ROOTS = ['src/', 'test/', 'functions/', 'lib/', 'local/', 'bin/', 'scripts/', 'bench/', 'docs/', '.ci/'];

/** Paths cited by a document: `code spans` and (link targets) that start at a repository root folder. */
function citedPaths(markdown: string): string[] {
  const candidates = [...markdown.matchAll(/`([^`\s]+)`/g), ...markdown.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)].map((match) => match[1]);
  const paths = candidates
    .map((candidate) => candidate.replace(/^\.\//, '').replace(/[:,.;]+$/, ''))
    // A path with a line or symbol suffix (`file.ts:12`, `file.ts#L3`) cites the file.
    .map((candidate) => candidate.replace(/:(\d+)(-\d+)?$/, ''))
    .filter((candidate) => ROOTS.some((root) => candidate.startsWith(root)))
    // Patterns and placeholders are not paths: `src/**`, `functions/<name>/…`, `{pool}`.
    .filter((candidate) => !/[*<>{}$]/.test(candidate));
  return [...new Set(paths)];
}

describe('paths cited by the documentation exist', () => {
  it('finds citations in every document (the extraction is not vacuous)', () => {
    expect(citedPaths('see `src/storage/keys.ts` and [the guide](docs/deploy.md) but not `src/**` or `pools/{pool}`')).toEqual([
      'src/storage/keys.ts',
      'docs/deploy.md',
    ]);
    for (const document of ['README.md', 'SECURITY.md']) expect(citedPaths(readFileSync(join(ROOT, document), 'utf8')).length).toBeGreaterThan(10);
  });

  it.each(DOCUMENTS)('%s', (document) => {
    const missing = citedPaths(readFileSync(join(ROOT, document), 'utf8')).filter((path) => !existsSync(join(ROOT, path)));
    expect({ document: relative(ROOT, join(ROOT, document)), missing }).toEqual({ document, missing: [] });
  });
});
