/**
 * The live suites' readers of Loki and Tempo answers: a log query's lines with their
 * structured metadata, and a trace by id turned into the frame Grafana's Tempo data source
 * makes of it (docs/conventions.md#tempo-trace-frame), for `analyzeTrace`.
 */
import type { DataFrame, FieldType } from '@grafana/data';

import { attributeMap, http } from './harness';

export interface LokiLine {
  /** The entry's time, milliseconds since the epoch (from Loki's nanoseconds). */
  timeMs: number;
  labels: Record<string, string>;
  line: string;
  /** Labels, structured metadata and parsed labels together. */
  metadata: Record<string, string>;
}

/** A log query over [startMs, endMs], forward, with Loki's categorised labels. */
export async function lokiLines(
  base: string,
  query: string,
  startMs: number,
  endMs: number,
  limit = 5000
): Promise<LokiLine[]> {
  const params = new URLSearchParams({
    query,
    start: `${Math.floor(startMs)}000000`,
    end: `${Math.ceil(endMs)}000000`,
    limit: String(limit),
    direction: 'forward',
  });
  const res = await http('GET', `${base}/loki/api/v1/query_range?${params.toString()}`, undefined, 60000);
  if (res.status !== 200) {
    throw new Error(`Loki refused ${query}: ${res.status} ${res.text.slice(0, 300)}`);
  }
  const answer = res.json();
  return (
    answer.data.result as Array<{ stream: Record<string, string>; values: Array<[string, string, any?]> }>
  ).flatMap((stream) =>
    stream.values.map(([ns, line, extra]) => ({
      timeMs: Number(BigInt(ns) / BigInt(1000)) / 1000,
      labels: stream.stream,
      line,
      // Without the categorize-labels flag Loki merges structured metadata into the stream's labels.
      metadata: { ...stream.stream, ...(extra?.structuredMetadata ?? {}), ...(extra?.parsed ?? {}) },
    }))
  );
}

const KINDS: Record<string, string> = {
  SPAN_KIND_SERVER: 'server',
  SPAN_KIND_CLIENT: 'client',
  SPAN_KIND_PRODUCER: 'producer',
  SPAN_KIND_CONSUMER: 'consumer',
  SPAN_KIND_INTERNAL: 'internal',
};
const STATUS: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

/** Tempo writes ids in base64 (protobuf JSON) or hex; Grafana's frame holds hex. */
export function hexId(id: string | undefined): string {
  if (!id) {
    return '';
  }
  if (/^[0-9a-f]+$/i.test(id) && (id.length === 16 || id.length === 32)) {
    return id.toLowerCase();
  }
  return Buffer.from(id, 'base64').toString('hex');
}

export interface TempoSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  service: string;
  kind: string;
  statusCode: number;
  statusMessage: string;
  startMs: number;
  durationMs: number;
  attributes: Record<string, unknown>;
}

/** A trace by id from Tempo's API (`/api/traces/<id>`), its spans; undefined while Tempo has none. */
export async function tempoTrace(base: string, traceId: string): Promise<TempoSpan[] | undefined> {
  const res = await http('GET', `${base}/api/traces/${traceId}`, undefined, 60000);
  if (res.status === 404) {
    return undefined;
  }
  if (res.status !== 200) {
    throw new Error(`Tempo refused trace ${traceId}: ${res.status} ${res.text.slice(0, 300)}`);
  }
  const answer = res.json();
  const batches = answer.batches ?? answer.resourceSpans ?? answer.trace?.resourceSpans ?? [];
  return batches.flatMap((rs: any) => {
    const service = String(attributeMap(rs.resource?.attributes)['service.name'] ?? '');
    return (rs.scopeSpans ?? rs.instrumentationLibrarySpans ?? []).flatMap((ss: any) =>
      (ss.spans ?? []).map((s: any) => {
        const start = Number(BigInt(s.startTimeUnixNano) / BigInt(1000)) / 1000;
        const end = Number(BigInt(s.endTimeUnixNano) / BigInt(1000)) / 1000;
        return {
          traceId: hexId(s.traceId),
          spanId: hexId(s.spanId),
          parentSpanId: hexId(s.parentSpanId),
          name: s.name,
          service,
          kind: KINDS[s.kind] ?? String(s.kind ?? ''),
          statusCode: typeof s.status?.code === 'number' ? s.status.code : (STATUS[s.status?.code] ?? 0),
          statusMessage: s.status?.message ?? '',
          startMs: start,
          durationMs: end - start,
          attributes: attributeMap(s.attributes),
        };
      })
    );
  });
}

/** The frame Grafana's Tempo data source makes of a trace (one row per span, fields by name). */
export function grafanaTraceFrame(spans: TempoSpan[]): DataFrame {
  // Built by hand (the shape of @grafana/data's DataFrame): @grafana/data needs a browser.
  const column = <T>(name: string, type: `${FieldType}`, values: T[]) => ({
    name,
    type: type as FieldType,
    values,
    config: {},
  });
  const frame: DataFrame = {
    length: spans.length,
    name: 'Trace',
    refId: 'A',
    meta: { preferredVisualisationType: 'trace' },
    fields: [
      column(
        'traceID',
        'string',
        spans.map((s) => s.traceId)
      ),
      column(
        'spanID',
        'string',
        spans.map((s) => s.spanId)
      ),
      column(
        'parentSpanID',
        'string',
        spans.map((s) => s.parentSpanId)
      ),
      column(
        'operationName',
        'string',
        spans.map((s) => s.name)
      ),
      column(
        'serviceName',
        'string',
        spans.map((s) => s.service)
      ),
      column(
        'kind',
        'string',
        spans.map((s) => s.kind)
      ),
      column(
        'statusCode',
        'number',
        spans.map((s) => s.statusCode)
      ),
      column(
        'statusMessage',
        'string',
        spans.map((s) => s.statusMessage)
      ),
      column(
        'serviceTags',
        'other',
        spans.map((s) => [{ key: 'service.name', value: s.service }])
      ),
      column(
        'startTime',
        'number',
        spans.map((s) => s.startMs)
      ),
      column(
        'duration',
        'number',
        spans.map((s) => s.durationMs)
      ),
      column(
        'logs',
        'other',
        spans.map(() => [])
      ),
      column(
        'references',
        'other',
        spans.map(() => [])
      ),
      column(
        'tags',
        'other',
        spans.map((s) => Object.entries(s.attributes).map(([key, value]) => ({ key, value })))
      ),
    ],
  };
  return frame;
}

/** TraceQL search: the traces matching `query` in [startSec, endSec] (at most `limit`). */
export async function tempoSearch(
  base: string,
  query: string,
  startSec: number,
  endSec: number,
  limit = 5000
): Promise<Array<{ traceID: string; rootServiceName?: string; durationMs?: number }>> {
  const params = new URLSearchParams({
    q: query,
    start: String(Math.floor(startSec)),
    end: String(Math.ceil(endSec)),
    limit: String(limit),
    spss: '1',
  });
  const res = await http('GET', `${base}/api/search?${params.toString()}`, undefined, 60000);
  if (res.status !== 200) {
    throw new Error(`Tempo refused ${query}: ${res.status} ${res.text.slice(0, 300)}`);
  }
  return res.json().traces ?? [];
}
