/**
 * The trace-summary component's logic, pure: the Tempo query of a trace by id, the trace frame
 * in Grafana's answer, and the links from the summary (the Trace page, the trace's logs).
 */
import type { DataSourceSummary } from '../../datasources/lookup';
import { traceLogWindow } from '../../datasources/tempoAnswers';
import { LogConventions, logql, traceql } from '../../datasources';
import { exploreUrl, traceUrl, UrlTimeRange } from '../../utils/links';
import type { TraceAnalysis } from '../../analysis/traceAnalysis';
import type { DsQuery } from './runtime';

export const LOG_MARGIN_MS = 5 * 60_000;

/** Tempo's trace-by-id query as the frontend sends it (docs/conventions.md#traceql-and-trace-by-id: `queryType: 'traceql'`). */
export function traceQuery(tempo: DataSourceSummary, traceId: string): DsQuery {
  return {
    refId: 'trace',
    datasource: { uid: tempo.uid, type: tempo.type },
    queryType: 'traceql',
    query: traceql.traceById(traceId),
  };
}

export interface TraceLinks {
  /** Pivot's Trace page, focused on the span where the trace failed. */
  trace: string;
  /** Explore with the trace's logs from every service it crossed, when a Loki source is set. */
  logs?: string;
}

export function traceLinks(
  traceId: string,
  analysis: TraceAnalysis,
  loki: { ds: DataSourceSummary; conventions: LogConventions } | undefined,
  range?: UrlTimeRange
): TraceLinks {
  const window =
    analysis.startMs !== undefined && analysis.endMs !== undefined
      ? traceLogWindow(analysis.startMs, analysis.endMs)
      : undefined;
  const traceRange = window && { from: window.fromMs, to: window.toMs };
  // The summary asked Pivot's configured Tempo: the link opens Pivot on its defaults (`ds: {}`).
  const trace = traceUrl(traceId, { range: traceRange ?? range, spanId: analysis.failureOrigin?.spanId, ds: {} });
  if (!loki || !traceRange) {
    return { trace };
  }
  const services = analysis.services.map((s) => s.name).filter((name) => name !== '');
  const expr = logql.traceLogs(loki.conventions, { traceId, services: services.length > 0 ? services : undefined });
  return { trace, logs: exploreUrl(loki.ds, { expr, queryType: 'range' }, traceRange) };
}
