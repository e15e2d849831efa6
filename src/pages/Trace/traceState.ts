import { DataFrame, dateTime, LoadingState, PanelData, TimeRange } from '@grafana/data';
import { t } from '@grafana/i18n';
import { pickTraceFrame } from '../../datasources/tempoAnswers';
import { textValues } from '../../utils/i18nValues';
import { panelErrorMessage } from '../../utils/errors';

/**
 * What the Trace page shows for Tempo's answer, decided in one place: loading, the trace,
 * not found, or Tempo's error message.
 */
export type TraceLoadState =
  { kind: 'loading' } | { kind: 'data'; frame: DataFrame } | { kind: 'not-found' } | { kind: 'error'; message: string };

export const LOG_WINDOW_MARGIN_MS = 5 * 60 * 1000;

/**
 * Tempo answers a missing trace with an error (Grafana's Tempo backend: "failed to get trace
 * with id: … Status: 404 Not Found"), or, through some proxies, with no frame at all.
 */
const NOT_FOUND = /\b404\b|not found/i;

export function traceLoadState(data: PanelData | undefined): TraceLoadState {
  if (!data || data.state === LoadingState.NotStarted) {
    return { kind: 'loading' };
  }
  const frame = pickTraceFrame(data.series);
  const hasSpans = frame !== undefined && frame.length > 0;
  if (data.state === LoadingState.Error) {
    const message = panelErrorMessage(data) ?? t('pivot.trace.load.no-message', 'Tempo failed without a message.');
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

/**
 * The longest window the trace's logs are read over when the trace's own time is unknown
 * (Tempo could not return it, or no span has a usable time): without the trace's services the
 * query reads every service's streams, so a page range of days would scan days of all logs.
 */
export const UNKNOWN_TRACE_LOG_WINDOW_MS = 60 * 60 * 1000;

/** Where the window the logs were read in comes from. */
export type LogWindowSource = 'trace' | 'page' | 'page-cut';

export interface LogWindow {
  fromMs: number;
  toMs: number;
  source: LogWindowSource;
}

/**
 * The window for a trace whose time is unknown: the page's range (the link's), cut to its
 * last hour when longer. The last hour rather than the middle: links carry the range of the
 * panel they were clicked in, which ends at the moment of interest or at now, and a trace
 * Tempo does not have yet is a recent one.
 */
export function boundedLogWindow(fromMs: number, toMs: number): LogWindow {
  if (toMs - fromMs <= UNKNOWN_TRACE_LOG_WINDOW_MS) {
    return { fromMs, toMs, source: 'page' };
  }
  return { fromMs: toMs - UNKNOWN_TRACE_LOG_WINDOW_MS, toMs, source: 'page-cut' };
}

/** What the page says about the window its logs were read in; `format` writes a time. */
export function logWindowNote({ fromMs, toMs, source }: LogWindow, format: (ms: number) => string): string {
  const values = textValues({ from: format(fromMs), to: format(toMs) });
  switch (source) {
    case 'trace':
      return t(
        'pivot.trace.logs-window.trace',
        "Logs searched from {{from}} to {{to}}: the trace's time, 5 minutes either side.",
        values
      );
    case 'page':
      return t(
        'pivot.trace.logs-window.page',
        "Logs searched from {{from}} to {{to}}, the selected time range: the trace's own time is unknown.",
        values
      );
    case 'page-cut':
      return t(
        'pivot.trace.logs-window.page-cut',
        "Logs searched from {{from}} to {{to}}, the last hour of the selected time range: the trace's own time is unknown, and every service's logs are read. Narrow the time range to the moment of the trace to search another hour.",
        values
      );
  }
}

export function absoluteRange(fromMs: number, toMs: number): TimeRange {
  const from = dateTime(fromMs);
  const to = dateTime(toMs);
  return { from, to, raw: { from, to } };
}
