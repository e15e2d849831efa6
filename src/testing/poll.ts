/**
 * Bounded polling for tests that wait on a server (a scrape, a rule evaluation, an index):
 * the condition is asked again a bounded number of times, never waited out by one sleep.
 */

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Asks `check` every `intervalMs`, at most `attempts` times, until it returns a value other
 * than undefined; throws with `what` and the last answer described by `check` otherwise.
 */
export async function poll<T>(
  what: string,
  attempts: number,
  intervalMs: number,
  check: () => Promise<T | undefined>,
  last: () => string = () => ''
): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `gave up waiting for ${what} after ${attempts} tries every ${intervalMs} ms${last() ? `: ${last()}` : ''}`
  );
}
