import type { DataQueryRequest } from '@grafana/data';
import { graphMetricFrames } from '../analysis/fixtures/serviceGraphMetrics';
import {
  checkoutFailureSpans,
  FIXTURE_START_MS,
  FIXTURE_TRACE_ID,
  tempoTraceFrame,
} from '../analysis/fixtures/traceFrames';
import type { DataSourceSummary } from '../datasources/lookup';
import { TRACE_REFS } from '../pages/Trace/traceQueries';
import type { Answer } from './fakeGrafana';
import { lokiLogsFrame, promSeries, tempoTracesFrame } from './frames';

/**
 * A responder for installFakeGrafana under which every page has data: each data source
 * answers with one plausible frame about `service` (an error log line, a failing trace, the
 * checkout trace with `service` in every span's service name, one graph edge into `service`,
 * and one point for every other metric).
 */
export function answersAbout(service: string) {
  const T = FIXTURE_START_MS;
  return (ds: DataSourceSummary, request: DataQueryRequest): Answer => {
    const refIds = request.targets.map((t) => t.refId);
    if (ds.type === 'loki') {
      return {
        frames: [lokiLogsFrame(refIds[0], [{ timeMs: T, line: 'level=error', labels: { service_name: service } }])],
      };
    }
    if (ds.type === 'tempo') {
      if (refIds.includes(TRACE_REFS.trace)) {
        const spans = checkoutFailureSpans().map((s) => ({ ...s, serviceName: `${s.serviceName} ${service}` }));
        return { frames: [tempoTraceFrame(spans)] };
      }
      const row = { traceID: FIXTURE_TRACE_ID, startTimeMs: T, service, name: 'GET', durationMs: 5 };
      return { frames: [tempoTracesFrame(refIds[0], [row])] };
    }
    const graph = graphMetricFrames([{ client: 'frontend', server: service, rate: 10, p95: 0.2 }], {}).filter((f) =>
      refIds.includes(f.refId ?? '')
    );
    const others = refIds
      .filter((r) => !graph.some((f) => f.refId === r))
      .map((r) => promSeries(r, { job: service }, [[T, 0.01]]));
    return { frames: [...graph, ...others] };
  };
}
