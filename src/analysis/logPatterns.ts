/**
 * Error-log patterns of a window against the window before it (docs/suspects.md#log-patterns):
 * lines grouped by a simple tokeniser on a bounded sample of each window, new and grown
 * patterns first. Pure: the lines come in as text with their time and trace id.
 */
import type { DataFrame } from '@grafana/data';
import type { TraceIdLocation } from '../datasources/conventions';
import { lineTraceId } from '../utils/lineTraceId';

/** Loki's wildcard in patterns and in the `|>` pattern line filter. */
export const WILDCARD = '<_>';

/** The most of a line the tokeniser reads: a pattern is about a line's start, not its payload. */
export const PATTERN_CHARACTERS = 300;

export interface SampleLine {
  timeMs: number;
  line: string;
  /** The line's trace id, '' without one. */
  traceId: string;
}

export type PatternStatus = 'new' | 'grown' | 'steady' | 'shrunk';

export interface LogPattern {
  /** The line with its variable parts as `<_>`: Loki's pattern syntax, usable in `|>`. */
  pattern: string;
  current: number;
  previous: number;
  status: PatternStatus;
  /** The current window's lines of this pattern, newest first (at most EXAMPLES_PER_PATTERN). */
  examples: SampleLine[];
}

export const EXAMPLES_PER_PATTERN = 5;

// One word of a line: a run of non-space characters, trailing punctuation apart.
const WORD = /\S+?(?=[,;:)\]}]*(?:\s|$))/g;
// `key=value` / `key:value`: the key is kept, the value judged alone.
const KEY_VALUE = /^([A-Za-z_][\w.-]*[=:])(.+)$/;
// Values that vary between lines of one event: anything with a digit (ids, numbers, times,
// versions, addresses), quoted text, and anything Loki's pattern syntax would read (`<…>`).
const VARIABLE = /\d|^["'`]|[<>]/;

// Quoted text, spaces and all: a message or a value, never the event's shape.
const QUOTED = /"(?:[^"\\\n]|\\.)*"|`[^`\n]*`/g;

function wordPattern(word: string): string {
  const kv = KEY_VALUE.exec(word);
  if (kv) {
    return VARIABLE.test(kv[2]) ? `${kv[1]}${WILDCARD}` : word;
  }
  return VARIABLE.test(word) ? WILDCARD : word;
}

/**
 * The pattern of one line: quoted text and each word holding a digit, a quote or an angle bracket becomes
 * `<_>` (a `key=` before it is kept), adjacent wildcards merge, whitespace stays as it is (so
 * the pattern, as a Loki `|>` filter, matches the line), and only the first
 * PATTERN_CHARACTERS characters count (a longer line ends in `<_>`).
 */
export function patternOf(line: string): string {
  const text = typeof line === 'string' ? line : '';
  const head = text.length > PATTERN_CHARACTERS ? text.slice(0, PATTERN_CHARACTERS) : text;
  let out = head.replace(QUOTED, WILDCARD).replace(WORD, wordPattern);
  if (text.length > PATTERN_CHARACTERS) {
    out = `${out}${WILDCARD}`;
  }
  // `<_><_>` says no more than `<_>` (and Loki rejects two captures in a row).
  return out.replace(/<_>(?:<_>)+/g, WILDCARD);
}

const STATUS_ORDER: Record<PatternStatus, number> = { new: 0, grown: 1, steady: 2, shrunk: 3 };

/** A pattern grew when it at least doubled and by at least this many lines. */
export const GROWTH_FACTOR = 2;
export const GROWTH_MIN_LINES = 3;

function statusOf(current: number, previous: number): PatternStatus {
  if (previous === 0) {
    return 'new';
  }
  if (current >= GROWTH_FACTOR * previous && current - previous >= GROWTH_MIN_LINES) {
    return 'grown';
  }
  return current < previous ? 'shrunk' : 'steady';
}

/**
 * The current window's patterns against the previous window's: new ones (absent before) first,
 * then grown ones, then the rest; within each, more lines first, then the pattern's text in
 * code-unit order. Patterns seen only in the previous window are left out (they stopped).
 */
export function comparePatterns(current: SampleLine[], previous: SampleLine[]): LogPattern[] {
  const before = new Map<string, number>();
  for (const l of previous) {
    const p = patternOf(l.line);
    before.set(p, (before.get(p) ?? 0) + 1);
  }
  const now = new Map<string, SampleLine[]>();
  for (const l of current) {
    const p = patternOf(l.line);
    const lines = now.get(p);
    if (lines) {
      lines.push(l);
    } else {
      now.set(p, [l]);
    }
  }
  const out: LogPattern[] = [];
  for (const [pattern, lines] of now) {
    const previousCount = before.get(pattern) ?? 0;
    const examples = [...lines]
      .sort((a, b) => b.timeMs - a.timeMs || (a.line < b.line ? -1 : a.line > b.line ? 1 : 0))
      .slice(0, EXAMPLES_PER_PATTERN);
    out.push({
      pattern,
      current: lines.length,
      previous: previousCount,
      status: statusOf(lines.length, previousCount),
      examples,
    });
  }
  return out.sort(
    (a, b) =>
      STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
      b.current - a.current ||
      (a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0)
  );
}

/** The lines of Loki logs frames (both of Grafana's shapes), each with its trace id. */
export function sampleLines(series: DataFrame[], location: TraceIdLocation): SampleLine[] {
  const out: SampleLine[] = [];
  for (const frame of series) {
    const find = (...names: string[]) => frame.fields.find((f) => names.includes(f.name));
    const line = find('Line', 'body');
    const time = find('Time', 'timestamp');
    if (!line) {
      continue;
    }
    const labels = find('labels');
    for (let i = 0; i < frame.length; i++) {
      const text = line.values[i];
      if (typeof text !== 'string') {
        continue;
      }
      out.push({
        timeMs: Number(time?.values[i] ?? NaN),
        line: text,
        traceId: lineTraceId(labels?.values[i], text, location),
      });
    }
  }
  return out;
}
