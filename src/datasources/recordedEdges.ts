/**
 * The service graph's queries (serviceGraph.ts `graphQueries`) read from Pivot's recorded edge
 * series (redSeries.ts `EDGE_SERIES`, docs/scaling.md#recording-rules) instead of the raw
 * service-graph metrics: the same refIds, the same labels (`client`, `server`,
 * `connection_type`; `server` alone for a node, `le` for the bucket bounds) and the same
 * units, so the frame builder (src/analysis/serviceGraph.ts) reads either answer unchanged.
 *
 * Over RED_WINDOW each statistic is an instant read of the recorded 5-minute series, over
 * RED_LONG_WINDOW (1 hour, the pages' default range) an instant read of the recorded 1-hour
 * series (EDGE_LONG_SERIES: at most one evaluation, a minute, before the range's end; the
 * callers pick these windows with redSeries.ts recordedWindowFor); over any other window
 * (`$__range`, `30m`) it takes the mean of the recorded 5-minute rates that tile the window
 * (meanOverWindow: a subquery at 5-minute steps aligned to the clock's 5-minute marks, an edge
 * absent at a mark counted 0), as the
 * per-service readers do: for a window ending between two marks, exactly the raw statistic
 * over the same length ending at the last mark (recordedEdges.prometheus.test.ts). Quantiles
 * are computed from the recorded bucket rates, never averaged from recorded quantiles (an
 * average of quantiles is not a quantile).
 */
import { checkWindow, LabelMatcher, selector, sumBy } from './promql';
import { EDGE_LONG_SERIES, EDGE_SERIES, meanOverWindow, RED_LONG_WINDOW, RED_WINDOW } from './redSeries';
import {
  checkQuantile,
  EDGE_LABELS,
  GRAPH_REFS,
  GraphQuery,
  GraphQueryOptions,
  graphQueries,
  touching,
} from './serviceGraph';

/** The refId of the recorded-edges probe query, sent with the metric-family probe. */
export const RECORDED_EDGES_PROBE_REF = 'service-graph:recorded';

/**
 * Whether Pivot's edge rules run: how many edges have the recorded 5-minute request rate now,
 * and nothing unless the 1-hour one exists too (rules generated before the 1-hour edge group, or
 * in the minute before its first evaluation, would leave a graph over 1 hour empty: the pages
 * then send the raw queries). Apart from the per-service probe: the edge rules can be left out
 * (`red-rules --no-service-graph`) while the per-service ones run.
 */
export function recordedEdgesProbeQuery(): { refId: string; expr: string } {
  return {
    refId: RECORDED_EDGES_PROBE_REF,
    expr: `count(${EDGE_SERIES.requests}) and on () count(${EDGE_LONG_SERIES.requests})`,
  };
}

type EdgeSeries = 'requests' | 'failed' | 'serverBucket';

/**
 * The recorded `kind` series with `matchers` over `window`: the 5-minute or the 1-hour series as
 * it is over RED_WINDOW or RED_LONG_WINDOW, else the 5-minute values tiling the window: their
 * mean over the window (meanOverWindow: absent marks count 0) or their last (`last_over_time`).
 */
function windowed(kind: EdgeSeries, matchers: LabelMatcher[], window: string, over: 'mean' | 'last_over_time'): string {
  if (checkWindow(window) === RED_LONG_WINDOW) {
    return selector(EDGE_LONG_SERIES[kind], matchers);
  }
  const series = selector(EDGE_SERIES[kind], matchers);
  if (window === RED_WINDOW) {
    return series;
  }
  return over === 'mean' ? meanOverWindow(series, window) : `${over}(${series}[${window}:${RED_WINDOW}])`;
}

/** The recorded `kind` series of the edges in view over `window`, summed by `by`. */
function edges(kind: EdgeSeries, { window, service }: GraphQueryOptions, by: string[]): string {
  return touching(service, (m: LabelMatcher[]) => sumBy(by, windowed(kind, m, window, 'mean')));
}

/** serviceGraph.edgeRequestRate from the recorded series. */
export function recordedEdgeRequestRate(options: GraphQueryOptions): string {
  return edges('requests', options, [...EDGE_LABELS]);
}

/** serviceGraph.edgeFailedRate from the recorded series (no series for an edge that never failed, as raw). */
export function recordedEdgeFailedRate(options: GraphQueryOptions): string {
  return edges('failed', options, [...EDGE_LABELS]);
}

/** serviceGraph.edgeLatencyQuantile from the recorded bucket rates, in seconds. */
export function recordedEdgeLatencyQuantile(options: GraphQueryOptions & { quantile: number }): string {
  const q = checkQuantile(options.quantile);
  return `histogram_quantile(${q}, ${edges('serverBucket', options, ['le', ...EDGE_LABELS])})`;
}

/** serviceGraph.nodeLatencyQuantile from the recorded bucket rates: all of a service's incoming edges, by `server`. */
export function recordedNodeLatencyQuantile({
  window,
  service,
  quantile,
}: GraphQueryOptions & { quantile: number }): string {
  const q = checkQuantile(quantile);
  const matchers: LabelMatcher[] = service === undefined ? [] : [{ label: EDGE_LABELS[1], op: '=', value: service }];
  const buckets = sumBy(['le', 'server'], windowed('serverBucket', matchers, window, 'mean'));
  return `histogram_quantile(${q}, ${buckets})`;
}

/** serviceGraph.latencyBucketBounds from the recorded bucket rates: the `le` of the edges in view. */
export function recordedLatencyBucketBounds({ window, service }: GraphQueryOptions): string {
  const series = touching(service, (m: LabelMatcher[]) => windowed('serverBucket', m, window, 'last_over_time'));
  return `group by (le) (${series})`;
}

/** serviceGraph.graphQueries from the recorded edge series: the same five instant queries and refIds. */
export function recordedGraphQueries(options: GraphQueryOptions): GraphQuery[] {
  const instant = { instant: true, range: false } as const;
  return [
    { refId: GRAPH_REFS.requests, expr: recordedEdgeRequestRate(options), ...instant },
    { refId: GRAPH_REFS.failed, expr: recordedEdgeFailedRate(options), ...instant },
    { refId: GRAPH_REFS.edgeP95, expr: recordedEdgeLatencyQuantile({ ...options, quantile: 0.95 }), ...instant },
    { refId: GRAPH_REFS.nodeP95, expr: recordedNodeLatencyQuantile({ ...options, quantile: 0.95 }), ...instant },
    { refId: GRAPH_REFS.latencyBuckets, expr: recordedLatencyBucketBounds(options), ...instant },
  ];
}

/** The graph's queries: from the recorded edge series when Pivot's edge rules run, else raw. */
export function graphQueriesFor(options: GraphQueryOptions, recorded: boolean): GraphQuery[] {
  return recorded ? recordedGraphQueries(options) : graphQueries(options);
}
