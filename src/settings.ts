import {
  DEFAULT_LOG_CONVENTIONS,
  isMetricFamily,
  isTraceIdLocation,
  LogConventions,
  METRIC_FAMILIES,
  MetricConventions,
  MetricFamily,
} from './datasources/conventions';
import { SloDefinition, validateSlo } from './slo/definition';

export type Pillar = 'prometheus' | 'loki' | 'tempo';
export const PILLARS: Pillar[] = ['prometheus', 'loki', 'tempo'];

/** The data source uids the shipped provisioning files create; settings default to them. */
export const PROVISIONED_UIDS: Record<Pillar, string> = {
  prometheus: 'pivot-prometheus',
  loki: 'pivot-loki',
  tempo: 'pivot-tempo',
};

/**
 * The app's `jsonData`. Everything here is readable by every viewer of the org, so nothing
 * secret belongs in it (Pivot needs no secret: it queries through Grafana's data sources).
 */
export interface PivotJsonData {
  datasources?: Partial<Record<Pillar, string>>;
  metrics?: {
    /** `auto` detects the family from the data at page load. */
    family?: MetricFamily | 'auto';
    /** Empty means the family's default label. */
    serviceLabel?: string;
  };
  logs?: Partial<LogConventions>;
  /** SLO definitions, edited by admins on the SLO pages. */
  slos?: SloDefinition[];
}

/** Settings with every default filled in. */
export interface PivotSettings {
  datasources: Partial<Record<Pillar, string>>;
  metrics: { family: MetricFamily | 'auto'; serviceLabel: string };
  logs: LogConventions;
  /** The valid definitions of `jsonData.slos` (an invalid one is left out, not fatal). */
  slos: SloDefinition[];
}

export function normalizeSettings(jsonData: PivotJsonData | undefined | null): PivotSettings {
  const data = jsonData ?? {};
  const family = data.metrics?.family;
  const traceId = data.logs?.traceId;
  return {
    datasources: { ...(data.datasources ?? {}) },
    metrics: {
      family: isMetricFamily(family) ? family : 'auto',
      serviceLabel: (data.metrics?.serviceLabel ?? '').trim(),
    },
    logs: {
      serviceLabel: (data.logs?.serviceLabel ?? '').trim() || DEFAULT_LOG_CONVENTIONS.serviceLabel,
      traceId: isTraceIdLocation(traceId) ? traceId : DEFAULT_LOG_CONVENTIONS.traceId,
    },
    slos: (Array.isArray(data.slos) ? data.slos : []).flatMap((raw) => {
      const slo = validateSlo(raw);
      return slo.ok ? [slo.value] : [];
    }),
  };
}

/** The metric conventions to query with, once the family is known (configured or detected). */
export function metricConventionsFor(settings: PivotSettings, family: MetricFamily): MetricConventions {
  return { family, serviceLabel: settings.metrics.serviceLabel || METRIC_FAMILIES[family].defaultServiceLabel };
}
