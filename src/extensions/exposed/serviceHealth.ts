/**
 * The service-health component's logic, pure: its Prometheus queries (from the builders of
 * src/datasources), the figures read from Grafana's frames, and the SLO status of the service.
 */
import { DataFrame, FieldType } from '@grafana/data';
import { t } from '@grafana/i18n';
import { METRIC_FAMILIES, METRIC_FAMILY_LIST, MetricFamily, promql } from '../../datasources';
import { burnRate } from '../../analysis/slo';
import { sliErrorRatio } from '../../datasources/sloQueries';
import { metricConventionsFor, PivotSettings } from '../../settings';
import { SloDefinition, validateSlo } from '../../slo/definition';
import { textValues } from '../../utils/i18nValues';
import type { EpochRange } from './runtime';

export interface HealthQuery {
  refId: string;
  expr: string;
}

export interface HealthFigures {
  family: MetricFamily;
  /** Requests per second over the window. */
  requestRate?: number;
  /** Failed / all requests, 0 to 1. */
  errorRatio?: number;
  p95Seconds?: number;
}

/** The rate window: the whole range, at least a minute, in seconds (a PromQL duration). */
export function windowOf(range: EpochRange): string {
  return `${Math.max(60, Math.round((range.toMs - range.fromMs) / 1000))}s`;
}

const STATS = ['rate', 'errors', 'p95'] as const;

function refId(family: MetricFamily, stat: (typeof STATS)[number]): string {
  return `${stat}:${family}`;
}

/** The configured family, or with `auto` every family (one request; the one with data wins). */
export function candidateFamilies(settings: PivotSettings): MetricFamily[] {
  return settings.metrics.family === 'auto' ? METRIC_FAMILY_LIST : [settings.metrics.family];
}

/** Instant queries of request rate, error ratio and p95 latency of one service, per candidate family. */
export function healthQueries(settings: PivotSettings, service: string, window: string): HealthQuery[] {
  return candidateFamilies(settings).flatMap((family) => {
    const conv = metricConventionsFor(settings, family);
    return [
      { refId: refId(family, 'rate'), expr: promql.requestRate(conv, { service, window }) },
      { refId: refId(family, 'errors'), expr: promql.errorRatio(conv, { service, window }) },
      { refId: refId(family, 'p95'), expr: promql.latencyQuantile(conv, { service, window, quantile: 0.95 }) },
    ];
  });
}

/** The first finite value of the frames of one refId (an instant query's single sample). */
export function valueOf(frames: DataFrame[], ref: string): number | undefined {
  for (const frame of frames) {
    if (frame.refId !== ref) {
      continue;
    }
    const field = frame.fields.find((f) => f.type === FieldType.number);
    const value = field?.values[field.values.length - 1];
    if (typeof value === 'number' && Number.isFinite(value)) {
      return value;
    }
  }
  return undefined;
}

/**
 * The figures of the first candidate family that has a request rate for the service. On auto,
 * a family that shares its request counter with another (the Collector's seconds variant) is
 * that family only when its own latency histogram answers.
 */
export function readFigures(settings: PivotSettings, frames: DataFrame[]): HealthFigures | undefined {
  const auto = settings.metrics.family === 'auto';
  for (const family of candidateFamilies(settings)) {
    const requestRate = valueOf(frames, refId(family, 'rate'));
    const p95Seconds = valueOf(frames, refId(family, 'p95'));
    if (auto && METRIC_FAMILIES[family].sharesRequests && p95Seconds === undefined) {
      continue;
    }
    if (requestRate !== undefined) {
      return { family, requestRate, errorRatio: valueOf(frames, refId(family, 'errors')), p95Seconds };
    }
  }
  return undefined;
}

/**
 * The SLOs of one service in the app settings (`jsonData.slos`, src/slo/definition.ts); a
 * definition that does not validate is skipped here (the SLO pages say what is wrong with it).
 */
export function slosOf(jsonData: unknown, service: string): SloDefinition[] {
  const raw = typeof jsonData === 'object' && jsonData !== null ? (jsonData as { slos?: unknown }).slos : undefined;
  return (Array.isArray(raw) ? raw : []).flatMap((item: unknown, i): SloDefinition[] => {
    const result = validateSlo(item, `slos[${i}]`);
    return result.ok && result.value.service === service ? [result.value] : [];
  });
}

function sloRef(slo: SloDefinition): string {
  return `slo:${slo.name}`;
}

/** Each SLO's SLI error ratio over the window, in the family the figures came from. */
export function sloQueries(
  settings: PivotSettings,
  family: MetricFamily,
  slos: SloDefinition[],
  window: string
): HealthQuery[] {
  const conv = metricConventionsFor(settings, family);
  return slos.map((slo) => ({ refId: sloRef(slo), expr: sliErrorRatio(conv, slo.sli, slo.service, window) }));
}

export type SloState = 'ok' | 'burning' | 'unknown';

export interface SloBurn {
  name: string;
  objective: number;
  state: SloState;
  /** How fast the window's errors spend the budget; 1 spends it exactly over the period. */
  burnRate?: number;
}

/** Each SLO's burn rate over the shown window, from its SLI error ratio; unknown without data. */
export function sloBurns(slos: SloDefinition[], frames: DataFrame[]): SloBurn[] {
  return slos.map((slo) => {
    const ratio = valueOf(frames, sloRef(slo));
    if (ratio === undefined) {
      return { name: slo.name, objective: slo.objective, state: 'unknown' };
    }
    const rate = burnRate(slo.objective, ratio);
    return { name: slo.name, objective: slo.objective, burnRate: rate, state: rate > 1 ? 'burning' : 'ok' };
  });
}

/** The SLO's badge: its burn rate against its objective, or that there is no data. */
export function sloText(slo: SloBurn): string {
  if (slo.state === 'unknown' || slo.burnRate === undefined) {
    return t(
      'pivot.exposed.service-health.slo-no-data',
      '{{objective}}%: no data',
      textValues({ objective: slo.objective })
    );
  }
  const values = textValues({ rate: slo.burnRate.toFixed(1), objective: slo.objective });
  return slo.state === 'ok'
    ? t('pivot.exposed.service-health.slo-within', 'burn {{rate}}x (within {{objective}}%)', values)
    : t('pivot.exposed.service-health.slo-over', 'burn {{rate}}x (over {{objective}}%)', values);
}
