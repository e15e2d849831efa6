import type { TraceIdLocation } from '../datasources/conventions';

/**
 * Reading a log line's trace id, with no Grafana runtime import, so the `pivot investigate`
 * command (src/cli/), which runs in Node without a browser, reads lines as the Service page does.
 */

/** The name of the field carrying each log line's trace id, with the link to the Trace page. */
export const TRACE_ID_FIELD = 'trace_id';

const LOGFMT_TRACE_ID = /(?:^|\s)(?:trace_id|traceid|traceID|trace\.id)=(?:"([0-9a-fA-F]+)"|([0-9a-fA-F]+))(?=\s|$)/;
const JSON_TRACE_ID_KEYS = ['trace_id', 'traceId', 'traceID', 'traceid'];

function fromJson(line: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') {
    return undefined;
  }
  const record = parsed as Record<string, unknown>;
  for (const key of JSON_TRACE_ID_KEYS) {
    const value = record[key];
    if (typeof value === 'string' && value !== '') {
      return value;
    }
  }
  return undefined;
}

function fromLogfmt(line: string): string | undefined {
  const match = LOGFMT_TRACE_ID.exec(line);
  return match ? (match[1] ?? match[2]) : undefined;
}

/**
 * The trace id of one log line: the `trace_id` label when Loki has one for the line
 * (structured metadata, or a label parsed by `| logfmt` / `| json` in the query), else read
 * from the line itself as the convention says it is written. Empty when there is none.
 */
export function lineTraceId(labels: unknown, line: unknown, location: TraceIdLocation): string {
  if (labels && typeof labels === 'object') {
    const value = (labels as Record<string, unknown>)[TRACE_ID_FIELD];
    if (typeof value === 'string' && value !== '') {
      return value;
    }
  }
  if (typeof line !== 'string') {
    return '';
  }
  switch (location) {
    case 'logfmt':
      return fromLogfmt(line) ?? '';
    case 'json':
      return fromJson(line) ?? '';
    case 'structured-metadata':
      return '';
  }
}
