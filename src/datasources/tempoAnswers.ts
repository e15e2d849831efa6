import type { DataFrame } from '@grafana/data';

/**
 * Reading Tempo's answers, one way for every page: which frame is a trace, and the window a
 * trace's logs are read in.
 */

/**
 * Whether a frame of Tempo's answer holds a trace's spans: Tempo can send node-graph frames
 * with it, so a trace is known by its visualisation type, or by its span id field.
 */
export function isTraceFrame(frame: DataFrame): boolean {
  return frame.meta?.preferredVisualisationType === 'trace' || frame.fields.some((field) => field.name === 'spanID');
}

/** The trace frame among an answer's frames: the one marked for the trace view first. */
export function pickTraceFrame(series: DataFrame[]): DataFrame | undefined {
  return series.find((f) => f.meta?.preferredVisualisationType === 'trace') ?? series.find(isTraceFrame);
}

/** Logs of a trace are read from its start - 5 minutes to its end + 5 minutes (docs/conventions.md#trace-ids-in-logs). */
export const TRACE_LOG_MARGIN_MS = 5 * 60 * 1000;

/** The window the trace's logs are read in: the trace's span, widened by the margin each side. */
export function traceLogWindow(startMs: number, endMs: number): { fromMs: number; toMs: number } {
  return { fromMs: Math.floor(startMs - TRACE_LOG_MARGIN_MS), toMs: Math.ceil(endMs + TRACE_LOG_MARGIN_MS) };
}
