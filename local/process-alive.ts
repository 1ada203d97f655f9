/** Whether a process with this pid exists (signal 0 probes without signalling; EPERM: it exists, it is just not ours). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
