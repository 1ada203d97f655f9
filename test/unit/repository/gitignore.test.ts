import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/*
 * Key material and the docs/contract.md §5 recipe's outputs must never be committed by
 * accident, and the committed test fixtures must not be hidden by the rules
 * that keep them out.
 */
const REPO = resolve(__dirname, '../../..');

/** `git check-ignore --no-index`: judged from .gitignore alone, tracked or not. */
function ignored(paths: string[]): string[] {
  const run = spawnSync('git', ['check-ignore', '--no-index', '--stdin'], { cwd: REPO, input: paths.join('\n'), encoding: 'utf8' });
  if (run.status !== 0 && run.status !== 1) throw new Error(`git check-ignore failed: ${run.stderr}`);
  return run.stdout.split('\n').filter((line) => line !== '');
}

describe('.gitignore', () => {
  it('ignores keys, PKCS#12 bundles, CSRs, serial files and the recipe outputs, wherever the recipe is run', () => {
    const secrets = ['device.key', 'root-ca.key', 'certs/intermediate-ca.key', 'deep/dir/device.p12', 'device.csr', 'intermediate-ca.srl', 'root-ca.srl'];
    const recipeOutputs = ['root-ca.crt', 'intermediate-ca.crt', 'device.crt', 'device.chain.crt', 'ca-chain.crt', 'certs/device.crt', 'certs/anything.pem'];
    const local = ['.idp-data/admin-api-key', '.idp-data/lock', '.cache/dynamodb-local/x.jar'];
    const all = [...secrets, ...recipeOutputs, ...local];
    expect(ignored(all).sort()).toEqual(all.sort());
  });

  it('keeps the certificate test fixtures and the sources visible', () => {
    const kept = ['test/conformance/pkits/data/certs/BadSignedCACert.crt', 'test/fixtures/certs/root.crt', 'src/domain/chain/validate-chain.ts', 'README.md'];
    expect(ignored(kept)).toEqual([]);
  });

  it('ignores no file that is tracked', () => {
    const run = spawnSync('git', ['ls-files', '--cached', '--ignored', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' });
    expect(run.stdout.trim()).toBe('');
  });
});
