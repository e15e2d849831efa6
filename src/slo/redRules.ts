/**
 * Pivot's RED recording rules (docs/scaling.md#recording-rules), used by `npm run red-rules`:
 * per service, the request rate, the failed-request rate, the error ratio, the latency bucket
 * rates and the p95 latency over RED_WINDOW, for one metric family and service label, and the
 * request rate, error ratio and p95 over RED_LONG_WINDOW (1 hour) in a group of its own that
 * runs once a minute; per service-graph edge, the request and failed rates, the server latency
 * bucket rates and p95 over RED_WINDOW, and the rates and bucket rates over RED_LONG_WINDOW in a
 * group of their own that runs once a minute.
 *
 * Each expression is the raw query the pages send (promql.ts, serviceGraph.ts) at RED_WINDOW,
 * so a recorded series equals the raw answer at the instant the rule ran; the names and the
 * queries reading them are in src/datasources/redSeries.ts. No label value from settings goes
 * into a rule's name or labels: the service label is a label name, checked as one, and the
 * family's matchers are quoted by the builders.
 */
import type { MetricConventions } from '../datasources/conventions';
import { errorRatio, familySelector, rate, requestRate, selector, sumBy } from '../datasources/promql';
import {
  EDGE_LONG_SERIES,
  EDGE_SERIES,
  RED_LONG_WINDOW,
  RED_QUANTILE,
  RED_WINDOW,
  redLongSeriesNames,
  redSeriesNames,
} from '../datasources/redSeries';
import {
  EDGE_LABELS,
  edgeFailedRate,
  edgeLatencyQuantile,
  edgeRequestRate,
  SERVICE_GRAPH_SERVER_SECONDS_BUCKET,
} from '../datasources/serviceGraph';
import { rulesYaml } from './rules';

/** A recording rule of these files: no labels of its own (the kept labels are the level). */
export interface RedRule {
  record: string;
  expr: string;
}

export interface RedRuleGroup {
  name: string;
  /** How often Prometheus evaluates the group; its global evaluation_interval when absent. */
  interval?: string;
  rules: RedRule[];
}

/**
 * How often the 1-hour rules run. A rate over 1 hour reads 12x the samples of one over 5
 * minutes (240 per series at a 15 s scrape) and moves little in a minute; once a minute, the
 * group reads a quarter of what it would at the stack's 15 s (3x the 5-minute rules' samples
 * per second, not 12x), and a page's instant read ends at most 1 minute before the range's end
 * (docs/scaling.md#recording-rules).
 */
export const RED_LONG_INTERVAL = '1m';

export interface RedRuleOptions {
  /** Also record the service-graph edge statistics (on by default). */
  serviceGraph?: boolean;
}

function rule(record: string, expr: string): RedRule {
  return { record, expr };
}

/** The per-service rules of one family and service label. */
export function redRuleGroup(conv: MetricConventions): RedRuleGroup {
  const names = redSeriesNames(conv);
  const opts = { window: RED_WINDOW };
  const by = [conv.serviceLabel];
  return {
    name: `pivot-red-${conv.family}`,
    rules: [
      rule(names.requests, requestRate(conv, opts)),
      rule(names.failed, sumBy(by, rate(familySelector(conv, 'errors'), RED_WINDOW))),
      rule(names.errorRatio, errorRatio(conv, opts)),
      rule(names.latencyBucket, sumBy(['le', ...by], rate(familySelector(conv, 'latencyBucket'), RED_WINDOW))),
      rule(names.latencyQuantile, latencyQuantileNative(conv)),
    ],
  };
}

/**
 * The per-service rules over RED_LONG_WINDOW: the statistics a page over exactly 1 hour shows,
 * each one instant read. The error ratio is one series for every service with request series
 * (0 for one that never failed), so a table can list the services from it alone.
 */
export function redLongRuleGroup(conv: MetricConventions): RedRuleGroup {
  const names = redLongSeriesNames(conv);
  const opts = { window: RED_LONG_WINDOW };
  return {
    name: `pivot-red-${conv.family}-${RED_LONG_WINDOW}`,
    interval: RED_LONG_INTERVAL,
    rules: [
      rule(names.requests, requestRate(conv, opts)),
      rule(names.errorRatio, errorRatio(conv, opts)),
      rule(names.latencyQuantile, latencyQuantileNative(conv, RED_LONG_WINDOW)),
    ],
  };
}

/** The quantile in the histogram's own unit: promql.latencyQuantile before its conversion to seconds. */
function latencyQuantileNative(conv: MetricConventions, window = RED_WINDOW): string {
  const buckets = sumBy(['le', conv.serviceLabel], rate(familySelector(conv, 'latencyBucket'), window));
  return `histogram_quantile(${String(RED_QUANTILE)}, ${buckets})`;
}

/** The service-graph edge rules (Tempo's metrics-generator and the Collector's connector). */
export function edgeRuleGroup(): RedRuleGroup {
  const opts = { window: RED_WINDOW };
  return {
    name: 'pivot-red-service-graph',
    rules: [
      rule(EDGE_SERIES.requests, edgeRequestRate(opts)),
      rule(EDGE_SERIES.failed, edgeFailedRate(opts)),
      rule(
        EDGE_SERIES.serverBucket,
        sumBy(['le', ...EDGE_LABELS], rate(selector(SERVICE_GRAPH_SERVER_SECONDS_BUCKET), RED_WINDOW))
      ),
      rule(EDGE_SERIES.serverQuantile, edgeLatencyQuantile({ ...opts, quantile: RED_QUANTILE })),
    ],
  };
}

/**
 * The service-graph edge rules over RED_LONG_WINDOW, in a group of their own run every
 * RED_LONG_INTERVAL (as the per-service 1-hour group): the request and failed rates and the
 * server bucket rates, what the graph reads over a range of exactly 1 hour (recordedEdges.ts);
 * its quantiles come from these bucket rates, never from averaged quantiles.
 */
export function edgeLongRuleGroup(): RedRuleGroup {
  const opts = { window: RED_LONG_WINDOW };
  return {
    name: `pivot-red-service-graph-${RED_LONG_WINDOW}`,
    interval: RED_LONG_INTERVAL,
    rules: [
      rule(EDGE_LONG_SERIES.requests, edgeRequestRate(opts)),
      rule(EDGE_LONG_SERIES.failed, edgeFailedRate(opts)),
      rule(
        EDGE_LONG_SERIES.serverBucket,
        sumBy(['le', ...EDGE_LABELS], rate(selector(SERVICE_GRAPH_SERVER_SECONDS_BUCKET), RED_LONG_WINDOW))
      ),
    ],
  };
}

export function generateRedRules(conv: MetricConventions, options: RedRuleOptions = {}): { groups: RedRuleGroup[] } {
  return {
    groups: [
      redRuleGroup(conv),
      redLongRuleGroup(conv),
      ...(options.serviceGraph === false ? [] : [edgeRuleGroup(), edgeLongRuleGroup()]),
    ],
  };
}

const HEADER = [
  '# Prometheus recording rules generated by Pivot: RED statistics per service and per service-graph edge',
  '# (docs/scaling.md#recording-rules). Do not edit by hand: regenerate with',
  '# `npm run --silent red-rules -- <provisioning or settings file>`.',
  '',
].join('\n');

export function redRulesYaml(conv: MetricConventions, options: RedRuleOptions = {}): string {
  return rulesYaml(generateRedRules(conv, options), HEADER);
}
