/**
 * The Hygiene page's queries (docs/hygiene.md, Queries): every request bounded in time (the
 * page's window) and in size (a limit, a `topk`, or both), sent through Grafana's data source
 * resource paths (`/api/datasources/uid/<uid>/resources/…`) and, for log lines, `/api/ds/query`.
 * Building and parsing are pure; the network goes through a `ProbeClient` (probes.ts), so the
 * same code runs in the app, in tests against real servers, and in the CLI.
 */
import type {
  FieldValues,
  HygieneEvidence,
  LogLine,
  LogsEvidence,
  MetricsEvidence,
  PillarAnswer,
  TracesEvidence,
} from '../analysis/hygiene/findings';
import { PERSONAL_DATA_RE2 } from '../analysis/hygiene/collectorFix';
import { idKind } from '../analysis/hygiene/classify';
import { findPersonalData } from '../analysis/hygiene/personalData';
import { errorMessage } from '../utils/errors';
import { ANY_VALUE } from './logql';
import type { DataSourceSummary } from './lookup';
import { parseLogSamples, type ProbeClient } from './probes';
import { checkLabelName, logqlString, promqlString, traceqlString } from './strings';

/** Every size bound of the page's queries, in one place (docs/hygiene.md lists them). */
export const HYGIENE_LIMITS = {
  /** Services and metric families listed by series count (`topk`). */
  top: 20,
  /** Label names (Prometheus) and attribute names (Tempo, per scope) whose values are read. */
  fields: 40,
  /** Names asked of a names API (Tempo's tags): names are short, the values are what costs. */
  names: 1000,
  /** Values read per label or attribute (`topk` or the API's `limit`): a sample to classify. */
  values: 200,
  /** Loki streams read from the volume API. */
  streams: 1000,
  /** Log lines sampled for personal data. */
  lines: 500,
  /** Entries of the TSDB status lists. */
  tsdb: 10,
  /** Flagged fields attributed to services (overview only). */
  attributions: 10,
  /** Services whose values of a flagged attribute are asked (Tempo, overview only). */
  services: 20,
  /** Requests for attributing flagged attributes to services (Tempo, overview only). */
  attributionRequests: 60,
  /** At most this many requests at once. */
  concurrency: 4,
} as const;

export interface HygieneScope {
  fromMs: number;
  toMs: number;
  /** One service (the Service page's section); every service when absent (the Hygiene page). */
  service?: string;
}

export interface HygieneTargets {
  prometheus?: { ds: DataSourceSummary; serviceLabel: string } | { problem: string };
  loki?: { ds: DataSourceSummary; serviceLabel: string } | { problem: string };
  tempo?: { ds: DataSourceSummary } | { problem: string };
}

/** Labels that name where a series comes from or are bounded by design: never read. */
export const METRIC_LABELS_SKIPPED = ['__name__', 'le', 'quantile', 'job', 'instance'];
/** Tempo attributes known to be bounded (the service itself, status, kind). */
const TEMPO_SKIPPED = new Set(['service.name', 'status', 'kind']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resourceUrl(ds: DataSourceSummary, path: string, params: Array<[string, string]>): string {
  const q = new URLSearchParams();
  for (const [k, v] of params) {
    q.append(k, v);
  }
  return `/api/datasources/uid/${encodeURIComponent(ds.uid)}/resources/${path}?${q.toString()}`;
}

const seconds = (ms: number) => Math.floor(ms / 1000);
const nanos = (ms: number) => `${Math.floor(ms)}000000`;

/** The window as a PromQL range, whole seconds, at least one. */
export function windowRange(scope: HygieneScope): string {
  return `${Math.max(1, Math.ceil((scope.toMs - scope.fromMs) / 1000))}s`;
}

/** Runs `tasks` with at most HYGIENE_LIMITS.concurrency at once, keeping their order. */
async function pooled<T>(tasks: Array<() => Promise<T>>): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(HYGIENE_LIMITS.concurrency, tasks.length) }, worker));
  return out;
}

async function answer<T>(run: () => Promise<T>): Promise<PillarAnswer<T>> {
  try {
    return { state: 'ok', evidence: await run() };
  } catch (error) {
    return { state: 'error', message: errorMessage(error) };
  }
}

function apiData(answer: unknown, what: string): unknown {
  if (!isRecord(answer) || answer.status !== 'success') {
    const message = isRecord(answer) && typeof answer.error === 'string' ? answer.error : 'unexpected answer';
    throw new Error(`${what}: ${message}`);
  }
  return answer.data;
}

// ---------------------------------------------------------------------------------------------
// Prometheus.

interface VectorSample {
  metric: Record<string, string>;
  value: number;
}

/** A vector from `/api/v1/query`. */
export function parseVector(answer: unknown): VectorSample[] {
  const data = apiData(answer, 'Prometheus query');
  if (!isRecord(data) || !Array.isArray(data.result)) {
    return [];
  }
  return data.result.flatMap((r) => {
    if (!isRecord(r) || !isRecord(r.metric) || !Array.isArray(r.value)) {
      return [];
    }
    const metric: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.metric)) {
      if (typeof v === 'string') {
        metric[k] = v;
      }
    }
    return [{ metric, value: Number(r.value[1]) }];
  });
}

/**
 * The metrics service label: the configured one, or `service_name` while it is detected
 * automatically (empty in the settings); `job` is always read too (metricServiceLabels).
 */
export function defaultMetricServiceLabel(configured: string): string {
  return configured || 'service_name';
}

/** The label names that name a service in Prometheus: the configured one, then `job` (OTLP → remote write). */
export function metricServiceLabels(serviceLabel: string): string[] {
  return [...new Set([checkLabelName(serviceLabel, 'service label'), 'job'])];
}

/**
 * The selector of the scope's series: every series (`{__name__=~".+"}`), or the service's under
 * any of its labels (`or` of one selector per label); `extra` adds a matcher to each.
 */
export function scopeSelector(scope: HygieneScope, serviceLabels: string[], extra?: string): string {
  const more = extra === undefined ? '' : `, ${checkLabelName(extra)}!=""`;
  if (scope.service === undefined) {
    return `{__name__=~".+"${more}}`;
  }
  const service = promqlString(scope.service);
  return serviceLabels.map((l) => `{${l}=${service}${more}}`).join(' or ');
}

/**
 * The subquery step: the window in at most 30 steps, and never under 5 minutes (Prometheus'
 * default lookback), so a window up to 2.5 hours is covered without gaps.
 */
export function subqueryStep(scope: HygieneScope): string {
  const windowSec = Math.max(1, Math.ceil((scope.toMs - scope.fromMs) / 1000));
  return `${Math.max(300, Math.ceil(windowSec / 30))}s`;
}

/**
 * `max_over_time((aggregation)[window:step]) or (aggregation)`: the aggregation's peak over the
 * window. The aggregation comes first, so the range function never sees two series that differ
 * only by metric name (which it would drop, and refuse). Prometheus aligns subquery steps to
 * multiples of the step, so the last one can be up to a step before the window's end: the
 * instant aggregation at the end covers what is newer (a service that started minutes ago).
 */
function peak(scope: HygieneScope, aggregation: string): string {
  return `(max_over_time((${aggregation})[${windowRange(scope)}:${subqueryStep(scope)}]) or (${aggregation}))`;
}

/** The label that carries the metric name through `peak` (range functions drop `__name__`). */
export const METRIC_NAME_LABEL = 'pivot_metric_name';

export function prometheusQueries(scope: HygieneScope, serviceLabel: string) {
  const labels = metricServiceLabels(serviceLabel);
  const by = labels.join(', ');
  const { top, values } = HYGIENE_LIMITS;
  const all = scopeSelector(scope, labels);
  const withName = `label_replace(${all.includes(' or ') ? `(${all})` : all}, ${promqlString(METRIC_NAME_LABEL)}, ${promqlString('$1')}, "__name__", "(.+)")`;
  return {
    /** Peak live series per service in the window, the most first. */
    seriesByService: `topk(${top}, ${peak(scope, `count by (${by}) (${all})`)})`,
    /** Peak live series per service and metric in the window. */
    seriesByMetric: `topk(${top}, ${peak(scope, `count by (${by}, ${METRIC_NAME_LABEL}) (${withName})`)})`,
    /** Up to HYGIENE_LIMITS.values values of `label`, the most used first. */
    labelValues: (label: string) =>
      `topk(${values}, ${peak(scope, `count by (${checkLabelName(label)}) (${scopeSelector(scope, labels, label)})`)})`,
    /** Distinct values of `label` (asked only when the sample was full). */
    labelCount: (label: string) =>
      `count(${peak(scope, `count by (${checkLabelName(label)}) (${scopeSelector(scope, labels, label)})`)})`,
    /** Distinct values of `label` per service, for the overview's attribution. */
    labelByService: (label: string) =>
      `topk(${top}, count by (${by}) (${peak(scope, `count by (${by}, ${checkLabelName(label)}) (${scopeSelector(scope, labels, label)})`)}))`,
  };
}

function serviceOf(metric: Record<string, string>, labels: string[]): string | undefined {
  for (const l of labels) {
    if (metric[l]) {
      return metric[l];
    }
  }
  return undefined;
}

/** Sums the samples' values per (service, key), the largest first. */
function summed(
  rows: VectorSample[],
  service: (m: Record<string, string>) => string | undefined,
  key: (m: Record<string, string>) => string | undefined
): Array<[string, string | undefined, number]> {
  const sums = new Map<string, [string, string | undefined, number]>();
  for (const r of rows) {
    const s = service(r.metric);
    if (s === undefined) {
      continue;
    }
    const k = key(r.metric);
    const id = JSON.stringify([s, k]);
    const entry = sums.get(id) ?? [s, k, 0];
    entry[2] += r.value;
    sums.set(id, entry);
  }
  return [...sums.values()].sort((a, b) => b[2] - a[2]);
}

export interface TsdbStatus {
  labelValueCountByLabelName: Array<{ name: string; value: number }>;
  seriesCountByMetricName: Array<{ name: string; value: number }>;
}

export function parseTsdbStatus(answer: unknown): TsdbStatus {
  const data = apiData(answer, 'Prometheus TSDB status');
  const list = (key: string) =>
    isRecord(data) && Array.isArray(data[key])
      ? (data[key] as unknown[]).flatMap((e) =>
          isRecord(e) && typeof e.name === 'string' ? [{ name: e.name, value: Number(e.value) }] : []
        )
      : [];
  return {
    labelValueCountByLabelName: list('labelValueCountByLabelName'),
    seriesCountByMetricName: list('seriesCountByMetricName'),
  };
}

export interface PrometheusHygiene extends MetricsEvidence {
  /** The TSDB's head (its last hours, not the window): labels with the most values, metrics with the most series. */
  tsdb?: TsdbStatus;
}

/**
 * The labels whose values are read, at most HYGIENE_LIMITS.fields: the ones the TSDB head
 * counts the most values of first (the likeliest culprits), then the others in the order the
 * labels API gives them (alphabetical); never the service labels or those bounded by design.
 */
export function labelsToRead(names: string[], serviceLabels: string[], tsdb?: TsdbStatus): string[] {
  const usable = names.filter(
    (n) => /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(n) && !METRIC_LABELS_SKIPPED.includes(n) && !serviceLabels.includes(n)
  );
  const most = (tsdb?.labelValueCountByLabelName ?? [])
    .slice()
    .sort((a, b) => b.value - a.value)
    .map((e) => e.name)
    .filter((n) => usable.includes(n));
  return [...new Set([...most, ...byLikelihood(usable)])].slice(0, HYGIENE_LIMITS.fields);
}

// Words in a label or attribute name that say its values are ids or personal data.
// A referer is a whole URL, query string included (emails and tokens in links leak through it).
const LIKELY =
  /(^|[._-])(id|ids|uid|uuid|user|users|customer|account|email|mail|phone|session|token|key|order|cart|ip|address|addr|card|query|path|url|target|route|referer|referrer)($|[._-])|id$/i;

/** Names whose words suggest ids or personal data first (`user.id`, `client.address`), then the rest, each in the given order. */
export function byLikelihood(names: string[]): string[] {
  return [...names.filter((n) => LIKELY.test(n)), ...names.filter((n) => !LIKELY.test(n))];
}

async function collectPrometheus(
  client: ProbeClient,
  ds: DataSourceSummary,
  serviceLabel: string,
  scope: HygieneScope
): Promise<PrometheusHygiene> {
  const labels = metricServiceLabels(serviceLabel);
  const queries = prometheusQueries(scope, serviceLabel);
  const at = String(seconds(scope.toMs));
  const query = async (expr: string) =>
    parseVector(
      await client.request({
        method: 'GET',
        url: resourceUrl(ds, 'api/v1/query', [
          ['query', expr],
          ['time', at],
        ]),
      })
    );
  const nameParams: Array<[string, string]> = [
    ['start', String(seconds(scope.fromMs))],
    ['end', at],
  ];
  if (scope.service !== undefined) {
    for (const l of labels) {
      nameParams.push(['match[]', `{${l}=${promqlString(scope.service)}}`]);
    }
  }
  const [byService, byMetric, names, tsdb] = await Promise.all([
    query(queries.seriesByService),
    query(queries.seriesByMetric),
    client.request({ method: 'GET', url: resourceUrl(ds, 'api/v1/labels', nameParams) }),
    scope.service === undefined
      ? client
          .request({
            method: 'GET',
            url: resourceUrl(ds, 'api/v1/status/tsdb', [['limit', String(HYGIENE_LIMITS.tsdb)]]),
          })
          .then(parseTsdbStatus)
          // Older Prometheus or an agent: the head's statistics are a bonus, not evidence.
          .catch(() => undefined)
      : Promise.resolve(undefined),
  ]);
  const labelNames = labelsToRead(
    (apiData(names, 'Prometheus labels') as unknown[]).filter((n): n is string => typeof n === 'string'),
    labels,
    tsdb
  );

  // One value sample per label (topk), and a count when the sample was full.
  const samples = await pooled(
    labelNames.map((label) => async () => {
      const rows = await query(queries.labelValues(label));
      const values = rows.map((r) => r.metric[label]).filter((v): v is string => typeof v === 'string');
      const capped = values.length >= HYGIENE_LIMITS.values;
      const distinct = capped ? ((await query(queries.labelCount(label)))[0]?.value ?? values.length) : values.length;
      return { label, values, distinct, capped };
    })
  );
  let fields: FieldValues[];
  if (scope.service !== undefined) {
    const service = scope.service;
    fields = samples.map((s) => ({
      service,
      field: s.label,
      distinct: s.distinct,
      capped: s.capped,
      values: s.values,
    }));
  } else {
    // Overview: the labels worth a finding are attributed to services, one request each.
    const suspect = samples.filter(
      (s) => s.values.filter((v) => idKind(v)).length * 2 >= s.values.length && s.values.length > 0
    );
    const attributed = await pooled(
      suspect.slice(0, HYGIENE_LIMITS.attributions).map((s) => async () => {
        const rows = await query(queries.labelByService(s.label));
        // Groups of one service (under different service labels) may share values: the largest counts.
        const most = new Map<string, number>();
        for (const r of rows) {
          const service = serviceOf(r.metric, labels);
          if (service) {
            most.set(service, Math.max(most.get(service) ?? 0, r.value));
          }
        }
        return [...most].map(([service, distinct]) => ({
          service,
          field: s.label,
          distinct,
          capped: false,
          values: s.values,
        }));
      })
    );
    fields = attributed.flat();
  }
  // A series may carry the service under one label or several: groups of one service add up.
  const seriesByService = summed(
    byService,
    (m) => serviceOf(m, labels),
    () => undefined
  ).map(([service, , series]) => ({ service, series }));
  const seriesByMetric = summed(
    byMetric,
    (m) => serviceOf(m, labels),
    (m) => m[METRIC_NAME_LABEL]
  ).flatMap(([service, metric, series]) => (metric ? [{ service, metric, series }] : []));
  return { seriesByService, seriesByMetric, labels: fields, tsdb };
}

// ---------------------------------------------------------------------------------------------
// Loki.

/** The stream selector of the scope: every stream with the service label, or the service's. */
export function lokiSelector(serviceLabel: string, scope: HygieneScope): string {
  const label = checkLabelName(serviceLabel, 'service label');
  return scope.service === undefined
    ? `{${label}=~${logqlString(ANY_VALUE)}}`
    : `{${label}=${logqlString(scope.service)}}`;
}

/** The line filter that keeps lines that may hold personal data (the page confirms each match). */
export function personalDataLineQuery(serviceLabel: string, scope: HygieneScope): string {
  const any = Object.values(PERSONAL_DATA_RE2).join('|');
  return `${lokiSelector(serviceLabel, scope)} |~ ${logqlString(any)}`;
}

export function lokiVolumeUrl(ds: DataSourceSummary, serviceLabel: string, scope: HygieneScope): string {
  return resourceUrl(ds, 'index/volume', [
    ['query', lokiSelector(serviceLabel, scope)],
    ['start', nanos(scope.fromMs)],
    ['end', nanos(scope.toMs)],
    ['limit', String(HYGIENE_LIMITS.streams)],
    ['aggregateBy', 'series'],
  ]);
}

/** Streams from Loki's volume API (`aggregateBy=series`): one entry per stream, its labels. */
export function parseVolumeStreams(answer: unknown): Array<Record<string, string>> {
  const data = apiData(answer, 'Loki volume');
  if (!isRecord(data) || !Array.isArray(data.result)) {
    return [];
  }
  return data.result.flatMap((r) => {
    if (!isRecord(r) || !isRecord(r.metric)) {
      return [];
    }
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.metric)) {
      if (typeof v === 'string') {
        labels[k] = v;
      }
    }
    return [labels];
  });
}

/** Streams per service and each stream label's values per service, from the volume API's streams. */
export function streamEvidence(
  streams: Array<Record<string, string>>,
  serviceLabel: string
): Pick<LogsEvidence, 'streamsByService' | 'streamLabels'> {
  const capped = streams.length >= HYGIENE_LIMITS.streams;
  const perService = new Map<string, { streams: number; labels: Map<string, Set<string>> }>();
  for (const s of streams) {
    const service = s[serviceLabel];
    if (!service) {
      continue;
    }
    const entry = perService.get(service) ?? { streams: 0, labels: new Map<string, Set<string>>() };
    entry.streams++;
    for (const [k, v] of Object.entries(s)) {
      if (k !== serviceLabel) {
        const set = entry.labels.get(k) ?? new Set<string>();
        set.add(v);
        entry.labels.set(k, set);
      }
    }
    perService.set(service, entry);
  }
  const streamsByService = [...perService].map(([service, e]) => ({ service, streams: e.streams, capped }));
  streamsByService.sort((a, b) => b.streams - a.streams || a.service.localeCompare(b.service));
  const streamLabels: FieldValues[] = [...perService].flatMap(([service, e]) =>
    [...e.labels].map(([field, set]) => ({
      service,
      field,
      distinct: set.size,
      capped,
      values: [...set].slice(0, HYGIENE_LIMITS.values),
    }))
  );
  return { streamsByService: streamsByService.slice(0, HYGIENE_LIMITS.top), streamLabels };
}

export function lokiLinesRequest(ds: DataSourceSummary, serviceLabel: string, scope: HygieneScope) {
  return {
    method: 'POST' as const,
    url: '/api/ds/query',
    data: {
      queries: [
        {
          refId: 'hygiene-lines',
          datasource: { uid: ds.uid, type: ds.type },
          expr: personalDataLineQuery(serviceLabel, scope),
          queryType: 'range',
          maxLines: HYGIENE_LIMITS.lines,
          direction: 'backward',
        },
      ],
      from: String(scope.fromMs),
      to: String(scope.toMs),
    },
  };
}

/** Log lines from a `/api/ds/query` answer (Grafana's Loki frames; a per-query error is thrown). */
export function parseLines(answer: unknown, serviceLabel: string): LogLine[] {
  const result =
    isRecord(answer) && isRecord(answer.results) && isRecord(answer.results['hygiene-lines'])
      ? answer.results['hygiene-lines']
      : undefined;
  if (!result) {
    throw new Error('Loki query: unexpected answer');
  }
  if (typeof result.error === 'string' && result.error) {
    throw new Error(result.error);
  }
  const frames = Array.isArray(result.frames) ? result.frames : [];
  const lines: LogLine[] = [];
  for (const sample of parseLogSamples(frames)) {
    const service = sample.labels[serviceLabel];
    if (service) {
      lines.push({ service, line: sample.line });
    }
  }
  return lines;
}

async function collectLoki(
  client: ProbeClient,
  ds: DataSourceSummary,
  serviceLabel: string,
  scope: HygieneScope
): Promise<LogsEvidence> {
  const [volume, lines] = await Promise.all([
    client.request({ method: 'GET', url: lokiVolumeUrl(ds, serviceLabel, scope) }),
    client.request(lokiLinesRequest(ds, serviceLabel, scope)).catch((error: unknown) => {
      // Grafana answers a failed query with HTTP 400 and the same body.
      if (isRecord(error) && isRecord(error.data) && isRecord(error.data.results)) {
        return error.data;
      }
      throw error;
    }),
  ]);
  return { ...streamEvidence(parseVolumeStreams(volume), serviceLabel), lines: parseLines(lines, serviceLabel) };
}

// ---------------------------------------------------------------------------------------------
// Tempo.

const TEMPO_SERVICE = 'resource.service.name';

/** A TraceQL attribute reference: `span.user.id`, or `span."odd name"` when the name needs quoting. */
export function traceqlAttribute(scope: 'span' | 'resource', name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) ? `${scope}.${name}` : `${scope}.${traceqlString(name)}`;
}

export function tempoServiceFilter(scope: HygieneScope): string {
  return scope.service === undefined ? '{}' : `{ ${TEMPO_SERVICE} = ${traceqlString(scope.service)} }`;
}

function tempoWindow(scope: HygieneScope): Array<[string, string]> {
  return [
    ['start', String(seconds(scope.fromMs))],
    ['end', String(Math.max(seconds(scope.toMs), seconds(scope.fromMs) + 1))],
  ];
}

export function tempoTagsUrl(ds: DataSourceSummary, tagScope: 'span' | 'resource', scope: HygieneScope): string {
  return resourceUrl(ds, 'api/v2/search/tags', [
    ['scope', tagScope],
    ['q', tempoServiceFilter(scope)],
    ...tempoWindow(scope),
    ['limit', String(HYGIENE_LIMITS.names)],
  ]);
}

/** `tag` is a full name: `span.user.id`, `resource.host.name`, or the intrinsic `name`. */
export function tempoTagValuesUrl(ds: DataSourceSummary, tag: string, q: string, scope: HygieneScope): string {
  return resourceUrl(ds, `api/v2/search/tag/${encodeURIComponent(tag)}/values`, [
    ['q', q],
    ...tempoWindow(scope),
    ['limit', String(HYGIENE_LIMITS.values)],
  ]);
}

export function parseTagNames(answer: unknown, tagScope: string): string[] {
  if (!isRecord(answer) || !Array.isArray(answer.scopes)) {
    throw new Error('Tempo tags: unexpected answer');
  }
  return answer.scopes.flatMap((s) =>
    isRecord(s) && s.name === tagScope && Array.isArray(s.tags)
      ? s.tags.filter((t): t is string => typeof t === 'string')
      : []
  );
}

export function parseTagValues(answer: unknown): string[] {
  if (!isRecord(answer) || !Array.isArray(answer.tagValues)) {
    throw new Error('Tempo tag values: unexpected answer');
  }
  return answer.tagValues.flatMap((v) => (isRecord(v) && typeof v.value === 'string' ? [v.value] : []));
}

async function collectTempo(client: ProbeClient, ds: DataSourceSummary, scope: HygieneScope): Promise<TracesEvidence> {
  const get = (url: string) => client.request({ method: 'GET', url });
  const q = tempoServiceFilter(scope);
  const [spanTags, resourceTags, names] = await Promise.all([
    get(tempoTagsUrl(ds, 'span', scope)).then((a) => parseTagNames(a, 'span')),
    get(tempoTagsUrl(ds, 'resource', scope)).then((a) => parseTagNames(a, 'resource')),
    get(tempoTagValuesUrl(ds, 'name', q, scope)).then(parseTagValues),
  ]);
  const tags = [
    ...byLikelihood(spanTags)
      .slice(0, HYGIENE_LIMITS.fields)
      .map((name) => ({ tagScope: 'span' as const, name })),
    ...byLikelihood(resourceTags.filter((n) => !TEMPO_SKIPPED.has(n)))
      .slice(0, HYGIENE_LIMITS.fields)
      .map((name) => ({ tagScope: 'resource' as const, name })),
  ];
  const sampled = await pooled(
    tags.map((t) => async () => {
      const values = parseTagValues(await get(tempoTagValuesUrl(ds, `${t.tagScope}.${t.name}`, q, scope)));
      return { ...t, values };
    })
  );
  const flagged = (values: string[]) =>
    values.some((v) => findPersonalData(v).length > 0) ||
    (values.length > 0 && values.filter((v) => idKind(v)).length * 2 >= values.length);
  const field = (service: string, t: { tagScope: 'span' | 'resource'; name: string }, values: string[]) => ({
    service,
    scope: t.tagScope,
    field: t.name,
    distinct: values.length,
    capped: values.length >= HYGIENE_LIMITS.values,
    values,
  });
  if (scope.service !== undefined) {
    const service = scope.service;
    return {
      attributes: sampled.map((s) => field(service, s, s.values)),
      spanNames: [{ service, names }],
    };
  }
  // Overview: each flagged attribute's values per service, asked with the one filter Tempo's
  // tag-values API applies reliably (`resource.service.name = "…"`: an `!= nil` or `=~` filter
  // is not applied by Tempo 2.7's autocomplete, which then answers for every service). The
  // services are the window's first HYGIENE_LIMITS.services, and the pairs asked at most
  // HYGIENE_LIMITS.attributionRequests; a service without the attribute answers no value.
  const suspects = sampled.filter((s) => flagged(s.values)).slice(0, HYGIENE_LIMITS.attributions);
  const withIds = names.filter((n) => idKind(n) === 'url-id');
  const services =
    suspects.length > 0 || withIds.length > 0
      ? parseTagValues(await get(tempoTagValuesUrl(ds, TEMPO_SERVICE, '{}', scope))).slice(0, HYGIENE_LIMITS.services)
      : [];
  const pairs = suspects
    .flatMap((s) => services.map((service) => ({ s, service })))
    .slice(0, HYGIENE_LIMITS.attributionRequests);
  const attributes = (
    await pooled(
      pairs.map(({ s, service }) => async () => {
        const values = parseTagValues(
          await get(tempoTagValuesUrl(ds, `${s.tagScope}.${s.name}`, tempoServiceFilter({ ...scope, service }), scope))
        );
        return values.length > 0 ? [field(service, s, values)] : [];
      })
    )
  ).flat();
  // Span names with ids: each service's own span names (one request per service).
  const spanNames: TracesEvidence['spanNames'] =
    withIds.length === 0
      ? []
      : await pooled(
          services.map((service) => async () => ({
            service,
            names: parseTagValues(
              await get(tempoTagValuesUrl(ds, 'name', tempoServiceFilter({ ...scope, service }), scope))
            ),
          }))
        );
  return { attributes, spanNames };
}

// ---------------------------------------------------------------------------------------------

export interface HygieneCost {
  requests: number;
  ms: number;
}

/** Counts the requests a client sends. */
export function countingClient(client: ProbeClient): ProbeClient & { count: () => number } {
  let n = 0;
  return {
    request: (req) => {
      n++;
      return client.request(req);
    },
    count: () => n,
  };
}

/** Asks the three pillars for the scope's evidence, each on its own: a failure is reported, not a finding. */
export async function collectHygieneEvidence(
  client: ProbeClient,
  targets: HygieneTargets,
  scope: HygieneScope
): Promise<{ evidence: HygieneEvidence; tsdb?: TsdbStatus; cost: HygieneCost }> {
  const counting = countingClient(client);
  const started = Date.now();
  const missing = (t: { problem: string } | undefined, name: string) => ({
    state: 'not-configured' as const,
    message: t?.problem ?? `No ${name} data source`,
  });
  const prom = targets.prometheus;
  const loki = targets.loki;
  const tempo = targets.tempo;
  const [metrics, logs, traces] = await Promise.all([
    prom && 'ds' in prom
      ? answer(() => collectPrometheus(counting, prom.ds, prom.serviceLabel, scope))
      : Promise.resolve(missing(prom, 'Prometheus')),
    loki && 'ds' in loki
      ? answer(() => collectLoki(counting, loki.ds, loki.serviceLabel, scope))
      : Promise.resolve(missing(loki, 'Loki')),
    tempo && 'ds' in tempo
      ? answer(() => collectTempo(counting, tempo.ds, scope))
      : Promise.resolve(missing(tempo, 'Tempo')),
  ]);
  const tsdb = metrics.state === 'ok' ? (metrics.evidence as PrometheusHygiene).tsdb : undefined;
  return {
    evidence: { metrics, logs, traces },
    tsdb,
    cost: { requests: counting.count(), ms: Date.now() - started },
  };
}

// ---------------------------------------------------------------------------------------------
// What a finding's link opens (in Explore, on the finding's data source): the series, lines or
// spans of the finding, selected by label, pattern or attribute, never by a value.

/** The PromQL that lists the values of `label` for `service` over the scope's window. */
export function prometheusFindingQuery(
  serviceLabel: string,
  scope: HygieneScope & { service: string },
  label: string
): string {
  return prometheusQueries(scope, serviceLabel).labelValues(label);
}

/** The LogQL of a finding: the service's lines matching a personal-data kind's pattern, or the streams with `label`. */
export function lokiFindingQuery(
  serviceLabel: string,
  service: string,
  finding: { pattern?: keyof typeof PERSONAL_DATA_RE2; label?: string }
): string {
  const selector = lokiSelector(serviceLabel, { fromMs: 0, toMs: 0, service });
  if (finding.label !== undefined) {
    return `${selector.slice(0, -1)}, ${checkLabelName(finding.label)}=~${logqlString(ANY_VALUE)}}`;
  }
  return finding.pattern ? `${selector} |~ ${logqlString(PERSONAL_DATA_RE2[finding.pattern])}` : selector;
}

/** The TraceQL of a finding: the service's spans that have the attribute, or whose name matches the route. */
export function tempoFindingQuery(
  service: string,
  finding: { attribute?: string; scope?: 'span' | 'resource'; spanNamePattern?: string }
): string {
  const conditions = [`${TEMPO_SERVICE} = ${traceqlString(service)}`];
  if (finding.attribute !== undefined) {
    conditions.push(`${traceqlAttribute(finding.scope ?? 'span', finding.attribute)} != nil`);
  }
  if (finding.spanNamePattern !== undefined) {
    conditions.push(`name =~ ${traceqlString(finding.spanNamePattern)}`);
  }
  return `{ ${conditions.join(' && ')} }`;
}
