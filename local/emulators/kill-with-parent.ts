import type { ChildProcess } from 'node:child_process';

const TERMINATING_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Ties a child process's life to this one: an orderly exit kills it, and so
 * does a terminating signal. A signal is only re-raised (to keep Node's default
 * "terminate") when nobody else listens for it; an application with its own
 * shutdown handler keeps control of when the process ends.
 * Returns the function that unregisters all of this, for an orderly stop().
 */
export function killWithParent(child: ChildProcess): () => void {
  const onExit = () => child.kill('SIGKILL');
  const onSignal = (signal: NodeJS.Signals) => {
    release();
    child.kill('SIGTERM');
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const release = () => {
    process.removeListener('exit', onExit);
    for (const signal of TERMINATING_SIGNALS) process.removeListener(signal, onSignal);
  };
  process.once('exit', onExit);
  for (const signal of TERMINATING_SIGNALS) process.once(signal, onSignal);
  child.once('exit', release);
  return release;
}
