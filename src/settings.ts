import {
  DEFAULT_LOG_CONVENTIONS,
  isMetricFamily,
  isTraceIdLocation,
  LogConventions,
  METRIC_FAMILIES,
  MetricConventions,
  MetricFamily,
} from './datasources/conventions';
import { isServiceNameMapping, ServiceNameMapping } from './datasources/serviceNames';
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
    /** How a metrics service name becomes the logs/traces one (datasources/serviceNames.ts); absent: auto. */
    serviceNames?: ServiceNameMapping;
  };
  logs?: Partial<LogConventions>;
  /** SLO definitions, edited by admins on the SLO pages. */
  slos?: SloDefinition[];
}

/** Settings with every default filled in. */
export interface PivotSettings {
  datasources: Partial<Record<Pillar, string>>;
  /** `serviceNames` is set only when stored (absent reads as `auto`). */
  metrics: { family: MetricFamily | 'auto'; serviceLabel: string; serviceNames?: ServiceNameMapping };
  logs: LogConventions;
  /** The valid definitions of `jsonData.slos`. */
  slos: SloDefinition[];
  /**
   * Stored definitions that fail validation: listed with their errors on the SLOs page and
   * kept in the settings until someone deletes them (a save never drops them silently).
   */
  invalidSlos: InvalidSlo[];
}

/** A stored SLO definition that fails validation, as it is stored. */
export interface InvalidSlo {
  /** Its name when it has a usable one, to list and delete it by. */
  name?: string;
  errors: string[];
  raw: unknown;
}

export function normalizeSettings(jsonData: PivotJsonData | undefined | null): PivotSettings {
  const data: Partial<Record<keyof PivotJsonData, unknown>> = isRecord(jsonData) ? jsonData : {};
  const metrics = isRecord(data.metrics) ? data.metrics : {};
  const logs = isRecord(data.logs) ? data.logs : {};
  return {
    datasources: storedDataSources(data.datasources),
    metrics: {
      family: isMetricFamily(metrics.family) ? metrics.family : 'auto',
      serviceLabel: text(metrics.serviceLabel),
      ...(isServiceNameMapping(metrics.serviceNames) ? { serviceNames: metrics.serviceNames } : {}),
    },
    logs: {
      serviceLabel: text(logs.serviceLabel) || DEFAULT_LOG_CONVENTIONS.serviceLabel,
      traceId: isTraceIdLocation(logs.traceId) ? logs.traceId : DEFAULT_LOG_CONVENTIONS.traceId,
    },
    ...storedSlos(data.slos),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A hand-edited provisioning file may hold a number or a list where text belongs: read it as unset. */
function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function storedDataSources(value: unknown): Partial<Record<Pillar, string>> {
  const stored = isRecord(value) ? value : {};
  const datasources: Partial<Record<Pillar, string>> = {};
  for (const pillar of PILLARS) {
    const uid = text(stored[pillar]);
    if (uid) {
      datasources[pillar] = uid;
    }
  }
  return datasources;
}

/** Splits `jsonData.slos` into valid definitions and the invalid entries, kept as stored. */
function storedSlos(value: unknown): Pick<PivotSettings, 'slos' | 'invalidSlos'> {
  const slos: SloDefinition[] = [];
  const invalidSlos: InvalidSlo[] = [];
  const seen = new Set<string>();
  (Array.isArray(value) ? value : []).forEach((raw: unknown, i) => {
    const result = validateSlo(raw, `slos[${i}]`);
    const name = isRecord(raw) && typeof raw.name === 'string' && raw.name !== '' ? raw.name : undefined;
    if (result.ok && !seen.has(result.value.name)) {
      seen.add(result.value.name);
      slos.push(result.value);
      return;
    }
    const errors = result.ok
      ? [`slos[${i}] (${result.value.name}).name: an earlier SLO has this name; rename or delete one`]
      : result.errors;
    invalidSlos.push({ name, errors, raw });
  });
  return { slos, invalidSlos };
}

/** Label names in PromQL and LogQL selectors, written unquoted: Prometheus' and Loki's syntax. */
export const LABEL_NAME_RULE = '[a-zA-Z_][a-zA-Z0-9_]*';
const LABEL_NAME = new RegExp(`^${LABEL_NAME_RULE}$`);

/** The label name Prometheus' and Loki's OTLP ingestion make of an attribute: `service.name` → `service_name`. */
export function suggestLabelName(value: string): string {
  const underscored = value.trim().replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(underscored) ? `_${underscored}` : underscored || 'service_name';
}

/**
 * Why `value` cannot be a label name (undefined when it can); `what` names the setting.
 * This module's messages stay English, outside t(): the slo-rules and slo-check scripts import
 * it, and @grafana/i18n there would load React and i18next into them and warn on stderr that
 * no language is set up. The pages show these messages under translated titles.
 */
export function labelNameProblem(value: string, what: string): string | undefined {
  if (LABEL_NAME.test(value)) {
    return undefined;
  }
  const shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  return `${what} ${shown} is not a label name: Prometheus and Loki label names match ${LABEL_NAME_RULE} (letters, digits and _, not starting with a digit). Use ${suggestLabelName(value)}.`;
}

/**
 * Per pillar, why its queries cannot be built from these settings: shown on every page in
 * place of that pillar's sections, while the other pillars keep working.
 */
export function settingsProblems(settings: PivotSettings): Partial<Record<Pillar, string>> {
  const problems: Partial<Record<Pillar, string>> = {};
  const metrics = settings.metrics.serviceLabel;
  const metricsProblem = metrics === '' ? undefined : labelNameProblem(metrics, 'The service label in metrics');
  if (metricsProblem) {
    problems.prometheus = `${metricsProblem} Fix it in Pivot's Configuration.`;
  }
  const logsProblem = labelNameProblem(settings.logs.serviceLabel, 'The service label in logs');
  if (logsProblem) {
    problems.loki = `${logsProblem} Fix it in Pivot's Configuration.`;
  }
  return problems;
}

/** The metric conventions to query with, once the family is known (configured or detected). */
export function metricConventionsFor(settings: PivotSettings, family: MetricFamily): MetricConventions {
  return { family, serviceLabel: settings.metrics.serviceLabel || METRIC_FAMILIES[family].defaultServiceLabel };
}
