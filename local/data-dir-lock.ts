import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning } from './process-alive';

export class DataDirectoryInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`the data directory ${dataDir} is in use by another local IDP (pid ${pid}); stop that one, or set IDP_DATA_DIR to another directory`);
    this.name = 'DataDirectoryInUseError';
  }
}

/**
 * One local IDP per data directory: two DynamoDB Local processes on one
 * sqlite file, or two KMS endpoints on one key store, corrupt each other.
 * The lock is a file created exclusively (O_EXCL) holding the owner's pid; a
 * lock whose pid is no longer running (a crash, kill -9) is taken over.
 * Returns the release function (idempotent; it removes only its own lock).
 */
export function lockDataDirectory(dataDir: string): () => void {
  const file = join(dataDir, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.removeListener('exit', release);
        if (ownerOf(file) === process.pid) unlinkSync(file);
      };
      process.once('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = ownerOf(file);
      if (owner !== undefined && owner !== process.pid && isRunning(owner)) throw new DataDirectoryInUseError(dataDir, owner);
      if (owner === process.pid) throw new DataDirectoryInUseError(dataDir, owner);
      // Stale (its process is gone) or unreadable: take it over.
      try {
        unlinkSync(file);
      } catch (unlinkError) {
        if ((unlinkError as NodeJS.ErrnoException).code !== 'ENOENT') throw unlinkError;
      }
    }
  }
  throw new Error(`could not lock the data directory ${dataDir}: another process keeps creating ${file}`);
}

function ownerOf(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
