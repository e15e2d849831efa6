import { DataFrame, dateTime, LoadingState, PanelData, TimeRange } from '@grafana/data';

/**
 * What the Trace page shows for Tempo's answer, decided in one place: loading, the trace,
 * not found, or Tempo's error message.
 */
export type TraceLoadState =
  | { kind: 'loading' }
  | { kind: 'data'; frame: DataFrame }
  | { kind: 'not-found' }
  | { kind: 'error'; message: string };

/** Logs of a trace are read from its start - 5 minutes to its end + 5 minutes (docs/conventions.md#trace-ids-in-logs). */
export const LOG_WINDOW_MARGIN_MS = 5 * 60 * 1000;

/**
 * Tempo answers a missing trace with an error (Grafana's Tempo backend: "failed to get trace
 * with id: … Status: 404 Not Found"), or, through some proxies, with no frame at all.
 */
const NOT_FOUND = /\b404\b|not found/i;

/**
 * The trace frame among the answer's frames: Tempo can send node-graph frames with it, so it
 * is found by its visualisation type, or by its span id field.
 */
export function pickTraceFrame(series: DataFrame[]): DataFrame | undefined {
  return (
    series.find((f) => f.meta?.preferredVisualisationType === 'trace') ??
    series.find((f) => f.fields.some((field) => field.name === 'spanID'))
  );
}

function errorMessage(data: PanelData): string | undefined {
  const messages = (data.errors ?? [])
    .map((e) => e.message ?? e.data?.message ?? '')
    .filter((m) => m !== '');
  return messages.length > 0 ? [...new Set(messages)].join('; ') : undefined;
}

export function traceLoadState(data: PanelData | undefined): TraceLoadState {
  if (!data || data.state === LoadingState.NotStarted) {
    return { kind: 'loading' };
  }
  const frame = pickTraceFrame(data.series);
  const hasSpans = frame !== undefined && frame.length > 0;
  if (data.state === LoadingState.Error) {
    const message = errorMessage(data) ?? 'Tempo failed without a message.';
    if (hasSpans) {
      return { kind: 'data', frame };
    }
    return NOT_FOUND.test(message) ? { kind: 'not-found' } : { kind: 'error', message };
  }
  if (hasSpans) {
    return { kind: 'data', frame };
  }
  return data.state === LoadingState.Loading ? { kind: 'loading' } : { kind: 'not-found' };
}

/** The window the trace's logs are read in: the trace's span, widened by five minutes each side. */
export function traceLogWindow(startMs: number, endMs: number): { fromMs: number; toMs: number } {
  return { fromMs: Math.floor(startMs - LOG_WINDOW_MARGIN_MS), toMs: Math.ceil(endMs + LOG_WINDOW_MARGIN_MS) };
}

export function absoluteRange(fromMs: number, toMs: number): TimeRange {
  const from = dateTime(fromMs);
  const to = dateTime(toMs);
  return { from, to, raw: { from, to } };
}
