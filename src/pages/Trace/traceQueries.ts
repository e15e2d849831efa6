import type { SceneDataQuery } from '@grafana/scenes';
import { logql, traceql } from '../../datasources';
import type { PivotSettings } from '../../settings';

export const TRACE_REFS = {
  trace: 'trace',
  logs: 'traceLogs',
} as const;

/** Log lines asked of Loki for one trace: a trace rarely logs more, and the panel stays light. */
export const TRACE_LOG_LINES = 1000;

export interface TempoTraceQuery extends SceneDataQuery {
  queryType: 'traceql';
  query: string;
}

export interface LokiTraceLogsQuery extends SceneDataQuery {
  expr: string;
  queryType: 'range';
  maxLines: number;
  /** Oldest first: a trace's logs read as the story of the request. */
  direction: 'forward';
}

/** A trace by id, as Grafana's Tempo frontend accepts it (docs/conventions.md#traceql-and-trace-by-id). */
export function traceQuery(traceId: string): TempoTraceQuery {
  return { refId: TRACE_REFS.trace, queryType: 'traceql', query: traceql.traceById(traceId) };
}

/**
 * The trace's logs from every service it crossed (every service when the trace could not be
 * read), with the trace_id filter the Loki convention in the settings calls for.
 */
export function traceLogsQuery(settings: PivotSettings, traceId: string, services?: string[]): LokiTraceLogsQuery {
  return {
    refId: TRACE_REFS.logs,
    expr: logql.traceLogs(settings.logs, { traceId, services: services && services.length > 0 ? services : undefined }),
    queryType: 'range',
    maxLines: TRACE_LOG_LINES,
    direction: 'forward',
  };
}
