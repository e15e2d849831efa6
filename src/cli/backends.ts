/**
 * The two ways `pivot investigate` reaches the data: straight to the Prometheus, Loki and
 * Tempo HTTP APIs, or through Grafana (`/api/ds/query` to the data sources in Pivot's saved
 * settings, read from `/api/plugins/<plugin id>/settings`), so the command uses the same data
 * sources and conventions as the app. Both give the same plain answers (answers.ts).
 */
import type { DataFrame } from '@grafana/data';

import { samplesOf, type Sample } from '../analysis/serviceGraph';
import { PLUGIN_ID } from '../constants';
import { normalizeTraceId, traceById } from '../datasources/traceql';
import { pickTraceFrame } from '../datasources/tempoAnswers';
import { PILLAR_TITLES, PILLAR_TYPES } from '../datasources/lookup';
import { normalizeSettings, Pillar, PivotSettings, PROVISIONED_UIDS } from '../settings';
import {
  grafanaFrames,
  grafanaLogLines,
  grafanaTraceHits,
  LogLine,
  lokiLines,
  otlpTraceFrame,
  prometheusVector,
  TraceHit,
  tempoHits,
  tempoSpanTable,
} from './answers';
import { BackendError, getJson } from './http';

export interface PromQuery {
  refId: string;
  expr: string;
}

export interface Window {
  fromMs: number;
  toMs: number;
}

export interface Backends {
  /** Where each pillar's data comes from, in words: a URL, or a Grafana data source uid. */
  sources: Partial<Record<Pillar, string>>;
  /** Instant queries evaluated at `window.toMs` (their range windows are in the expressions). */
  prometheus?: (queries: PromQuery[], window: Window) => Promise<Map<string, Sample[]>>;
  /** Log lines of a LogQL query over the window, newest first, at most `limit`. */
  loki?: (expr: string, window: Window, limit: number) => Promise<LogLine[]>;
  tempo?: {
    search: (query: string, window: Window, limit: number) => Promise<TraceHit[]>;
    /**
     * A span sample of a TraceQL query (`limit` traces, `spansPerTrace` spans each) as Grafana's
     * `Spans` table frames (`tableType: 'spans'`), the selected attributes as fields.
     */
    spans: (query: string, window: Window, limit: number, spansPerTrace: number) => Promise<DataFrame[]>;
    /** The trace frame, undefined when Tempo does not have the trace. */
    trace: (traceId: string, window: Window) => Promise<DataFrame | undefined>;
  };
}

export interface DirectUrls {
  prometheus?: string;
  loki?: string;
  tempo?: string;
  timeoutMs: number;
}

const seconds = (ms: number) => String(Math.floor(ms / 1000));
const nanoseconds = (ms: number) => `${Math.floor(ms)}000000`;

/** The three HTTP APIs, each only when its URL is given. */
export function directBackends(urls: DirectUrls): Backends {
  const { timeoutMs } = urls;
  const backends: Backends = { sources: {} };
  const prometheus = urls.prometheus;
  if (prometheus) {
    backends.sources.prometheus = prometheus;
    backends.prometheus = async (queries, window) => {
      const answers = await Promise.all(
        queries.map(async (q) => {
          const params = new URLSearchParams({ query: q.expr, time: (window.toMs / 1000).toFixed(3) });
          const url = `${prometheus}/api/v1/query?${params.toString()}`;
          const { body } = await getJson({ backend: 'Prometheus', url, timeoutMs });
          return [q.refId, prometheusVector(body, q.expr)] as const;
        })
      );
      return new Map(answers);
    };
  }
  const loki = urls.loki;
  if (loki) {
    backends.sources.loki = loki;
    backends.loki = async (expr, window, limit) => {
      const params = new URLSearchParams({
        query: expr,
        start: nanoseconds(window.fromMs),
        end: nanoseconds(window.toMs),
        limit: String(limit),
        direction: 'backward',
      });
      const url = `${loki}/loki/api/v1/query_range?${params.toString()}`;
      const { body } = await getJson({ backend: 'Loki', url, timeoutMs });
      return lokiLines(body, expr).slice(0, limit);
    };
  }
  const tempo = urls.tempo;
  if (tempo) {
    backends.sources.tempo = tempo;
    backends.tempo = {
      search: async (query, window, limit) => {
        const params = new URLSearchParams({
          q: query,
          start: seconds(window.fromMs),
          end: String(Math.ceil(window.toMs / 1000)),
          limit: String(limit),
        });
        const { body } = await getJson({
          backend: 'Tempo',
          url: `${tempo}/api/search?${params.toString()}`,
          timeoutMs,
        });
        return tempoHits(body);
      },
      spans: async (query, window, limit, spansPerTrace) => {
        const params = new URLSearchParams({
          q: query,
          start: seconds(window.fromMs),
          end: String(Math.ceil(window.toMs / 1000)),
          limit: String(limit),
          spss: String(spansPerTrace),
        });
        const { body } = await getJson({
          backend: 'Tempo',
          url: `${tempo}/api/search?${params.toString()}`,
          timeoutMs,
        });
        return tempoSpanTable(body);
      },
      trace: async (traceId) => {
        const url = `${tempo}/api/traces/${encodeURIComponent(normalizeTraceId(traceId))}`;
        try {
          const { body } = await getJson({ backend: 'Tempo', url, timeoutMs });
          return otlpTraceFrame(body);
        } catch (error) {
          if (error instanceof BackendError && / answered 404 /.test(error.message)) {
            return undefined;
          }
          throw error;
        }
      },
    };
  }
  return backends;
}

export interface GrafanaOptions {
  url: string;
  token: string;
  timeoutMs: number;
}

/** Pivot's saved settings, as the app reads them (`normalizeSettings`). */
export async function pivotSettings(options: GrafanaOptions): Promise<PivotSettings> {
  const url = `${options.url}/api/plugins/${PLUGIN_ID}/settings`;
  let body: unknown;
  try {
    ({ body } = await getJson({ backend: 'Grafana', url, headers: auth(options), timeoutMs: options.timeoutMs }));
  } catch (error) {
    if (error instanceof BackendError && / answered 404 /.test(error.message)) {
      throw new BackendError(
        `Pivot (${PLUGIN_ID}) is not installed in the Grafana at ${options.url}: ${error.message}`
      );
    }
    throw error;
  }
  const jsonData = typeof body === 'object' && body !== null ? (body as { jsonData?: unknown }).jsonData : undefined;
  return normalizeSettings(jsonData as Parameters<typeof normalizeSettings>[0]);
}

function auth(options: GrafanaOptions): Record<string, string> {
  return { Authorization: `Bearer ${options.token}` };
}

/** The data source each pillar queries: the one in Pivot's settings, else the provisioned uid (as the app falls back). */
export function grafanaDataSource(settings: PivotSettings, pillar: Pillar): { uid: string; type: string } {
  return { uid: settings.datasources[pillar] ?? PROVISIONED_UIDS[pillar], type: PILLAR_TYPES[pillar] };
}

/** Grafana's `/api/ds/query` request body for one query over a window. */
export function dsQueryBody(
  datasource: { uid: string; type: string },
  query: Record<string, unknown> & { refId: string },
  window: Window
): { queries: Array<Record<string, unknown>>; from: string; to: string } {
  return {
    queries: [{ ...query, datasource }],
    from: String(Math.floor(window.fromMs)),
    to: String(Math.ceil(window.toMs)),
  };
}

/** Through Grafana, with Pivot's saved data sources. */
export function grafanaBackends(options: GrafanaOptions, settings: PivotSettings): Backends {
  const ds = (pillar: Pillar) => grafanaDataSource(settings, pillar);
  async function query(pillar: Pillar, q: Record<string, unknown> & { refId: string }, shown: string, window: Window) {
    const url = `${options.url}/api/ds/query`;
    const { status, body } = await getJson(
      {
        backend: `Grafana (${PILLAR_TITLES[pillar]} data source ${ds(pillar).uid})`,
        url,
        method: 'POST',
        headers: auth(options),
        body: dsQueryBody(ds(pillar), q, window),
        timeoutMs: options.timeoutMs,
      },
      // A failed query comes back 400 (or 207, some failed) with the per-query errors in the usual body.
      [207, 400, 500]
    );
    const hasResults = typeof body === 'object' && body !== null && 'results' in body;
    if (!hasResults && status >= 300) {
      const message = (body as { message?: unknown } | null)?.message;
      throw new BackendError(
        `Grafana at ${url} answered ${status}: ${typeof message === 'string' ? message : JSON.stringify(body)}`
      );
    }
    return grafanaFrames(body, q.refId, shown, `the ${PILLAR_TITLES[pillar]} data source ${ds(pillar).uid}`);
  }
  const sources: Partial<Record<Pillar, string>> = {};
  for (const pillar of ['prometheus', 'loki', 'tempo'] as const) {
    sources[pillar] = `${options.url} data source ${ds(pillar).uid}`;
  }
  return {
    sources,
    prometheus: async (queries, window) => {
      const answers = await Promise.all(
        queries.map(async (q) => {
          const frames = await query(
            'prometheus',
            { refId: q.refId, expr: q.expr, instant: true, range: false },
            q.expr,
            window
          );
          return [q.refId, samplesOf(frames, q.refId)] as const;
        })
      );
      return new Map(answers);
    },
    loki: async (expr, window, limit) => {
      const q = { refId: 'errorLogs', expr, queryType: 'range', maxLines: limit, direction: 'backward' };
      return grafanaLogLines(await query('loki', q, expr, window)).slice(0, limit);
    },
    tempo: {
      search: async (traceql, window, limit) => {
        const q = { refId: 'failingTraces', queryType: 'traceql', query: traceql, limit, tableType: 'traces' };
        return grafanaTraceHits(await query('tempo', q, traceql, window));
      },
      spans: async (traceql, window, limit, spss) => {
        const q = { refId: 'spanSample', queryType: 'traceql', query: traceql, limit, spss, tableType: 'spans' };
        return query('tempo', q, traceql, window);
      },
      trace: async (traceId, window) => {
        const id = traceById(traceId);
        const frames = await query('tempo', { refId: 'trace', queryType: 'traceql', query: id }, id, window);
        const frame = pickTraceFrame(frames);
        return frame && frame.length > 0 ? frame : undefined;
      },
    },
  };
}
