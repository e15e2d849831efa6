/**
 * Stopping a server a test or the native stack started: SIGTERM, then SIGKILL if it is still
 * running KILL_AFTER_MS later (one that ignores SIGTERM must not outlive the run). Waits on the
 * process's exit, not on the clock: the timer only bounds a process that will not stop.
 */
import type { ChildProcess } from 'node:child_process';

/** SIGTERM, then SIGKILL after this long. */
export const KILL_AFTER_MS = 10000;

/** Stops `child` (nothing to do when it exited or never started); resolves once it exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
