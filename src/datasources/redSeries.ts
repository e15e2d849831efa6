/**
 * Pivot's RED recording rules (docs/scaling.md#recording-rules): the names of the series they
 * record and the queries that read them. The rules themselves are rendered in
 * src/slo/redRules.ts from the raw builders of promql.ts and serviceGraph.ts, so a recorded
 * series holds exactly what the raw query computes at the same instant.
 *
 * Names follow Prometheus' `level:metric:operations` convention: the level is the labels kept
 * (the service label; `client_server_connection_type` for edges), the metric is the family's
 * series (`_total` dropped, as for a rate), the operations what was applied (`rate5m`,
 * `ratio_rate5m`, `p95_rate5m`). Latency keeps the histogram's own unit (the bucket bounds
 * `le`, and the quantile): the queries below convert to seconds as the raw ones do.
 *
 * Besides RED_WINDOW, the rules record the request rate, the error ratio and the p95 over
 * RED_LONG_WINDOW (1 hour, the pages' default time range), so a page over exactly that range
 * reads each statistic as one instant sample per service (recordedWindowFor).
 *
 * Every rule reads raw series only (none reads another rule's output), so each can be
 * backfilled on its own with `promtool tsdb create-blocks-from rules`.
 */
import { METRIC_FAMILIES, MetricConventions, MetricFamily, MetricFamilyInfo } from './conventions';
import { checkWindow, LabelMatcher, metricName, selector, ServiceRef, sumBy, toSeconds } from './promql';
import {
  EDGE_LABELS,
  SERVICE_GRAPH_FAILED,
  SERVICE_GRAPH_REQUESTS,
  SERVICE_GRAPH_SERVER_SECONDS_BUCKET,
} from './serviceGraph';
import { checkLabelName, regexAnyOf } from './strings';

/** The rate window every rule records: the shortest window the pages and SLOs read. */
export const RED_WINDOW = '5m';
/** The latency quantile recorded besides the buckets: the one the pages show. */
export const RED_QUANTILE = 0.95;
/**
 * The long window the rules also record (request rate, error ratio, p95; no buckets): the
 * pages' default time range (DEFAULT_RANGE in src/scenes/pageControls.ts).
 */
export const RED_LONG_WINDOW = '1h';

const RED_WINDOW_SECONDS = 300;
const RED_LONG_WINDOW_SECONDS = 3600;

const OP_RATE = `rate${RED_WINDOW}`;
const OP_RATIO = `ratio_rate${RED_WINDOW}`;
const OP_QUANTILE = `p${Math.round(RED_QUANTILE * 100)}_rate${RED_WINDOW}`;
const OP_RATE_LONG = `rate${RED_LONG_WINDOW}`;
const OP_RATIO_LONG = `ratio_rate${RED_LONG_WINDOW}`;
const OP_QUANTILE_LONG = `p${Math.round(RED_QUANTILE * 100)}_rate${RED_LONG_WINDOW}`;

/**
 * The recorded window that holds the statistic over a page's whole time range of
 * `rangeSeconds` (Grafana's `$__range_s`): RED_LONG_WINDOW (`'1h'`) for exactly 3600 s,
 * RED_WINDOW (`'5m'`) for exactly 300 s; undefined for any other range (or a value that is not
 * a finite number), when the caller keeps `$__range` and the queries average the recorded
 * 5-minute rates (a subquery).
 *
 * Why an instant read at the range's end is the statistic over the range: a rule over window
 * W writes, at each evaluation, the raw statistic over the W ending at that evaluation
 * (rate(x[W]), the ratio of two such rates, the quantile of such bucket rates). An instant
 * query at the range's end returns the sample the last evaluation wrote, at most one
 * evaluation interval before the end (1 minute for the 1-hour group, the stack's 15 s for
 * the 5-minute one), so it is the statistic over a window of exactly the range's length that
 * ends at most one interval early. The subquery form over 5-minute rates ends at the last
 * 5-minute clock mark instead: it lags the range's end by up to 5 minutes
 * (docs/scaling.md#over-exactly-1-hour).
 */
export function recordedWindowFor(rangeSeconds: number): string | undefined {
  if (rangeSeconds === RED_LONG_WINDOW_SECONDS) {
    return RED_LONG_WINDOW;
  }
  if (rangeSeconds === RED_WINDOW_SECONDS) {
    return RED_WINDOW;
  }
  return undefined;
}

export interface RedSeriesNames {
  /** Requests per second, by service. */
  requests: string;
  /** Failed requests per second, by service (absent for a service that never failed). */
  failed: string;
  /** Failed / all requests, by service (0 for a service that never failed). */
  errorRatio: string;
  /** Latency bucket rates, by service and `le` (the histogram's unit). */
  latencyBucket: string;
  /** The RED_QUANTILE latency, by service, in the histogram's unit. */
  latencyQuantile: string;
}

/** The series recorded over RED_LONG_WINDOW, by service. */
export interface RedLongSeriesNames {
  /** Requests per second over the hour. */
  requests: string;
  /**
   * Failed / all requests over the hour: one series for every service with request series
   * (0 for a service that never failed, NaN for one with no requests in the hour).
   */
  errorRatio: string;
  /** The RED_QUANTILE latency over the hour, in the histogram's unit. */
  latencyQuantile: string;
}

function recordName(level: string, metric: string, op: string): string {
  return metricName(`${level}:${metric}:${op}`);
}

function familyParts(conv: MetricConventions): {
  level: string;
  requests: string;
  histogram: string;
  info: MetricFamilyInfo;
} {
  const info = METRIC_FAMILIES[conv.family];
  if (!info) {
    throw new Error(`Unknown metric family ${JSON.stringify(conv.family)}`);
  }
  const level = checkLabelName(conv.serviceLabel, 'service label');
  return {
    level,
    info,
    requests: info.requests.replace(/_total$/, ''),
    histogram: info.latencyBucket.replace(/_bucket$/, ''),
  };
}

/** The names Pivot's RED rules record over RED_LONG_WINDOW for a family and service label. */
export function redLongSeriesNames(conv: MetricConventions): RedLongSeriesNames {
  const { level, requests, histogram } = familyParts(conv);
  return {
    requests: recordName(level, requests, OP_RATE_LONG),
    errorRatio: recordName(level, `${requests}_failed`, OP_RATIO_LONG),
    latencyQuantile: recordName(level, histogram, OP_QUANTILE_LONG),
  };
}

/** The names Pivot's RED rules record for a family and service label. */
export function redSeriesNames(conv: MetricConventions): RedSeriesNames {
  const { level, info, requests, histogram } = familyParts(conv);
  return {
    requests: recordName(level, requests, OP_RATE),
    failed: recordName(level, `${requests}_failed`, OP_RATE),
    errorRatio: recordName(level, `${requests}_failed`, OP_RATIO),
    latencyBucket: recordName(level, info.latencyBucket, OP_RATE),
    latencyQuantile: recordName(level, histogram, OP_QUANTILE),
  };
}

const EDGE_LEVEL = EDGE_LABELS.join('_');

/** The names of the service-graph edge rules (same metrics for Tempo and the Collector). */
export const EDGE_SERIES = {
  requests: recordName(EDGE_LEVEL, SERVICE_GRAPH_REQUESTS.replace(/_total$/, ''), OP_RATE),
  failed: recordName(EDGE_LEVEL, SERVICE_GRAPH_FAILED.replace(/_total$/, ''), OP_RATE),
  serverBucket: recordName(EDGE_LEVEL, SERVICE_GRAPH_SERVER_SECONDS_BUCKET, OP_RATE),
  serverQuantile: recordName(EDGE_LEVEL, SERVICE_GRAPH_SERVER_SECONDS_BUCKET.replace(/_bucket$/, ''), OP_QUANTILE),
} as const;

/**
 * The service-graph edge series recorded over RED_LONG_WINDOW (a group of their own, run once a
 * minute like the per-service 1-hour group): what the graph's queries read over a range of
 * exactly 1 hour as instant reads (recordedEdges.ts). No quantile: the graph computes its
 * quantiles from the bucket rates (by edge, and by `server` for a node).
 */
export const EDGE_LONG_SERIES = {
  requests: recordName(EDGE_LEVEL, SERVICE_GRAPH_REQUESTS.replace(/_total$/, ''), OP_RATE_LONG),
  failed: recordName(EDGE_LEVEL, SERVICE_GRAPH_FAILED.replace(/_total$/, ''), OP_RATE_LONG),
  serverBucket: recordName(EDGE_LEVEL, SERVICE_GRAPH_SERVER_SECONDS_BUCKET, OP_RATE_LONG),
} as const;

export interface RecordedOptions {
  /** One service; all services, one series each, when absent. */
  service?: ServiceRef;
  /**
   * The window the statistic is over. RED_WINDOW and RED_LONG_WINDOW read the recorded value
   * as it is (an instant read: recordedWindowFor says why that is the statistic over a page's
   * range of that length); any other (`$__range`, `30m`) takes the mean of the recorded
   * 5-minute rates that tile it (meanOverWindow: a subquery at 5-minute steps, aligned to the
   * clock's 5-minute marks; a series absent at a mark counts 0). For a window ending between two
   * marks (every relative time range) that is exactly the raw statistic over the same length
   * ending at the last mark, whatever the traffic of series present all along
   * (windowStatistics.prometheus.test.ts; a series that begins in the window, within a few
   * percent); at a
   * mark, Prometheus 2.x's left-closed ranges take one more 5-minute rate (docs/scaling.md).
   */
  window: string;
  /**
   * These services only (at least one), e.g. the rows a table shows: a `=~` matcher of their
   * names, each escaped as a regex literal. Not with `service`.
   */
  services?: string[];
}

function serviceMatchers(
  conv: MetricConventions,
  service: ServiceRef | undefined,
  services?: string[]
): LabelMatcher[] {
  if (services !== undefined) {
    if (service !== undefined) {
      throw new Error('Recorded series: give one service or a list of services, not both');
    }
    return [{ label: conv.serviceLabel, op: '=~', value: regexAnyOf(services) }];
  }
  if (typeof service === 'object') {
    return [{ label: conv.serviceLabel, op: '=~', variable: service.variable, format: 'regex' }];
  }
  return service === undefined ? [] : [{ label: conv.serviceLabel, op: '=', value: service }];
}

/** The long-window series `name` as it is, summed by the service label (its only label). */
function longWindow(name: string, matchers: LabelMatcher[], conv: MetricConventions): string {
  return sumBy([conv.serviceLabel], selector(name, matchers));
}

/**
 * The mean over `window` of recorded 5-minute rates: the rates at the 5-minute marks that tile
 * the window (a subquery at RED_WINDOW steps: one sample per series and mark however often the
 * rules run; avg_over_time(series[window]) would read every evaluation), summed and divided by
 * the number of marks in the window, not by the marks where the series exists. A series that
 * exists for part of the window (failures that began 5 minutes ago, a new edge) is 0 at the
 * others, as the raw rate over the window counts it: `avg_over_time` of the subquery would
 * stretch the last 5 minutes over the whole window (a 10x error ratio for a new failure in an
 * hour).
 */
export function meanOverWindow(series: string, window: string): string {
  const w = checkWindow(window);
  return `(sum_over_time(${series}[${w}:${RED_WINDOW}]) / scalar(count_over_time(vector(1)[${w}:${RED_WINDOW}])))`;
}

/** The recorded series `name` over `window`, summed by `by` (a recorded series has those labels alone). */
function overWindow(name: string, matchers: LabelMatcher[], window: string, by: string[]): string {
  const series = selector(name, matchers);
  return sumBy(by, checkWindow(window) === RED_WINDOW ? series : meanOverWindow(series, window));
}

/** promql.requestRate from the recorded series. */
export function recordedRequestRate(conv: MetricConventions, { service, services, window }: RecordedOptions): string {
  const names = redSeriesNames(conv);
  const m = serviceMatchers(conv, service, services);
  if (window === RED_LONG_WINDOW) {
    return longWindow(redLongSeriesNames(conv).requests, m, conv);
  }
  return overWindow(names.requests, m, window, [conv.serviceLabel]);
}

/**
 * promql.errorRatio from the recorded series (0 for a service that never failed, NaN without
 * requests). Over RED_LONG_WINDOW, the recorded hourly ratio: one series for every service
 * with request series, so a table can list the services from it alone.
 */
export function recordedErrorRatio(conv: MetricConventions, { service, services, window }: RecordedOptions): string {
  const names = redSeriesNames(conv);
  const m = serviceMatchers(conv, service, services);
  if (window === RED_LONG_WINDOW) {
    return longWindow(redLongSeriesNames(conv).errorRatio, m, conv);
  }
  const by = [conv.serviceLabel];
  const requests = overWindow(names.requests, m, window, by);
  return `(${overWindow(names.failed, m, window, by)} or ${requests} * 0) / ${requests}`;
}

/**
 * promql.latencyQuantile from the recorded series, in seconds: over RED_LONG_WINDOW with
 * quantile RED_QUANTILE, the recorded hourly quantile; otherwise from the recorded 5-minute
 * bucket rates (the hour's buckets are not recorded, so another quantile over 1h is the
 * subquery form).
 */
export function recordedLatencyQuantile(
  conv: MetricConventions,
  { service, services, window, quantile }: RecordedOptions & { quantile: number }
): string {
  if (typeof quantile !== 'number' || !Number.isFinite(quantile) || quantile < 0 || quantile > 1) {
    throw new Error(`Invalid quantile ${String(quantile)}: use a number from 0 to 1, e.g. 0.95`);
  }
  const names = redSeriesNames(conv);
  const m = serviceMatchers(conv, service, services);
  if (window === RED_LONG_WINDOW && quantile === RED_QUANTILE) {
    return toSeconds(
      longWindow(redLongSeriesNames(conv).latencyQuantile, m, conv),
      METRIC_FAMILIES[conv.family].latencyToSeconds
    );
  }
  const buckets = overWindow(names.latencyBucket, m, window, ['le', conv.serviceLabel]);
  return toSeconds(
    `histogram_quantile(${String(quantile)}, ${buckets})`,
    METRIC_FAMILIES[conv.family].latencyToSeconds
  );
}

/** The refId of a family's recorded-series probe query. */
export function recordedProbeRefId(family: MetricFamily): string {
  return `${family}:recorded`;
}

/**
 * The queries that tell whether Pivot's RED rules run for each of `families`, with the service
 * label of the settings (empty: the family's default): how many services have the recorded
 * 5-minute request rate now, and nothing unless the 1-hour one exists too (rules generated
 * before the 1-hour group, or in the minute before its first evaluation, would leave a page
 * over 1 hour empty: the pages then send the raw queries). Sent with the metric-family probe,
 * in the same request.
 */
export function recordedProbeQueries(
  families: MetricFamily[],
  serviceLabel: string
): Array<{ refId: string; expr: string }> {
  return families.map((family) => {
    const conv = { family, serviceLabel: serviceLabel || METRIC_FAMILIES[family].defaultServiceLabel };
    return {
      refId: recordedProbeRefId(family),
      expr: `count(${redSeriesNames(conv).requests}) and on () count(${redLongSeriesNames(conv).requests})`,
    };
  });
}
