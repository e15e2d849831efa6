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

/**
 * The one file a command's arguments name, or undefined once `-h`/`--help` has printed the
 * usage. `option` takes the command's own options first (`next` reads an option's value) and
 * answers false for an argument it does not know; any other argument starting with `-`, a
 * second file, or no file fails with the usage.
 */
export function fileArgument(
  argv: string[],
  usage: string,
  missing: string,
  option: (arg: string, next: () => string | undefined) => boolean
): string | undefined {
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (option(arg, () => argv[++i])) {
      continue;
    }
    if (arg === '-h' || arg === '--help') {
      process.stdout.write(`${usage}\n`);
      return undefined;
    }
    if (arg.startsWith('-') || file !== undefined) {
      fail([`unexpected argument ${JSON.stringify(arg)}`, usage]);
    }
    file = arg;
  }
  if (!file) {
    fail([missing, usage]);
  }
  return file;
}
