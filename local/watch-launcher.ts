import { execFileSync } from 'node:child_process';
import { isRunning } from './process-alive';

/**
 * `npm start` and `npx tsx local/start.ts` run this process as
 * npm → sh → tsx → node. A SIGTERM to npm (a service manager, a CI runner)
 * may end npm and the shell without reaching us, which would leave the server,
 * DynamoDB Local and the KMS endpoint running. So the two launchers above us
 * are watched: when either is gone, `onGone` runs (once).
 * Returns the function that stops watching.
 */
export function onLauncherExit(onGone: () => void, intervalMs = 500): () => void {
  const parent = process.ppid;
  const grandparent = parentOf(parent);
  const timer = setInterval(() => {
    const orphaned = process.ppid !== parent;
    const launcherGone = grandparent !== undefined && !isRunning(grandparent);
    if (orphaned || launcherGone) {
      clearInterval(timer);
      onGone();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The parent of `pid`, or undefined where it cannot be told or is init (nothing to watch). */
function parentOf(pid: number): number | undefined {
  try {
    const ppid = Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isSafeInteger(ppid) && ppid > 1 ? ppid : undefined;
  } catch {
    return undefined;
  }
}
