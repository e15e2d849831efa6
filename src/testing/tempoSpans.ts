import { DataFrame, FieldType } from '@grafana/data';

/**
 * Tempo's search answer (`/api/search`: traces, each with `spanSets[].spans[]` and their
 * `attributes` as OTLP key-values, named without scope) and the `Spans` table Grafana's Tempo
 * data source makes of it for a TraceQL query with `tableType: 'spans'`
 * (docs/suspects.md#what-tempo-answers): `traceIdHidden`, `traceService`, `traceName`, `spanID`,
 * `time` (ms), `name`, one string field per attribute key in name order, `duration` (ns); the
 * frame's refId is Grafana's own `traces`; an attribute a span lacks is an empty cell, and so is
 * an empty, zero or false value (Grafana copies only truthy ones).
 */

export interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}

export interface SearchSpan {
  spanID: string;
  name?: string;
  startTimeUnixNano: string;
  durationNanos: string;
  attributes?: Array<{ key: string; value: OtlpValue }>;
}

export interface SearchTraceAnswer {
  traceID: string;
  rootServiceName?: string;
  rootTraceName?: string;
  startTimeUnixNano?: string;
  spanSets?: Array<{ spans: SearchSpan[]; attributes?: Array<{ key: string; value: OtlpValue }> }>;
  spanSet?: { spans: SearchSpan[]; attributes?: Array<{ key: string; value: OtlpValue }> };
}

function valueOf(value: OtlpValue): unknown {
  return value.stringValue || value.intValue || value.doubleValue || value.boolValue || undefined;
}

/** The `Spans` frame Grafana builds from Tempo's search answer `traces`. */
export function grafanaSpansFrame(traces: SearchTraceAnswer[]): DataFrame {
  const sets = (t: SearchTraceAnswer) => t.spanSets ?? (t.spanSet ? [t.spanSet] : []);
  const keys = new Set<string>();
  for (const trace of traces) {
    for (const set of sets(trace)) {
      set.attributes?.forEach((a) => keys.add(a.key));
      set.spans.forEach((s) => s.attributes?.forEach((a) => keys.add(a.key)));
    }
  }
  const attributeKeys = [...keys].sort((a, b) => a.localeCompare(b));
  const rows: Array<Record<string, unknown>> = [];
  const sorted = [...traces].sort((a, b) => Number(b.startTimeUnixNano ?? 0) - Number(a.startTimeUnixNano ?? 0));
  for (const trace of sorted) {
    for (const set of sets(trace)) {
      for (const span of set.spans) {
        const row: Record<string, unknown> = {
          traceIdHidden: trace.traceID,
          traceService: trace.rootServiceName || '',
          traceName: trace.rootTraceName || '',
          spanID: span.spanID,
          time: parseInt(span.startTimeUnixNano, 10) / 1_000_000,
          duration: parseInt(span.durationNanos, 10),
          name: span.name,
        };
        for (const a of [...(set.attributes ?? []), ...(span.attributes ?? [])]) {
          const v = valueOf(a.value);
          if (v !== undefined) {
            row[a.key] = v;
          }
        }
        rows.push(row);
      }
    }
  }
  const field = (name: string, type: FieldType) => ({
    name,
    type,
    config: { displayNameFromDS: name },
    values: rows.map((r) => r[name]),
  });
  return {
    name: 'Spans',
    refId: 'traces',
    length: rows.length,
    meta: { preferredVisualisationType: 'table' },
    fields: [
      { ...field('traceIdHidden', FieldType.string), config: { custom: { hidden: true } } },
      field('traceService', FieldType.string),
      field('traceName', FieldType.string),
      field('spanID', FieldType.string),
      field('time', FieldType.time),
      field('name', FieldType.string),
      ...attributeKeys.map((k) => field(k, FieldType.string)),
      { ...field('duration', FieldType.number), config: { unit: 'ns' } },
    ],
  };
}

export interface SpanRow {
  traceId: string;
  spanId: string;
  timeMs: number;
  name?: string;
  /** Keyed as Tempo names them: without scope (`service.version`, `http.route`). */
  attributes: Record<string, string>;
}

/** A `Spans` frame from rows, through the same path as Tempo's answer. */
export function spansFrame(rows: SpanRow[]): DataFrame {
  return grafanaSpansFrame(
    rows.map((r) => ({
      traceID: r.traceId,
      rootServiceName: 'frontend',
      rootTraceName: 'GET /',
      startTimeUnixNano: `${r.timeMs}000000`,
      spanSets: [
        {
          spans: [
            {
              spanID: r.spanId,
              name: r.name,
              startTimeUnixNano: `${r.timeMs}000000`,
              durationNanos: '1000000',
              attributes: Object.entries(r.attributes).map(([key, v]) => ({ key, value: { stringValue: v } })),
            },
          ],
        },
      ],
    }))
  );
}
