/**
 * SLO PromQL: the SLI error ratio of a definition over a window, the probe for a histogram's
 * bucket boundaries, and the queries that read the generated recording rules. The names of
 * the recorded series live here (one scheme, docs/slos.md) so rules, pages and dashboards agree.
 */
import { decimal, div, goFloat, toNumber } from '../slo/numbers';
import { METRIC_FAMILIES, MetricConventions } from './conventions';
import { checkWindow, errorRatio, familySelector, LabelMatcher, rate, selector, sumBy } from './promql';
import { regexAnyOf } from './strings';

/** Every series the generated rules record, `pivot_slo:<what>:<how>`. */
export const SLO_SERIES = {
  /** SLI error ratio (bad / all requests) over `window`, e.g. pivot_slo:sli_error:ratio_rate5m. */
  sliError: (window: string) => `pivot_slo:sli_error:ratio_rate${checkWindow(window)}`,
  /** Fraction of the period's error budget left (1 untouched, 0 spent, below 0 overspent). */
  budgetRemaining: 'pivot_slo:error_budget:remaining',
  /** The error budget as a ratio of requests, e.g. 0.001 for 99.9%. */
  errorBudget: 'pivot_slo:error_budget:ratio',
  /** The objective as a ratio, e.g. 0.999. */
  objective: 'pivot_slo:objective:ratio',
} as const;

/** The name of every burn-rate alert; `severity`, `slo`, `long_window` and `short_window` tell them apart. */
export const SLO_ALERT_NAME = 'PivotSLOBurnRate';

export type SloSli = { type: 'availability' } | { type: 'latency'; thresholdSeconds: number };

/** A number as PromQL reads it. */
export function promqlNumber(value: number): string {
  if (!Number.isFinite(value)) {
    throw new Error(`Not a finite number: ${String(value)}`);
  }
  return String(value);
}

/** The threshold in the histogram's own unit (0.5 s → 500 for a millisecond family), divided exactly. */
export function thresholdInFamilyUnit(conv: MetricConventions, thresholdSeconds: number): number {
  return toNumber(div(decimal(thresholdSeconds), decimal(METRIC_FAMILIES[conv.family].latencyToSeconds)));
}

/**
 * The ways an `le` value is written for `bound` (docs/slos.md, Latency thresholds): Prometheus
 * clients write Go's `FormatFloat(bound, 'g', -1, 64)` (`0.5`, `1e-06`, `1e+06`); Prometheus 3
 * adds `.0` to that when it has neither `.` nor `e` (`1.0`); the OpenTelemetry translators
 * (OTLP ingestion, remote write) write `'f'` (`0.000001`, `1000000`). Matching all keeps the
 * rules portable.
 */
export function leSpellings(bound: number): string[] {
  if (!Number.isFinite(bound)) {
    throw new Error(`A histogram bound is a finite number, got ${String(bound)}`);
  }
  const go = goFloat(bound, 'g');
  const spellings = [go, /[.e]/.test(go) ? undefined : `${go}.0`, goFloat(bound, 'f')];
  return [...new Set(spellings.filter((s): s is string => s !== undefined))];
}

function leMatcher(bound: number): LabelMatcher {
  return { label: 'le', op: '=~', value: regexAnyOf(leSpellings(bound)) };
}

const ALL_REQUESTS: LabelMatcher = { label: 'le', op: '=', value: '+Inf' };

/**
 * The SLI error ratio of one service over `window`: failed / all requests (availability), or
 * requests slower than the threshold / all requests (latency, from the histogram's buckets:
 * everything above the threshold's bucket is slow).
 */
export function sliErrorRatio(conv: MetricConventions, sli: SloSli, service: string, window: string): string {
  if (sli.type === 'availability') {
    return errorRatio(conv, { service, window });
  }
  const by = [conv.serviceLabel];
  const bucket = (m: LabelMatcher) =>
    sumBy(by, rate(familySelector(conv, 'latencyBucket', { service, matchers: [m] }), window));
  const all = bucket(ALL_REQUESTS);
  const fast = bucket(leMatcher(thresholdInFamilyUnit(conv, sli.thresholdSeconds)));
  return `(${all} - ${fast}) / ${all}`;
}

/** Budget remaining straight from the metrics, without the rules: 1 - SLI error ratio / budget. */
export function budgetRemainingDirect(
  conv: MetricConventions,
  sli: SloSli,
  service: string,
  period: string,
  budget: number
): string {
  return `1 - (${sliErrorRatio(conv, sli, service, period)}) / ${promqlNumber(budget)}`;
}

/**
 * The bucket boundaries (`le` values) a service's latency histogram had over `window` (the
 * SLO's period, say): over a window rather than now, so a quiet service still answers.
 */
export function latencyBoundaries(conv: MetricConventions, service: string, window = '1d'): string {
  return `group by (le) (last_over_time(${familySelector(conv, 'latencyBucket', { service })}[${checkWindow(window)}]))`;
}

export type ThresholdCheck = { ok: true } | { ok: false; message: string };

/**
 * Whether `thresholdSeconds` is one of the histogram's boundaries (`le` values as the probe
 * returned them, in the family's unit). A threshold between boundaries cannot be counted
 * exactly from a histogram, so it is refused with the boundaries that would work.
 */
export function checkLatencyThreshold(
  conv: MetricConventions,
  thresholdSeconds: number,
  leValues: string[]
): ThresholdCheck {
  const toSeconds = METRIC_FAMILIES[conv.family].latencyToSeconds;
  const bounds = leValues
    .map(Number)
    .filter((b) => Number.isFinite(b))
    .sort((a, b) => a - b);
  if (bounds.length === 0) {
    return {
      ok: false,
      message: `No latency histogram found (${METRIC_FAMILIES[conv.family].latencyBucket}) for this service: a latency SLI needs one.`,
    };
  }
  const wanted = thresholdInFamilyUnit(conv, thresholdSeconds);
  if (bounds.some((b) => Math.abs(b - wanted) <= 1e-9 * Math.max(1, Math.abs(wanted)))) {
    return { ok: true };
  }
  const inSeconds = bounds.map((b) => String(Number((b * toSeconds).toPrecision(12))));
  return {
    ok: false,
    message: `The threshold ${thresholdSeconds}s is not a bucket boundary of the latency histogram, so slow requests cannot be counted exactly. Use one of: ${inSeconds.join(', ')} (seconds).`,
  };
}

/** `{slo="name"}`: one SLO. */
export function sloMatcher(slo: string): LabelMatcher {
  return { label: 'slo', op: '=', value: slo };
}

/** `{slo="$slo"}`, or `{slo=~"$slo"}` for a multi-value variable: the SLOs a dashboard's variable selects. */
export function sloVariableMatcher(variable = 'slo', asRegex = false): LabelMatcher {
  return { label: 'slo', op: asRegex ? '=~' : '=', variable };
}

/** A recorded series of one SLO (or of every SLO without `matchers`). */
export function recorded(series: string, matchers: LabelMatcher[] = []): string {
  return selector(series, matchers);
}

/** A constant the rules record per SLO, e.g. the error budget. */
export function constant(value: number): string {
  return `vector(${promqlNumber(value)})`;
}

/** Budget remaining from the recorded period error ratio: 1 - ratio / budget. */
export function budgetRemainingFromRecorded(slo: string, period: string, budget: number): string {
  return `1 - (${recorded(SLO_SERIES.sliError(period), [sloMatcher(slo)])} / ${promqlNumber(budget)})`;
}

/** The alert condition of one window pair: both recorded error ratios above `threshold`. */
export function burnAlertCondition(slo: string, longWindow: string, shortWindow: string, threshold: number): string {
  const t = promqlNumber(threshold);
  const long = recorded(SLO_SERIES.sliError(longWindow), [sloMatcher(slo)]);
  const short = recorded(SLO_SERIES.sliError(shortWindow), [sloMatcher(slo)]);
  return `(${long} > ${t}) and (${short} > ${t})`;
}

/** Burn rate from the recorded series: the window's error ratio / the SLO's error budget. */
export function recordedBurnRate(window: string, matchers: LabelMatcher[] = []): string {
  return `${recorded(SLO_SERIES.sliError(window), matchers)} / on (slo) group_left () ${recorded(SLO_SERIES.errorBudget, matchers)}`;
}

/** The burn-rate alerts firing now (Prometheus' ALERTS series). */
export function firingBurnAlerts(matchers: LabelMatcher[] = []): string {
  return selector('ALERTS', [
    { label: 'alertname', op: '=', value: SLO_ALERT_NAME },
    { label: 'alertstate', op: '=', value: 'firing' },
    ...matchers,
  ]);
}

/**
 * Every SLO's budget remaining and every firing burn-rate alert, in one instant query for all
 * services (the Services page's SLO column). It reads the generated rules' series, so it
 * answers once the rules are loaded; an alert series is told apart by its `alertstate` label.
 */
export function sloStatusAllServices(): string {
  return `${recorded(SLO_SERIES.budgetRemaining)} or ${firingBurnAlerts()}`;
}
