/**
 * Reads the `replace_pattern` statements of a collector's transform processor, so tests can
 * apply them to sample values and check what a redaction masks and what it keeps. The real
 * Collector is not built here: this follows the three layers a statement goes through in it.
 *
 * 1. The collector's config expansion turns `$$` into a literal `$` (`${env:X}` is an
 *    environment variable; none is used in these statements).
 * 2. OTTL string literals are Go-quoted: `\\` is one backslash, `\"` a quote (JSON reads both
 *    the same way).
 * 3. The pattern is a Go RE2 regex and every match is replaced (`ReplaceAllString`), with
 *    `${1}` naming a group in the replacement. The patterns used here mean the same in
 *    JavaScript once a leading `(?s)` becomes the `s` flag.
 */

export interface ReplacePattern {
  /** `body`, or `attributes["key"]`. */
  target: string;
  pattern: RegExp;
  /** In JavaScript's `String.replace` syntax. */
  replacement: string;
}

const OTTL_STRING = String.raw`"(?:[^"\\]|\\.)*"`;
const REPLACE_PATTERN = new RegExp(
  String.raw`^replace_pattern\((body|attributes\["[^"]+"\]), (${OTTL_STRING}), (${OTTL_STRING})\)$`
);

/** The collector's `$$` escape, as its config expansion reads it. */
export function expandCollectorEscapes(text: string): string {
  return text.replace(/\$\$/g, '$');
}

/** One `replace_pattern(target, "regex", "replacement")` statement, or undefined for other statements. */
export function parseReplacePattern(statement: string): ReplacePattern | undefined {
  const match = REPLACE_PATTERN.exec(expandCollectorEscapes(statement));
  if (!match) {
    return undefined;
  }
  const goRegex = JSON.parse(match[2]) as string;
  const dotAll = goRegex.startsWith('(?s)');
  const source = dotAll ? goRegex.slice('(?s)'.length) : goRegex;
  if (/\(\?[a-z]/.test(source)) {
    throw new Error(`Flags inside ${goRegex} are not translated: extend parseReplacePattern`);
  }
  const goReplacement = JSON.parse(match[3]) as string;
  return {
    target: match[1],
    pattern: new RegExp(source, dotAll ? 'gs' : 'g'),
    // Go's ${1} is JavaScript's $1; a bare $ stays a $ (escaped for String.replace).
    replacement: goReplacement.replace(/\$(?!\{\d+\})/g, '$$$$').replace(/\$\{(\d+)\}/g, '$$$1'),
  };
}

/** Applies, in order, every `replace_pattern` of `statements` aimed at `target` to `value`. */
export function applyReplacements(statements: string[], target: string, value: string): string {
  return statements
    .map(parseReplacePattern)
    .filter((r): r is ReplacePattern => r !== undefined && r.target === target)
    .reduce((text, r) => text.replace(r.pattern, r.replacement), value);
}
