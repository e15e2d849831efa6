/**
 * Reading the backends' answers for `pivot investigate`, in both ways it talks to them: the
 * Prometheus, Loki and Tempo HTTP APIs straight, and Grafana's `/api/ds/query` frames. Each
 * becomes the same plain shape (samples, log lines, trace hits, a trace frame), so the rest of
 * the command does not know which way the data came. Shapes:
 * - Prometheus `/api/v1/query`: `{ status, data: { resultType: 'vector', result: [{ metric, value: [t, "v"] }] } }`
 *   (Prometheus HTTP API docs, "Instant queries").
 * - Loki `/loki/api/v1/query_range`: `{ status, data: { resultType: 'streams', result: [{ stream, values: [["<ns>", "<line>", {structuredMetadata?, parsed?}?]] }] } }`
 *   (Loki HTTP API docs, "Query logs within a range of time"; the third element only with the
 *   `categorize-labels` encoding flag, otherwise structured metadata is among `stream`).
 * - Tempo `/api/search`: `{ traces: [{ traceID, rootServiceName, rootTraceName, startTimeUnixNano, durationMs, spanSet?, spanSets? }] }`;
 *   `/api/traces/<id>`: OTLP JSON, `{ batches | resourceSpans: [{ resource, scopeSpans | instrumentationLibrarySpans: [{ spans }] }] }`
 *   with ids in base64 (protobuf JSON) or hex (Tempo HTTP API docs, "Query", "Search").
 * - Grafana frames: docs/conventions.md (Loki log frames, Tempo trace frame, Tempo search frame).
 */
import type { DataFrame, FieldType } from '@grafana/data';

import type { Sample } from '../analysis/serviceGraph';
import { BackendError } from './http';

export interface LogLine {
  /** Epoch ms. */
  timeMs: number;
  line: string;
  /** Stream labels, structured metadata and parsed labels, merged. */
  labels: Record<string, string>;
}

/** One trace of a search, as Tempo lists it. */
export interface TraceHit {
  traceId: string;
  rootService: string;
  rootName: string;
  /** Epoch ms. */
  startMs: number;
  durationMs: number;
  /** Spans of the trace that matched the query, when the answer says. */
  matched?: number;
}

/** Nanoseconds per millisecond (tsconfig's target has no BigInt literals). */
const NS_PER_MS = BigInt(1_000_000);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

function num(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : NaN;
  return n;
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      out[k] = str(v);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Straight to the backends.

/** Prometheus' instant vector; a `status: error` answer (400/422) becomes the error with its message. */
export function prometheusVector(body: unknown, query: string): Sample[] {
  if (!isRecord(body) || (body.status !== 'success' && body.status !== 'error')) {
    throw new BackendError(`Prometheus answered JSON that is not its API's (no status): is this Prometheus' root URL?`);
  }
  if (body.status === 'error') {
    throw new BackendError(`Prometheus refused the query: ${str(body.error)} (query: ${query})`);
  }
  const data = isRecord(body.data) ? body.data : {};
  if (data.resultType !== 'vector' || !Array.isArray(data.result)) {
    throw new BackendError(
      `Prometheus answered a ${str(data.resultType) || 'missing'} result, not a vector (query: ${query})`
    );
  }
  return data.result.filter(isRecord).map((r) => ({
    labels: stringRecord(r.metric),
    value: Array.isArray(r.value) ? num(r.value[1]) : NaN,
  }));
}

/** Loki's streams as lines, newest first. */
export function lokiLines(body: unknown, query: string): LogLine[] {
  if (!isRecord(body) || (body.status !== 'success' && body.status !== 'error')) {
    throw new BackendError(`Loki answered JSON that is not its API's (no status): is this Loki's root URL?`);
  }
  if (body.status === 'error') {
    throw new BackendError(`Loki refused the query: ${str(body.error)} (query: ${query})`);
  }
  const data = isRecord(body.data) ? body.data : {};
  if (data.resultType !== 'streams' || !Array.isArray(data.result)) {
    throw new BackendError(
      `Loki answered a ${str(data.resultType) || 'missing'} result, not streams (query: ${query})`
    );
  }
  const lines: Array<LogLine & { ns: bigint }> = [];
  for (const stream of data.result.filter(isRecord)) {
    const labels = stringRecord(stream.stream);
    for (const entry of Array.isArray(stream.values) ? stream.values : []) {
      if (!Array.isArray(entry) || !/^[0-9]+$/.test(str(entry[0]))) {
        continue;
      }
      const extra = isRecord(entry[2]) ? entry[2] : {};
      const ns = BigInt(str(entry[0]));
      lines.push({
        ns,
        timeMs: Number(ns / NS_PER_MS),
        line: str(entry[1]),
        labels: { ...labels, ...stringRecord(extra.structuredMetadata), ...stringRecord(extra.parsed) },
      });
    }
  }
  lines.sort((a, b) => (a.ns === b.ns ? 0 : a.ns > b.ns ? -1 : 1));
  return lines.map(({ timeMs, line, labels }) => ({ timeMs, line, labels }));
}

/** Tempo's search answer. */
export function tempoHits(body: unknown): TraceHit[] {
  if (!isRecord(body) || !Array.isArray(body.traces ?? [])) {
    throw new BackendError(
      `Tempo answered JSON that is not a search answer (no traces list): is this Tempo's root URL?`
    );
  }
  const traces = Array.isArray(body.traces) ? body.traces : [];
  return traces.filter(isRecord).map((t) => {
    const sets = [
      ...(Array.isArray(t.spanSets) ? t.spanSets : []),
      ...(isRecord(t.spanSet) && !t.spanSets ? [t.spanSet] : []),
    ];
    const matched = sets
      .filter(isRecord)
      .reduce((acc, s) => acc + (Number.isFinite(num(s.matched)) ? num(s.matched) : 0), 0);
    const startNs = str(t.startTimeUnixNano);
    return {
      traceId: str(t.traceID),
      rootService: str(t.rootServiceName),
      rootName: str(t.rootTraceName),
      startMs: /^[0-9]+$/.test(startNs) ? Number(BigInt(startNs) / NS_PER_MS) : NaN,
      durationMs: Number.isFinite(num(t.durationMs)) ? num(t.durationMs) : 0,
      matched: sets.length > 0 ? matched : undefined,
    };
  });
}

/** An OTLP JSON attribute value (`{ stringValue }`, `{ intValue }`, …) as text; undefined for lists and maps. */
function attributeText(value: unknown): string | undefined {
  if (!isRecord(value)) {
    return undefined;
  }
  for (const key of ['stringValue', 'intValue', 'doubleValue', 'boolValue']) {
    const v = value[key];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      return String(v);
    }
  }
  return undefined;
}

/**
 * The spans of a Tempo `/api/search` answer (`spanSets[].spans[]`: `spanID`, `name`,
 * `startTimeUnixNano`, `attributes` named without their scope, as `select()` returns them) as the
 * one frame Grafana's Tempo data source makes of them with `tableType: 'spans'`: `traceIdHidden`,
 * `spanID`, `time`, `name`, then one string field per attribute that any span carries. So both
 * ways of reaching Tempo feed the same reading (src/analysis/suspectFrames.ts).
 */
export function tempoSpanTable(body: unknown): DataFrame[] {
  if (!isRecord(body) || !Array.isArray(body.traces ?? [])) {
    throw new BackendError(
      `Tempo answered JSON that is not a search answer (no traces list): is this Tempo's root URL?`
    );
  }
  const rows: Array<{
    traceId: string;
    spanId: string;
    timeMs: number;
    name?: string;
    attributes: Map<string, string>;
  }> = [];
  const names: string[] = [];
  const seen = new Set<string>();
  for (const t of (Array.isArray(body.traces) ? body.traces : []).filter(isRecord)) {
    const sets = [
      ...(Array.isArray(t.spanSets) ? t.spanSets : []),
      ...(isRecord(t.spanSet) && !t.spanSets ? [t.spanSet] : []),
    ].filter(isRecord);
    for (const set of sets) {
      for (const span of (Array.isArray(set.spans) ? set.spans : []).filter(isRecord)) {
        const attributes = new Map<string, string>();
        for (const a of (Array.isArray(span.attributes) ? span.attributes : []).filter(isRecord)) {
          const key = str(a.key);
          const value = attributeText(a.value);
          if (key === '' || value === undefined || attributes.has(key)) {
            continue;
          }
          attributes.set(key, value);
          if (!seen.has(key)) {
            seen.add(key);
            names.push(key);
          }
        }
        const startNs = str(span.startTimeUnixNano);
        rows.push({
          traceId: str(t.traceID),
          spanId: str(span.spanID),
          timeMs: /^[0-9]+$/.test(startNs) ? Number(BigInt(startNs) / NS_PER_MS) : NaN,
          name: typeof span.name === 'string' ? span.name : undefined,
          attributes,
        });
      }
    }
  }
  const field = (name: string, type: string, values: unknown[]) => ({
    name,
    type: type as FieldType,
    config: {},
    values,
  });
  // Intrinsic columns first; an attribute named like one of them stays out (Tempo's own columns win).
  const intrinsic = new Set(['traceIdHidden', 'spanID', 'time', 'name']);
  return [
    {
      name: 'Spans',
      length: rows.length,
      fields: [
        field(
          'traceIdHidden',
          'string',
          rows.map((r) => r.traceId)
        ),
        field(
          'spanID',
          'string',
          rows.map((r) => r.spanId)
        ),
        field(
          'time',
          'time',
          rows.map((r) => r.timeMs)
        ),
        field(
          'name',
          'string',
          rows.map((r) => r.name)
        ),
        ...names
          .filter((n) => !intrinsic.has(n))
          .map((n) =>
            field(
              n,
              'string',
              rows.map((r) => r.attributes.get(n))
            )
          ),
      ],
    },
  ];
}

const SPAN_KINDS: Record<string, string> = {
  SPAN_KIND_INTERNAL: 'internal',
  SPAN_KIND_SERVER: 'server',
  SPAN_KIND_CLIENT: 'client',
  SPAN_KIND_PRODUCER: 'producer',
  SPAN_KIND_CONSUMER: 'consumer',
  '1': 'internal',
  '2': 'server',
  '3': 'client',
  '4': 'producer',
  '5': 'consumer',
};

const STATUS_CODES: Record<string, number> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
  '0': 0,
  '1': 1,
  '2': 2,
};

/** An OTLP id as lowercase hex: hex as it is (16 or 32 digits), else protobuf JSON's base64. */
export function otlpId(value: unknown): string {
  const text = str(value);
  if (/^([0-9a-fA-F]{16}|[0-9a-fA-F]{32})$/.test(text)) {
    return text.toLowerCase();
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    return '';
  }
  return Buffer.from(text, 'base64').toString('hex');
}

function otlpAttribute(attributes: unknown, key: string): string {
  for (const a of Array.isArray(attributes) ? attributes : []) {
    if (isRecord(a) && a.key === key && isRecord(a.value)) {
      const v = a.value;
      return str(v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue ?? '');
    }
  }
  return '';
}

function nsToMs(value: unknown): number {
  const text = str(value);
  return /^[0-9]+$/.test(text) ? Number(BigInt(text)) / 1e6 : NaN;
}

function field(name: string, type: string, values: unknown[]): DataFrame['fields'][number] {
  return { name, type: type as FieldType, config: {}, values };
}

/**
 * Tempo's trace by id (OTLP JSON) as the trace frame Grafana's Tempo data source makes of it
 * (docs/conventions.md#tempo-trace-frame): one row per span, start and duration in ms, so
 * `analyzeTrace` reads it as the Trace page does.
 */
export function otlpTraceFrame(body: unknown): DataFrame {
  const columns = {
    traceID: [] as string[],
    spanID: [] as string[],
    parentSpanID: [] as string[],
    operationName: [] as string[],
    serviceName: [] as string[],
    kind: [] as string[],
    statusCode: [] as number[],
    statusMessage: [] as string[],
    startTime: [] as number[],
    duration: [] as number[],
  };
  const record = isRecord(body) && isRecord(body.trace) ? body.trace : body;
  const batches = isRecord(record) ? (record.batches ?? record.resourceSpans) : undefined;
  if (!Array.isArray(batches)) {
    throw new BackendError(
      "Tempo answered JSON that is not a trace (no batches or resourceSpans): is this Tempo's root URL?"
    );
  }
  for (const batch of batches.filter(isRecord)) {
    const service = otlpAttribute(isRecord(batch.resource) ? batch.resource.attributes : undefined, 'service.name');
    const scopes = batch.scopeSpans ?? batch.instrumentationLibrarySpans;
    for (const scope of (Array.isArray(scopes) ? scopes : []).filter(isRecord)) {
      for (const span of (Array.isArray(scope.spans) ? scope.spans : []).filter(isRecord)) {
        const status = isRecord(span.status) ? span.status : {};
        const start = nsToMs(span.startTimeUnixNano);
        columns.traceID.push(otlpId(span.traceId));
        columns.spanID.push(otlpId(span.spanId));
        columns.parentSpanID.push(otlpId(span.parentSpanId));
        columns.operationName.push(str(span.name));
        columns.serviceName.push(service);
        columns.kind.push(SPAN_KINDS[str(span.kind)] ?? str(span.kind).toLowerCase());
        columns.statusCode.push(STATUS_CODES[str(status.code)] ?? 0);
        columns.statusMessage.push(str(status.message));
        columns.startTime.push(start);
        columns.duration.push(nsToMs(span.endTimeUnixNano) - start);
      }
    }
  }
  const types: Record<keyof typeof columns, string> = {
    traceID: 'string',
    spanID: 'string',
    parentSpanID: 'string',
    operationName: 'string',
    serviceName: 'string',
    kind: 'string',
    statusCode: 'number',
    statusMessage: 'string',
    startTime: 'number',
    duration: 'number',
  };
  return {
    name: 'Trace',
    meta: { preferredVisualisationType: 'trace' },
    length: columns.spanID.length,
    fields: (Object.keys(columns) as Array<keyof typeof columns>).map((name) =>
      field(name, types[name], columns[name])
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// Through Grafana: `/api/ds/query` answers `{ results: { [refId]: { frames?, error? } } }`.

interface FrameJSON {
  schema?: {
    name?: string;
    refId?: string;
    meta?: Record<string, unknown>;
    fields?: Array<{ name?: string; type?: string; labels?: Record<string, string> }>;
  };
  data?: { values?: unknown[][]; entities?: Array<Record<string, number[]> | null> };
}

/** The frames of each refId; a query's error becomes a BackendError naming the query. */
export function grafanaFrames(body: unknown, refId: string, query: string, who = 'the data source'): DataFrame[] {
  const results = isRecord(body) && isRecord(body.results) ? body.results : undefined;
  if (!results) {
    throw new BackendError('Grafana answered JSON without query results: is this the root URL of Grafana?');
  }
  const result = results[refId];
  if (!isRecord(result)) {
    throw new BackendError(`Grafana answered no result for query ${refId} (query: ${query})`);
  }
  if (typeof result.error === 'string' && result.error) {
    throw new BackendError(`${who} refused query ${refId}: ${result.error} (query: ${query})`);
  }
  return (Array.isArray(result.frames) ? (result.frames as FrameJSON[]) : []).map((f) => dataFrame(f, refId));
}

/** A frame's JSON as a DataFrame, with NaN and ±Inf put back from `data.entities`. */
export function dataFrame(frame: FrameJSON, refId: string): DataFrame {
  const fields = frame.schema?.fields ?? [];
  const values = frame.data?.values ?? [];
  const entities = frame.data?.entities ?? [];
  return {
    name: frame.schema?.name,
    refId: frame.schema?.refId ?? refId,
    meta: frame.schema?.meta,
    length: values[0]?.length ?? 0,
    fields: fields.map((f, i) => {
      const column = [...(values[i] ?? [])];
      const special = entities[i];
      const put = (indices: number[] | undefined, value: number) => indices?.forEach((k) => (column[k] = value));
      put(special?.NaN, NaN);
      put(special?.Inf, Infinity);
      put(special?.NegInf, -Infinity);
      return { ...field(f.name ?? '', f.type ?? 'other', column), labels: f.labels };
    }),
  };
}

function column(frame: DataFrame, ...names: string[]): unknown[] | undefined {
  return frame.fields.find((f) => names.includes(f.name))?.values as unknown[] | undefined;
}

/** Log lines of Loki frames, both shapes (`labels`/`Time`/`Line`, dataplane `labels`/`timestamp`/`body`), newest first. */
export function grafanaLogLines(frames: DataFrame[]): LogLine[] {
  const lines: LogLine[] = [];
  for (const frame of frames) {
    const body = column(frame, 'Line', 'body');
    if (!body) {
      continue;
    }
    const labels = column(frame, 'labels');
    const times = column(frame, 'Time', 'timestamp');
    body.forEach((line, i) => {
      let raw = labels?.[i];
      if (typeof raw === 'string') {
        try {
          raw = JSON.parse(raw);
        } catch {
          raw = {};
        }
      }
      lines.push({ timeMs: num(times?.[i]), line: str(line), labels: stringRecord(raw) });
    });
  }
  return lines.sort((a, b) => b.timeMs - a.timeMs);
}

/** Trace hits of Tempo's search frame (`traceID`, `startTime`, `traceService`, `traceName`, `traceDuration`). */
export function grafanaTraceHits(frames: DataFrame[]): TraceHit[] {
  const hits: TraceHit[] = [];
  for (const frame of frames) {
    const ids = column(frame, 'traceID');
    if (!ids || column(frame, 'spanID')) {
      continue;
    }
    const start = column(frame, 'startTime');
    const service = column(frame, 'traceService');
    const name = column(frame, 'traceName');
    const duration = column(frame, 'traceDuration');
    ids.forEach((id, i) => {
      hits.push({
        traceId: str(id),
        rootService: str(service?.[i]),
        rootName: str(name?.[i]),
        startMs: num(start?.[i]),
        durationMs: Number.isFinite(num(duration?.[i])) ? num(duration?.[i]) : 0,
      });
    });
  }
  return hits;
}
