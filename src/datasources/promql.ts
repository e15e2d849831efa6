/**
 * PromQL builders. Every PromQL string Pivot sends is made here or from the low-level
 * builders below (`selector`, `rate`, `sumBy`, `checkWindow`), which validate what they write
 * unquoted (metric and label names, windows) and quote every value with `promqlString`.
 */
import { FixedMatcher, METRIC_FAMILIES, MetricConventions, MetricFamilyInfo } from './conventions';
import { checkLabelName, promqlString, regexAnyOf } from './strings';

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface ValueMatcher {
  label: string;
  op: MatchOp;
  /** Raw value (for `=~`/`!~` an RE2 pattern); quoted by the builder, so Grafana never rewrites it. */
  value: string;
}

/**
 * A matcher on a Grafana variable, for dashboards: `label="$name"`, which Grafana fills in
 * before sending. The only way to put a `$` in a literal that Grafana reads: a value's `$` is
 * always escaped (strings.ts).
 */
export interface VariableMatcher {
  label: string;
  op: MatchOp;
  /** The variable's name, without `$`. */
  variable: string;
  /**
   * `regex`: `` label=~`${name:regex}` ``, for a variable whose values are arbitrary text (a
   * service name). Grafana's `regex` format escapes every RE2 metacharacter, and a raw string
   * keeps the result as it is, quotes and backslashes included; `"$name"` would break on a
   * `"` or `\`. A backtick in the value still ends the string (a query error, never another
   * series). Only with `=~` and `!~`.
   */
  format?: 'regex';
}

/** A service: its name, or the dashboard variable that holds it (written as a `regex`-format VariableMatcher). */
export type ServiceRef = string | { variable: string };

export type LabelMatcher = ValueMatcher | VariableMatcher;

const MATCH_OPS: readonly MatchOp[] = ['=', '!=', '=~', '!~'];
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
// One or more PromQL duration parts, e.g. 5m, 1h30m, 250ms.
const DURATION = /^(?:[0-9]+(?:ms|[smhdwy]))+$/;
// A Grafana template variable, e.g. $__rate_interval or ${__range}; Grafana interpolates it.
const GRAFANA_VARIABLE = /^\$(?:[a-zA-Z_][a-zA-Z0-9_]*|\{[a-zA-Z_][a-zA-Z0-9_]*\})$/;
const VARIABLE_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A range window, written unquoted inside `[...]`: a PromQL duration (`5m`, `1h30m`) or a
 * Grafana variable (`$__rate_interval`, `$__interval`, `$__range`, `${name}`).
 */
export function checkWindow(value: string): string {
  if (typeof value !== 'string' || !(DURATION.test(value) || GRAFANA_VARIABLE.test(value))) {
    throw new Error(
      `Invalid PromQL window ${JSON.stringify(value)}: use a duration such as 5m or 1h30m, or a Grafana variable such as $__rate_interval`
    );
  }
  return value;
}

export function metricName(name: string): string {
  if (typeof name !== 'string' || !METRIC_NAME.test(name)) {
    throw new Error(
      `Invalid metric name ${JSON.stringify(name)}: use letters, digits, _ and : (not starting with a digit)`
    );
  }
  return name;
}

export function matcher(m: LabelMatcher): string {
  if (!MATCH_OPS.includes(m.op)) {
    throw new Error(`Invalid label matcher operator ${JSON.stringify(m.op)}`);
  }
  return `${checkLabelName(m.label)}${m.op}${'variable' in m ? variableLiteral(m) : promqlString(m.value)}`;
}

function variableLiteral({ variable: name, op, format }: VariableMatcher): string {
  if (typeof name !== 'string' || !VARIABLE_NAME.test(name)) {
    throw new Error(`Invalid Grafana variable name ${JSON.stringify(name)}: use letters, digits and _`);
  }
  if (format === undefined) {
    return `"$${name}"`;
  }
  if (format !== 'regex' || (op !== '=~' && op !== '!~')) {
    throw new Error(`Variable format ${JSON.stringify(format)} needs =~ or !~ and is one of: regex`);
  }
  return `\`\${${name}:regex}\``;
}

/** `metric{a="x", b=~"y"}`; `metric` alone when there are no matchers. */
export function selector(metric: string, matchers: LabelMatcher[] = []): string {
  const name = metricName(metric);
  return matchers.length === 0 ? name : `${name}{${matchers.map(matcher).join(', ')}}`;
}

export function rate(vectorSelector: string, range: string): string {
  return `rate(${vectorSelector}[${checkWindow(range)}])`;
}

/** `sum by (a, b) (expr)`; `sum (expr)` without labels. */
export function sumBy(labels: string[], expr: string): string {
  const by = labels.map((l) => checkLabelName(l)).join(', ');
  return labels.length === 0 ? `sum (${expr})` : `sum by (${by}) (${expr})`;
}

function fixed(m: FixedMatcher): LabelMatcher {
  return { label: m.label, op: m.op, value: m.value };
}

export type FamilySeries = 'requests' | 'errors' | 'latencyBucket';

export interface FamilySelectorOptions {
  service?: ServiceRef;
  /**
   * These services only (at least one), e.g. the rows a table shows: a `=~` matcher of their
   * names, each escaped as a regex literal (regexAnyOf; Prometheus anchors the pattern, so no
   * other name matches). Not with `service`.
   */
  services?: string[];
  /** More matchers, e.g. an endpoint or a route. */
  matchers?: LabelMatcher[];
  /**
   * Consumer spans (messages processed) in place of the server spans: the family's
   * `consumerMatchers`; an error for a family without span kinds.
   */
  consumer?: boolean;
}

/**
 * The selector of one of a family's series: requests, failed requests, or latency buckets,
 * restricted to what a service serves (server spans for span metrics), and to one service
 * when `service` is given. SLO and dashboard builders reuse this rather than their own names.
 */
export function familySelector(
  conv: MetricConventions,
  series: FamilySeries,
  options: FamilySelectorOptions = {}
): string {
  const info = familyInfo(conv);
  const matchers: LabelMatcher[] = (options.consumer ? consumerMatchers(info) : info.serverMatchers).map(fixed);
  if (series === 'errors') {
    matchers.push(...info.errorMatchers.map(fixed));
  }
  const { service, services } = options;
  if (services !== undefined) {
    if (service !== undefined) {
      throw new Error('Give one service or a list of services, not both');
    }
    matchers.push({ label: conv.serviceLabel, op: '=~', value: regexAnyOf(services) });
  } else if (typeof service === 'object') {
    matchers.push({ label: conv.serviceLabel, op: '=~', variable: service.variable, format: 'regex' });
  } else if (service !== undefined) {
    matchers.push({ label: conv.serviceLabel, op: '=', value: service });
  }
  matchers.push(...(options.matchers ?? []));
  const metric = series === 'latencyBucket' ? info.latencyBucket : info.requests;
  return selector(metric, matchers);
}

function consumerMatchers(info: MetricFamilyInfo): FixedMatcher[] {
  if (!info.consumerMatchers) {
    throw new Error(`${info.title} has no span kinds: it does not count consumer spans`);
  }
  return info.consumerMatchers;
}

/**
 * What a statistic is summed by: the service label, and for consumer spans the span-kind
 * label too, so each series says it counts messages processed, not requests served.
 */
function statisticLabels(conv: MetricConventions, consumer = false): string[] {
  return consumer
    ? [conv.serviceLabel, ...consumerMatchers(familyInfo(conv)).map((m) => m.label)]
    : [conv.serviceLabel];
}

function familyInfo(conv: MetricConventions): MetricFamilyInfo {
  const info = METRIC_FAMILIES[conv.family];
  if (!info) {
    throw new Error(`Unknown metric family ${JSON.stringify(conv.family)}`);
  }
  checkLabelName(conv.serviceLabel, 'service label');
  return info;
}

export interface StatisticOptions {
  /** One service (or a dashboard variable holding one); all services, one series each, when absent. */
  service?: ServiceRef;
  /** These services only (FamilySelectorOptions.services). */
  services?: string[];
  window: string;
  /** Consumer spans in place of server spans (FamilySelectorOptions.consumer), by span kind too. */
  consumer?: boolean;
}

/** Requests per second served, by service. */
export function requestRate(
  conv: MetricConventions,
  { service, services, window: range, consumer }: StatisticOptions
): string {
  return sumBy(
    statisticLabels(conv, consumer),
    rate(familySelector(conv, 'requests', { service, services, consumer }), range)
  );
}

/**
 * Failed requests / requests, by service. A service that served requests but never failed
 * has no error series at all (span metrics create it at the first error), so the numerator
 * falls back to 0 x its request rate: the ratio is 0 for it rather than missing. With no
 * requests in the window the ratio is NaN (0/0).
 */
export function errorRatio(
  conv: MetricConventions,
  { service, services, window: range, consumer }: StatisticOptions
): string {
  const by = statisticLabels(conv, consumer);
  const requests = sumBy(by, rate(familySelector(conv, 'requests', { service, services, consumer }), range));
  const errors = sumBy(by, rate(familySelector(conv, 'errors', { service, services, consumer }), range));
  return `(${errors} or ${requests} * 0) / ${requests}`;
}

export interface QuantileOptions extends StatisticOptions {
  /** 0 to 1, e.g. 0.95. */
  quantile: number;
}

/** Latency quantile in seconds, by service, whatever unit the family's histogram uses. */
export function latencyQuantile(
  conv: MetricConventions,
  { quantile, service, services, window: range, consumer }: QuantileOptions
): string {
  if (typeof quantile !== 'number' || !Number.isFinite(quantile) || quantile < 0 || quantile > 1) {
    throw new Error(`Invalid quantile ${String(quantile)}: use a number from 0 to 1, e.g. 0.95`);
  }
  const info = familyInfo(conv);
  const buckets = sumBy(
    ['le', ...statisticLabels(conv, consumer)],
    rate(familySelector(conv, 'latencyBucket', { service, services, consumer }), range)
  );
  return toSeconds(`histogram_quantile(${String(quantile)}, ${buckets})`, info.latencyToSeconds);
}

/** Scales `expr` to seconds; dividing by 1000 rather than multiplying by 0.001 keeps ms exact. */
export function toSeconds(expr: string, factor: number): string {
  if (factor === 1) {
    return expr;
  }
  const divisor = Math.round(1 / factor);
  return Math.abs(divisor * factor - 1) < 1e-12 ? `${expr} / ${divisor}` : `${expr} * ${String(factor)}`;
}
