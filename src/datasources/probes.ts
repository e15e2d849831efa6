/**
 * The probes behind the configuration page's "Check": the requests each data source is asked
 * through Grafana (`/api/ds/query` and data source resource calls), and the parsing of
 * Grafana's answers into the shapes detect.ts reads. The request building and the parsing are
 * pure; the network goes through a `ProbeClient` (Grafana's backend service in the app, see
 * components/AppConfig/grafanaProbeClient.ts), so this module loads outside a browser too.
 */
import { LATENCY_ALL_BUCKET, LogConventions, METRIC_FAMILIES, METRIC_FAMILY_LIST } from './conventions';
import {
  familyProbeFromCounts,
  type LogSample,
  type LokiProbe,
  type MetricFamilyProbe,
  type PrometheusProbe,
  type TempoProbe,
} from './detect';
import type { DataSourceSummary } from './lookup';
import { checkWindow, selector } from './promql';
import { streamSelector } from './logql';
import { errorMessage } from '../utils/errors';
import { SERVICE_GRAPH_REQUESTS } from './serviceGraph';

/** How far back every probe looks. */
export const PROBE_WINDOW_SECONDS = 3600;
/** Log lines sampled to find where trace_id lives. */
export const LOG_SAMPLE_SIZE = 50;
/** Traces asked of Tempo's search. */
export const TRACE_SEARCH_LIMIT = 20;

// TraceQL's match-everything spanset: a fixed query with no value in it, so nothing to escape.
const ANY_SPAN = '{}';

// ---------------------------------------------------------------------------------------------
// Transport.

export interface ProbeRequest {
  method: 'GET' | 'POST';
  url: string;
  data?: unknown;
}

/** Sends a request to Grafana and resolves with the JSON body, or rejects with the error. */
export interface ProbeClient {
  request(req: ProbeRequest): Promise<unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// /api/ds/query answers: `{ results: { [refId]: { frames?: DataFrameJSON[], error?: string } } }`.

interface FrameJSON {
  schema?: { name?: string; fields?: Array<{ name?: string; type?: string }> };
  data?: { values?: unknown[][] };
}

interface QueryResult {
  frames: FrameJSON[];
  error?: string;
}

/** Grafana answers 400 with the same body when a query fails: keep the per-query errors. */
async function dsQuery(client: ProbeClient, body: unknown): Promise<Record<string, QueryResult>> {
  let answer: unknown;
  try {
    answer = await client.request({ method: 'POST', url: '/api/ds/query', data: body });
  } catch (error) {
    if (isRecord(error) && isRecord(error.data) && isRecord(error.data.results)) {
      answer = error.data;
    } else {
      throw error;
    }
  }
  const results = isRecord(answer) && isRecord(answer.results) ? answer.results : {};
  const out: Record<string, QueryResult> = {};
  for (const [refId, result] of Object.entries(results)) {
    if (!isRecord(result)) {
      continue;
    }
    out[refId] = {
      frames: Array.isArray(result.frames) ? (result.frames as FrameJSON[]) : [],
      error: typeof result.error === 'string' && result.error ? result.error : undefined,
    };
  }
  return out;
}

/** A frame field's values, looked up by name. */
export function fieldValues(frame: FrameJSON, name: string): unknown[] | undefined {
  const index = (frame.schema?.fields ?? []).findIndex((f) => f.name === name);
  return index < 0 ? undefined : (frame.data?.values?.[index] ?? []);
}

function rowCount(frame: FrameJSON): number {
  return frame.data?.values?.[0]?.length ?? 0;
}

function firstError(results: Record<string, QueryResult>, refIds: string[]): string | undefined {
  for (const refId of refIds) {
    const error = results[refId]?.error;
    if (error) {
      return error;
    }
  }
  return undefined;
}

function timeRange(nowMs: number): { from: string; to: string } {
  return { from: String(nowMs - PROBE_WINDOW_SECONDS * 1000), to: String(nowMs) };
}

function dsRef(ds: DataSourceSummary): { uid: string; type: string } {
  return { uid: ds.uid, type: ds.type };
}

// ---------------------------------------------------------------------------------------------
// Prometheus: which metric families have series, of server spans, and with which labels.

/** `count(last_over_time(<selector>[<window>]))`: series that had a sample in the window. */
export function seriesCountQuery(vectorSelector: string, window: string): string {
  return `count(last_over_time(${vectorSelector}[${checkWindow(window)}]))`;
}

export interface PrometheusProbeQuery {
  refId: string;
  expr: string;
}

const PROBE_WINDOW = `${PROBE_WINDOW_SECONDS}s`;

/** The instant queries of the Prometheus probe, one request for every family at once. */
export function prometheusProbeQueries(): PrometheusProbeQuery[] {
  const queries: PrometheusProbeQuery[] = [];
  for (const family of METRIC_FAMILY_LIST) {
    const info = METRIC_FAMILIES[family];
    queries.push({ refId: `${family}:all`, expr: seriesCountQuery(selector(info.requests), PROBE_WINDOW) });
    if (info.serverMatchers.length > 0) {
      queries.push({
        refId: `${family}:server`,
        expr: seriesCountQuery(selector(info.requests, info.serverMatchers), PROBE_WINDOW),
      });
    }
    if (info.sharesRequests) {
      queries.push({
        refId: `${family}:latency`,
        expr: seriesCountQuery(selector(info.latencyBucket, [LATENCY_ALL_BUCKET]), PROBE_WINDOW),
      });
    }
  }
  queries.push({ refId: 'service-graph', expr: seriesCountQuery(selector(SERVICE_GRAPH_REQUESTS), PROBE_WINDOW) });
  return queries;
}

/** The value of a `count(...)` instant query: 0 when no series matched (no frame, or no row). */
function countValue(result: QueryResult | undefined): number {
  for (const frame of result?.frames ?? []) {
    const values = fieldValues(frame, 'Value') ?? fieldValues(frame, 'value');
    const first = values?.[0];
    if (typeof first === 'number' && Number.isFinite(first)) {
      return first;
    }
  }
  return 0;
}

/** The label-names resource of the Prometheus data source, for series of one metric. */
export function prometheusLabelsUrl(ds: DataSourceSummary, metric: string, nowMs: number): string {
  const params = new URLSearchParams();
  params.append('match[]', selector(metric));
  params.append('start', String(Math.floor(nowMs / 1000) - PROBE_WINDOW_SECONDS));
  params.append('end', String(Math.floor(nowMs / 1000)));
  return `/api/datasources/uid/${encodeURIComponent(ds.uid)}/resources/api/v1/labels?${params.toString()}`;
}

/** `{ status: 'success', data: [...] }`, Prometheus' and Loki's answer to a labels request. */
export function parseLabelNames(answer: unknown): string[] {
  if (isRecord(answer) && Array.isArray(answer.data)) {
    return answer.data.filter((l): l is string => typeof l === 'string');
  }
  return [];
}

export async function probePrometheus(
  client: ProbeClient,
  ds: DataSourceSummary,
  nowMs: number
): Promise<PrometheusProbe> {
  const queries = prometheusProbeQueries();
  let results: Record<string, QueryResult>;
  try {
    results = await dsQuery(client, {
      queries: queries.map((q) => ({
        refId: q.refId,
        datasource: dsRef(ds),
        expr: q.expr,
        instant: true,
        range: false,
      })),
      ...timeRange(nowMs),
    });
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
  const error = firstError(
    results,
    queries.map((q) => q.refId)
  );
  if (error) {
    return { ok: false, error };
  }

  const families: MetricFamilyProbe[] = METRIC_FAMILY_LIST.map((family) =>
    familyProbeFromCounts(family, (refId) => countValue(results[refId]))
  );
  // Label names only for the families that have series: a request per family, in parallel.
  await Promise.all(
    families
      .filter((f) => f.series > 0)
      .map(async (f) => {
        try {
          const answer = await client.request({
            method: 'GET',
            url: prometheusLabelsUrl(ds, METRIC_FAMILIES[f.family].requests, nowMs),
          });
          f.labels = parseLabelNames(answer);
        } catch (error) {
          // The labels are unknown, not absent: detection says the request failed.
          f.labelsError = errorMessage(error);
        }
      })
  );
  return { ok: true, families, serviceGraphSeries: countValue(results['service-graph']) };
}

// ---------------------------------------------------------------------------------------------
// Loki: the index labels, and a sample of lines to see where trace_id lives.

export function lokiLabelsUrl(ds: DataSourceSummary, nowMs: number): string {
  const params = new URLSearchParams();
  // Loki's label API takes nanoseconds.
  params.append('start', `${nowMs - PROBE_WINDOW_SECONDS * 1000}000000`);
  params.append('end', `${nowMs}000000`);
  return `/api/datasources/uid/${encodeURIComponent(ds.uid)}/resources/labels?${params.toString()}`;
}

/** The sample query: the newest lines of every stream with the service label. */
export function lokiSampleQuery(serviceLabel: string, conventions: LogConventions): string {
  return streamSelector({ ...conventions, serviceLabel });
}

function asStringRecord(value: unknown): Record<string, string> | undefined {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  if (!isRecord(v)) {
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'string') {
      out[k] = x;
    }
  }
  return out;
}

/**
 * Log lines from Grafana's Loki frames: the classic frame (`labels`, `Line`, optional
 * `labelTypes`) and the dataplane one (`labels`, `body`). Fields are looked up by name.
 */
export function parseLogSamples(frames: FrameJSON[]): LogSample[] {
  const samples: LogSample[] = [];
  for (const frame of frames) {
    const lines = fieldValues(frame, 'Line') ?? fieldValues(frame, 'body');
    if (!lines) {
      continue;
    }
    const labels = fieldValues(frame, 'labels') ?? [];
    const labelTypes = fieldValues(frame, 'labelTypes');
    lines.forEach((line, i) => {
      if (typeof line !== 'string') {
        return;
      }
      const types = labelTypes ? asStringRecord(labelTypes[i]) : undefined;
      samples.push({ line, labels: asStringRecord(labels[i]) ?? {}, ...(types ? { labelTypes: types } : {}) });
    });
  }
  return samples;
}

/** The label to sample by: the configured one if Loki has it, else the first usual candidate. */
function sampleLabel(labels: string[], candidates: string[]): string | undefined {
  return candidates.find((l) => labels.includes(l));
}

export async function probeLoki(
  client: ProbeClient,
  ds: DataSourceSummary,
  conventions: LogConventions,
  candidates: string[],
  nowMs: number
): Promise<LokiProbe> {
  let labels: string[];
  try {
    labels = parseLabelNames(await client.request({ method: 'GET', url: lokiLabelsUrl(ds, nowMs) }));
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
  const sampledBy = sampleLabel(labels, [conventions.serviceLabel, ...candidates]);
  if (!sampledBy) {
    return { ok: true, labels, samples: [] };
  }
  try {
    const results = await dsQuery(client, {
      queries: [
        {
          refId: 'sample',
          datasource: dsRef(ds),
          expr: lokiSampleQuery(sampledBy, conventions),
          queryType: 'range',
          maxLines: LOG_SAMPLE_SIZE,
          direction: 'backward',
        },
      ],
      ...timeRange(nowMs),
    });
    const error = firstError(results, ['sample']);
    if (error) {
      return { ok: false, error };
    }
    return { ok: true, labels, sampledBy, samples: parseLogSamples(results.sample?.frames ?? []) };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}

// ---------------------------------------------------------------------------------------------
// Tempo: does TraceQL search answer, and with how many traces.

export function tempoSearchQuery(ds: DataSourceSummary): Record<string, unknown> {
  return {
    refId: 'search',
    datasource: dsRef(ds),
    queryType: 'traceql',
    query: ANY_SPAN,
    limit: TRACE_SEARCH_LIMIT,
    tableType: 'traces',
  };
}

/** Traces in a search answer: rows of the `Traces` frame (or of any frame with `traceID`). */
export function countTraces(frames: FrameJSON[]): number {
  let n = 0;
  for (const frame of frames) {
    if (fieldValues(frame, 'traceID') || frame.schema?.name === 'Traces') {
      n += rowCount(frame);
    }
  }
  return n;
}

export async function probeTempo(client: ProbeClient, ds: DataSourceSummary, nowMs: number): Promise<TempoProbe> {
  try {
    const results = await dsQuery(client, { queries: [tempoSearchQuery(ds)], ...timeRange(nowMs) });
    const error = firstError(results, ['search']);
    if (error) {
      return { ok: false, error };
    }
    return { ok: true, traces: countTraces(results.search?.frames ?? []) };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
}
