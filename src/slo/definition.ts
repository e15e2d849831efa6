/**
 * SLO definitions: the type, validation with messages that say what to fix, and the YAML
 * file the `slo-rules` and `slo-check` commands read. The same type is stored in the app
 * settings (`jsonData.slos`) and edited on the SLO pages. YAML parsing is in sloFile.ts, so
 * the settings can validate definitions without bundling a YAML parser.
 */
import { isMetricFamily, METRIC_FAMILIES, METRIC_FAMILY_LIST, MetricConventions } from '../datasources/conventions';

export type SloPeriod = '28d' | '30d';
export const SLO_PERIODS: SloPeriod[] = ['28d', '30d'];

export type SliSpec =
  /** Failed requests / requests of the configured metric family. */
  | { type: 'availability' }
  /** Requests slower than `thresholdSeconds` / requests; the threshold must be a histogram bucket boundary. */
  | { type: 'latency'; thresholdSeconds: number };

export interface SloDefinition {
  /** Unique; used in URLs, rule labels (`slo`) and group names. */
  name: string;
  service: string;
  sli: SliSpec;
  /** Percent of good requests, e.g. 99.9. */
  objective: number;
  period: SloPeriod;
  description?: string;
  /** Added to every generated recording and alerting rule, e.g. `team: payments`. */
  labels?: Record<string, string>;
}

/** A `slos.yaml` file. */
export interface SloFile {
  conventions: MetricConventions;
  /** Where Grafana is served, for links in alert annotations, e.g. https://grafana.example.com. */
  grafanaUrl?: string;
  slos: SloDefinition[];
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Labels the generated rules set themselves. */
export const RESERVED_LABELS = ['slo', 'service', 'severity', 'long_window', 'short_window', 'alertname', 'alertstate', 'le'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function validateSli(raw: unknown, where: string, errors: string[]): SliSpec | undefined {
  if (!isRecord(raw)) {
    errors.push(`${where}.sli: expected { type: availability } or { type: latency, thresholdSeconds: 0.5 }, got ${show(raw)}`);
    return undefined;
  }
  if (raw.type === 'availability') {
    return { type: 'availability' };
  }
  if (raw.type === 'latency') {
    const t = raw.thresholdSeconds;
    if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0) {
      errors.push(
        `${where}.sli.thresholdSeconds: a latency SLI needs a positive number of seconds that is a bucket boundary of the latency histogram, e.g. 0.5; got ${show(t)}`
      );
      return undefined;
    }
    return { type: 'latency', thresholdSeconds: t };
  }
  errors.push(`${where}.sli.type: must be "availability" or "latency", got ${show(raw.type)}`);
  return undefined;
}

function validateLabels(raw: unknown, where: string, errors: string[]): Record<string, string> | undefined {
  if (raw === undefined) {
    return undefined;
  }
  if (!isRecord(raw)) {
    errors.push(`${where}.labels: expected a map of label names to strings, got ${show(raw)}`);
    return undefined;
  }
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!LABEL_NAME.test(key) || key.startsWith('__')) {
      errors.push(`${where}.labels: ${show(key)} is not a usable label name (letters, digits and _, not starting with a digit or __)`);
    } else if (RESERVED_LABELS.includes(key)) {
      errors.push(`${where}.labels: ${show(key)} is set by the generated rules; choose another label name`);
    } else if (typeof value !== 'string') {
      errors.push(`${where}.labels.${key}: label values are strings; quote it, e.g. "${String(value)}"`);
    } else {
      labels[key] = value;
    }
  }
  return labels;
}

/** One definition; `where` names it in messages, e.g. `slos[2]`. */
export function validateSlo(raw: unknown, where = 'slo'): Validated<SloDefinition> {
  const errors: string[] = [];
  if (!isRecord(raw)) {
    return { ok: false, errors: [`${where}: expected a map with name, service, sli, objective and period, got ${show(raw)}`] };
  }
  const name = raw.name;
  const label = typeof name === 'string' && name ? `${where} (${name})` : where;
  if (typeof name !== 'string' || !NAME.test(name)) {
    errors.push(`${label}.name: use 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit; got ${show(name)}`);
  }
  const service = raw.service;
  if (typeof service !== 'string' || service.trim() === '') {
    errors.push(`${label}.service: the service name as your metrics label it, e.g. checkout; got ${show(service)}`);
  }
  const sli = validateSli(raw.sli, label, errors);
  const objective = raw.objective;
  if (typeof objective !== 'number' || !Number.isFinite(objective) || objective <= 0 || objective >= 100) {
    errors.push(`${label}.objective: a percentage above 0 and below 100, e.g. 99.9; got ${show(objective)}`);
  }
  const period = raw.period;
  if (typeof period !== 'string' || !(SLO_PERIODS as string[]).includes(period)) {
    errors.push(`${label}.period: must be 28d or 30d, got ${show(period)}`);
  }
  if (raw.description !== undefined && typeof raw.description !== 'string') {
    errors.push(`${label}.description: expected text, got ${show(raw.description)}`);
  }
  const labels = validateLabels(raw.labels, label, errors);
  if (errors.length > 0 || !sli) {
    return { ok: false, errors };
  }
  const slo: SloDefinition = {
    name: name as string,
    service: service as string,
    sli,
    objective: objective as number,
    period: period as SloPeriod,
  };
  if (typeof raw.description === 'string' && raw.description !== '') {
    slo.description = raw.description;
  }
  if (labels && Object.keys(labels).length > 0) {
    slo.labels = labels;
  }
  return { ok: true, value: slo };
}

/** A list of definitions: each valid, names unique. */
export function validateSlos(raw: unknown, where = 'slos'): Validated<SloDefinition[]> {
  if (!Array.isArray(raw)) {
    return { ok: false, errors: [`${where}: expected a list of SLO definitions, got ${show(raw)}`] };
  }
  const errors: string[] = [];
  const slos: SloDefinition[] = [];
  const seen = new Set<string>();
  raw.forEach((item, i) => {
    const result = validateSlo(item, `${where}[${i}]`);
    if (!result.ok) {
      errors.push(...result.errors);
      return;
    }
    if (seen.has(result.value.name)) {
      errors.push(`${where}[${i}].name: ${show(result.value.name)} is used by an earlier SLO; names must be unique`);
      return;
    }
    seen.add(result.value.name);
    slos.push(result.value);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: slos };
}

function validateConventions(raw: unknown, errors: string[]): MetricConventions | undefined {
  if (!isRecord(raw)) {
    errors.push(`conventions: expected { family: <${METRIC_FAMILY_LIST.join(' | ')}>, serviceLabel: <label> }, got ${show(raw)}`);
    return undefined;
  }
  if (!isMetricFamily(raw.family)) {
    errors.push(`conventions.family: must be one of ${METRIC_FAMILY_LIST.join(', ')}; got ${show(raw.family)}`);
    return undefined;
  }
  const serviceLabel = raw.serviceLabel ?? METRIC_FAMILIES[raw.family].defaultServiceLabel;
  if (typeof serviceLabel !== 'string' || !LABEL_NAME.test(serviceLabel)) {
    errors.push(`conventions.serviceLabel: a Prometheus label name such as job or service_name; got ${show(serviceLabel)}`);
    return undefined;
  }
  return { family: raw.family, serviceLabel };
}

/** A parsed `slos.yaml` document. */
export function validateSloFile(raw: unknown): Validated<SloFile> {
  if (!isRecord(raw)) {
    return { ok: false, errors: ['the file must be a YAML map with `conventions` and `slos`'] };
  }
  const errors: string[] = [];
  const conventions = validateConventions(raw.conventions, errors);
  const grafanaUrl = raw.grafanaUrl;
  if (grafanaUrl !== undefined && (typeof grafanaUrl !== 'string' || !/^https?:\/\/\S+$/.test(grafanaUrl))) {
    errors.push(`grafanaUrl: an http(s) URL such as https://grafana.example.com; got ${show(grafanaUrl)}`);
  }
  const slos = validateSlos(raw.slos);
  if (!slos.ok) {
    errors.push(...slos.errors);
  }
  if (errors.length > 0 || !conventions || !slos.ok) {
    return { ok: false, errors };
  }
  const file: SloFile = { conventions, slos: slos.value };
  if (typeof grafanaUrl === 'string') {
    file.grafanaUrl = grafanaUrl.replace(/\/+$/, '');
  }
  return { ok: true, value: file };
}
