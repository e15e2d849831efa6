/**
 * SLO definitions: the type, validation with messages that say what to fix, and the YAML
 * file the `slo-rules` and `slo-check` commands read. The same type is stored in the app
 * settings (`jsonData.slos`) and edited on the SLO pages. YAML parsing is in sloFile.ts, so
 * the settings can validate definitions without bundling a YAML parser.
 *
 * Validation messages stay English, outside t(): slo-rules and slo-check print them, and each
 * carries the path and value it is about (`slos[2].objective: …`); the SLO pages show them as
 * they are, under translated titles. @grafana/i18n here would load React and i18next into the
 * scripts and warn on stderr that no language is set up.
 */
import { alertThreshold, errorBudget, lowestReachableObjective, unreachablePairs } from '../analysis/slo';
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

/**
 * A validation result. `warnings` say what is allowed but probably not meant (an alert that can
 * never fire); `errors` what must be fixed.
 */
export type Validated<T> = { ok: true; value: T; warnings: string[] } | { ok: false; errors: string[] };

/**
 * Where a value sits in its source, for messages: a file gives `slos.yaml:12: ` for the path
 * `['slos', 3]`; undefined when it cannot tell (settings have no lines).
 */
export type Locate = (path: Array<string | number>) => string | undefined;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Labels the generated rules set themselves. */
export const RESERVED_LABELS = [
  'slo',
  'service',
  'severity',
  'long_window',
  'short_window',
  'alertname',
  'alertstate',
  'le',
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as a message shows it; NaN and infinities by name (JSON would print null). */
function show(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return String(value);
  }
  return JSON.stringify(value);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text that Prometheus can store: a lone UTF-16 surrogate has no UTF-8 form. */
function isUnicode(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

const NOT_UNICODE = 'holds a lone UTF-16 surrogate, which is not Unicode text';

function validateSli(raw: unknown, where: string, errors: string[]): SliSpec | undefined {
  if (!isRecord(raw)) {
    errors.push(
      `${where}.sli: expected { type: availability } or { type: latency, thresholdSeconds: 0.5 }, got ${show(raw)}`
    );
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
      errors.push(
        `${where}.labels: ${show(key)} is not a usable label name (letters, digits and _, not starting with a digit or __)`
      );
    } else if (RESERVED_LABELS.includes(key)) {
      errors.push(`${where}.labels: ${show(key)} is set by the generated rules; choose another label name`);
    } else if (typeof value !== 'string') {
      errors.push(`${where}.labels.${key}: label values are strings; quote it, e.g. "${String(value)}"`);
    } else if (!isUnicode(value)) {
      errors.push(`${where}.labels.${key}: the value ${NOT_UNICODE}`);
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
    return {
      ok: false,
      errors: [`${where}: expected a map with name, service, sli, objective and period, got ${show(raw)}`],
    };
  }
  const name = raw.name;
  const label = typeof name === 'string' && name ? `${where} (${name})` : where;
  if (typeof name !== 'string' || !NAME.test(name)) {
    errors.push(
      `${label}.name: use 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit; got ${show(name)}`
    );
  }
  const service = raw.service;
  if (typeof service !== 'string' || service.trim() === '') {
    errors.push(`${label}.service: the service name as your metrics label it, e.g. checkout; got ${show(service)}`);
  } else if (!isUnicode(service)) {
    errors.push(`${label}.service: the name ${NOT_UNICODE}`);
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
  } else if (typeof raw.description === 'string' && !isUnicode(raw.description)) {
    errors.push(`${label}.description: the text ${NOT_UNICODE}`);
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
  return { ok: true, value: slo, warnings: sloWarnings(slo).map((w) => `${label}.objective: ${w}`) };
}

function percentText(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(6))}%`;
}

/**
 * What is valid but cannot work as meant: burn-rate alerts whose threshold an error ratio
 * (at most 100%) can never exceed. Shown on the SLO page and by validation.
 */
export function sloWarnings(slo: SloDefinition): string[] {
  const unreachable = unreachablePairs(slo.period, slo.objective);
  if (unreachable.length === 0) {
    return [];
  }
  const budget = percentText(errorBudget(slo.objective));
  const alerts = unreachable
    .map(
      (p) =>
        `${p.severity} ${p.longWindow}/${p.shortWindow} (needs more than ${percentText(alertThreshold(p, slo.objective))} of requests failing, ${p.factor}x the ${budget} budget)`
    )
    .join('; ');
  return [
    `with ${slo.objective}% over ${slo.period}, ${unreachable.length === 1 ? 'this burn-rate alert' : 'these burn-rate alerts'} can never fire, since at most 100% of requests can fail: ${alerts}. Every alert can fire from an objective of ${lowestReachableObjective(slo.period)}% up.`,
  ];
}

/**
 * A list of definitions: each valid, names unique. With `locate`, each message starts with
 * where its SLO is (`slos.yaml:12: slos[3] (x).objective: …`).
 */
export function validateSlos(
  raw: unknown,
  where = 'slos',
  locate: Locate = () => undefined
): Validated<SloDefinition[]> {
  if (!Array.isArray(raw)) {
    return {
      ok: false,
      errors: [`${locate([where]) ?? ''}${where}: expected a list of SLO definitions, got ${show(raw)}`],
    };
  }
  const errors: string[] = [];
  const warnings: string[] = [];
  const slos: SloDefinition[] = [];
  const seen = new Set<string>();
  raw.forEach((item, i) => {
    const at = `${locate([where, i]) ?? ''}${where}[${i}]`;
    const result = validateSlo(item, at);
    if (!result.ok) {
      errors.push(...result.errors);
      return;
    }
    if (seen.has(result.value.name)) {
      errors.push(`${at}.name: ${show(result.value.name)} is used by an earlier SLO; names must be unique`);
      return;
    }
    seen.add(result.value.name);
    slos.push(result.value);
    warnings.push(...result.warnings);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: slos, warnings };
}

function validateConventions(raw: unknown, errors: string[], at: string): MetricConventions | undefined {
  if (!isRecord(raw)) {
    errors.push(
      `${at}conventions: expected { family: <${METRIC_FAMILY_LIST.join(' | ')}>, serviceLabel: <label> }, got ${show(raw)}`
    );
    return undefined;
  }
  if (!isMetricFamily(raw.family)) {
    errors.push(`${at}conventions.family: must be one of ${METRIC_FAMILY_LIST.join(', ')}; got ${show(raw.family)}`);
    return undefined;
  }
  const serviceLabel = raw.serviceLabel ?? METRIC_FAMILIES[raw.family].defaultServiceLabel;
  if (typeof serviceLabel !== 'string' || !LABEL_NAME.test(serviceLabel)) {
    errors.push(
      `${at}conventions.serviceLabel: a Prometheus label name such as job or service_name; got ${show(serviceLabel)}`
    );
    return undefined;
  }
  return { family: raw.family, serviceLabel };
}

/** A parsed `slos.yaml` document; `locate` puts the file and line in front of each message. */
export function validateSloFile(raw: unknown, locate: Locate = () => undefined): Validated<SloFile> {
  if (!isRecord(raw)) {
    return { ok: false, errors: [`${locate([]) ?? ''}the file must be a YAML map with \`conventions\` and \`slos\``] };
  }
  const errors: string[] = [];
  const at = (key: string) => locate([key]) ?? '';
  const conventions = validateConventions(raw.conventions, errors, at('conventions'));
  const grafanaUrl = raw.grafanaUrl;
  if (
    grafanaUrl !== undefined &&
    (typeof grafanaUrl !== 'string' || !/^https?:\/\/\S+$/.test(grafanaUrl) || !isUnicode(grafanaUrl))
  ) {
    errors.push(
      `${at('grafanaUrl')}grafanaUrl: an http(s) URL such as https://grafana.example.com; got ${show(grafanaUrl)}`
    );
  }
  const slos = validateSlos(raw.slos, 'slos', locate);
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
  return { ok: true, value: file, warnings: slos.warnings };
}
