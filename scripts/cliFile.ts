/**
 * What the rule-printing commands (`npm run slo-rules`, `npm run red-rules`) share: failing
 * with a message and status 2, and reading the file they were given.
 */
import { readFileSync } from 'node:fs';

/** Writes the lines to stderr and exits with status 2 (the file or the arguments need fixing). */
export function fail(lines: string[]): never {
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exit(2);
}

/** The text of the file, or `fail` saying why it cannot be read. */
export function readFileOrFail(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    fail([`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`]);
  }
}
