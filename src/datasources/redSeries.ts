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
 * Every rule reads raw series only (none reads another rule's output), so each can be
 * backfilled on its own with `promtool tsdb create-blocks-from rules`.
 */
import { METRIC_FAMILIES, MetricConventions, MetricFamily } from './conventions';
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

const OP_RATE = `rate${RED_WINDOW}`;
const OP_RATIO = `ratio_rate${RED_WINDOW}`;
const OP_QUANTILE = `p${Math.round(RED_QUANTILE * 100)}_rate${RED_WINDOW}`;

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

function recordName(level: string, metric: string, op: string): string {
  return metricName(`${level}:${metric}:${op}`);
}

/** The names Pivot's RED rules record for a family and service label. */
export function redSeriesNames(conv: MetricConventions): RedSeriesNames {
  const info = METRIC_FAMILIES[conv.family];
  if (!info) {
    throw new Error(`Unknown metric family ${JSON.stringify(conv.family)}`);
  }
  const level = checkLabelName(conv.serviceLabel, 'service label');
  const requests = info.requests.replace(/_total$/, '');
  const histogram = info.latencyBucket.replace(/_bucket$/, '');
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

export interface RecordedOptions {
  /** One service; all services, one series each, when absent. */
  service?: ServiceRef;
  /**
   * The window the statistic is over. RED_WINDOW reads the recorded value as it is; a longer
   * one (`$__range`, `1h`) averages the recorded 5-minute rates that tile it (a subquery at
   * 5-minute steps, aligned to the clock's 5-minute marks). For a window ending between two
   * marks (every relative time range) that is exactly the raw statistic over the same length
   * ending at the last mark, whatever the traffic (windowStatistics.prometheus.test.ts); at a
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

/** The recorded series `name` over `window`, summed by `by` (a recorded series has those labels alone). */
function overWindow(name: string, matchers: LabelMatcher[], window: string, by: string[]): string {
  const series = selector(name, matchers);
  // A subquery at RED_WINDOW steps: the 5-minute rates that tile the window, one sample per
  // series and step however often the rules run (avg_over_time(series[window]) would read every
  // evaluation: 4 a minute at a 15 s interval).
  return sumBy(by, checkWindow(window) === RED_WINDOW ? series : `avg_over_time(${series}[${window}:${RED_WINDOW}])`);
}

/** promql.requestRate from the recorded series. */
export function recordedRequestRate(conv: MetricConventions, { service, services, window }: RecordedOptions): string {
  const names = redSeriesNames(conv);
  return overWindow(names.requests, serviceMatchers(conv, service, services), window, [conv.serviceLabel]);
}

/** promql.errorRatio from the recorded series (0 for a service that never failed, NaN without requests). */
export function recordedErrorRatio(conv: MetricConventions, { service, window }: RecordedOptions): string {
  const names = redSeriesNames(conv);
  const m = serviceMatchers(conv, service);
  const by = [conv.serviceLabel];
  const requests = overWindow(names.requests, m, window, by);
  return `(${overWindow(names.failed, m, window, by)} or ${requests} * 0) / ${requests}`;
}

/** promql.latencyQuantile from the recorded buckets, in seconds. */
export function recordedLatencyQuantile(
  conv: MetricConventions,
  { service, window, quantile }: RecordedOptions & { quantile: number }
): string {
  if (typeof quantile !== 'number' || !Number.isFinite(quantile) || quantile < 0 || quantile > 1) {
    throw new Error(`Invalid quantile ${String(quantile)}: use a number from 0 to 1, e.g. 0.95`);
  }
  const names = redSeriesNames(conv);
  const buckets = overWindow(names.latencyBucket, serviceMatchers(conv, service), window, ['le', conv.serviceLabel]);
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
 * request rate now. Sent with the metric-family probe, in the same request.
 */
export function recordedProbeQueries(
  families: MetricFamily[],
  serviceLabel: string
): Array<{ refId: string; expr: string }> {
  return families.map((family) => ({
    refId: recordedProbeRefId(family),
    expr: `count(${redSeriesNames({ family, serviceLabel: serviceLabel || METRIC_FAMILIES[family].defaultServiceLabel }).requests})`,
  }));
}
