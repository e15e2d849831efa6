/**
 * LogQL builders. Every query has a stream selector with a non-empty matcher (Loki's rule),
 * then its filters cheapest first: line filters (substring scans) before parsers and label
 * filters. Values are quoted with `logqlString`; label names are validated.
 */
import { LogConventions, TRACE_ID_LOCATIONS } from './conventions';
import { checkLabelName, logqlString, regexAnyOf } from './strings';
import { traceIdHex32 } from './traceql';

/**
 * Every non-empty label value. Loki anchors a matcher's regex as `^(?:…)$` (Prometheus'
 * matcher code, which Loki uses), and in RE2 `.` does not match a newline unless the `s` flag
 * is set: `.+` would miss a service whose name holds a newline. `(?s:.+)` matches every
 * non-empty value, and no empty one, as Loki requires of a selector's only matcher
 * (`!=""` would not do: Loki wants an equality or regex matcher).
 */
export const ANY_VALUE = '(?s:.+)';

/**
 * `{label="a"}` for one service, `{label=~"a|b"}` (values regex-escaped) for several, and
 * `{label=~"(?s:.+)"}` (every stream that has the label) for none.
 */
export function streamSelector(conv: LogConventions, services: string[] = []): string {
  const label = checkLabelName(conv.serviceLabel, 'service label');
  if (services.length === 0) {
    return `{${label}=~${logqlString(ANY_VALUE)}}`;
  }
  if (services.length === 1) {
    return `{${label}=${logqlString(services[0])}}`;
  }
  return `{${label}=~${logqlString(regexAnyOf(services))}}`;
}

function checkLocation(conv: LogConventions): void {
  if (!TRACE_ID_LOCATIONS.includes(conv.traceId)) {
    throw new Error(`Unknown trace id location ${JSON.stringify(conv.traceId)}`);
  }
}

/** Loki's normalised `detected_level` values at error severity or worse. */
export const ERROR_LEVELS = 'error|critical|fatal';
/** `detected_level` values below error: a line Loki classed so is not an error by its wording. */
export const NON_ERROR_LEVELS = 'trace|debug|info|warn|warning';
/** Words that mark an error line, in any case: the fallback for lines without a level. */
export const ERROR_WORDS = '(?i)(error|fatal|panic|critical)';
/** Values of a line's `level` field at error severity or worse, in any case (syslog and Go names too). */
export const ERROR_LEVEL_VALUES = '(?i)(error|err|eror|fatal|panic|critical|crit|alert|emerg|emergency)';
/** The label the word fallback extracts, dropped again at the end of the filter. */
export const ERROR_WORD_LABEL = 'pivot_error_word';

/**
 * The "errors only" filter (docs/queries.md#errors-only). OTLP logs (trace_id in structured
 * metadata means Loki 3 OTLP ingestion) carry `detected_level`, which Loki 3 derives from the
 * record's severity at ingestion: a label filter on it needs no parsing and does not depend on
 * the body's wording.
 *
 * logfmt and JSON lines are judged by their `level` field (parsed alone: `| logfmt level`,
 * `| json level="level"`). A line without one is an error when Loki's `detected_level` says so
 * (an OTLP record in a logfmt stack, e.g. `charge failed` at severity ERROR), or, as the
 * fallback, when it holds an error word and Loki did not class it below error. The word is
 * found by a `regexp` stage (LogQL cannot OR a line filter with a label filter), whose label is
 * dropped again.
 */
export function errorFilter(conv: LogConventions): string {
  checkLocation(conv);
  if (conv.traceId === 'structured-metadata') {
    return `| detected_level=~${logqlString(ERROR_LEVELS)}`;
  }
  const parser = conv.traceId === 'logfmt' ? '| logfmt level' : `| json level=${logqlString('level')}`;
  const word = `| regexp ${logqlString(`(?i)(?P<${ERROR_WORD_LABEL}>error|fatal|panic|critical)`)}`;
  const levels =
    `| level=~${logqlString(ERROR_LEVEL_VALUES)}` +
    ` or detected_level=~${logqlString(ERROR_LEVELS)}` +
    ` or (level="" and detected_level!~${logqlString(`(?i)(${NON_ERROR_LEVELS})`)} and ${ERROR_WORD_LABEL}!="")`;
  return `${parser} ${word} ${levels} | drop ${ERROR_WORD_LABEL}`;
}

export interface ServiceLogsOptions {
  service: string;
  errorsOnly?: boolean;
  /** Text the line must contain, as typed by the user (not a regex); ignored when empty. */
  lineFilter?: string;
}

/** The logs of one service, optionally only errors and lines containing some text. */
export function serviceLogs(conv: LogConventions, { service, errorsOnly, lineFilter }: ServiceLogsOptions): string {
  const parts = [streamSelector(conv, [service])];
  if (lineFilter) {
    parts.push(`|= ${logqlString(lineFilter)}`);
  }
  if (errorsOnly) {
    parts.push(errorFilter(conv));
  }
  return parts.join(' ');
}

export interface TraceLogsOptions {
  /** Any form Tempo accepts; written as the 32 lowercase hex digits OpenTelemetry logs carry. */
  traceId: string;
  /** The trace's services, to narrow the streams read; every stream with the label when absent. */
  services?: string[];
}

/**
 * The logs of one trace. Without services the selector matches every stream that has the
 * service label: bound the time range to the trace (start - 5m, end + 5m), docs/conventions.md#trace-ids-in-logs.
 */
export function traceLogs(conv: LogConventions, { traceId, services }: TraceLogsOptions): string {
  checkLocation(conv);
  const id = logqlString(traceIdHex32(traceId));
  const selector = streamSelector(conv, services ?? []);
  if (conv.traceId === 'structured-metadata') {
    return `${selector} | trace_id=${id}`;
  }
  // The line filter drops almost every line before the parser runs.
  return `${selector} |= ${id} | ${conv.traceId} | trace_id=${id}`;
}
