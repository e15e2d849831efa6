import { DataFrame, DataFrameType, FieldType } from '@grafana/data';

/**
 * Frames shaped like Grafana's own data sources return them (docs/conventions.md#loki-log-frames and #tempo-search-frame),
 * for the Services and Service page tests.
 */

/**
 * One Prometheus series as Grafana's Prometheus data source returns it: one frame per
 * series, a `Time` field and a `Value` field carrying the series labels. An instant query
 * gives one row (`numeric-multi`), a range query one row per step (`timeseries-multi`).
 */
export function promSeries(
  refId: string,
  labels: Record<string, string>,
  points: Array<[number, number]>,
  kind: 'instant' | 'range' = 'instant'
): DataFrame {
  return {
    refId,
    length: points.length,
    meta: {
      type: kind === 'instant' ? DataFrameType.NumericMulti : DataFrameType.TimeSeriesMulti,
      typeVersion: [0, 1],
      custom: { resultType: kind === 'instant' ? 'vector' : 'matrix' },
    },
    fields: [
      { name: 'Time', type: FieldType.time, config: { interval: 15000 }, values: points.map(([t]) => t) },
      {
        name: 'Value',
        type: FieldType.number,
        labels,
        config: { displayNameFromDS: Object.values(labels).join(', ') },
        values: points.map(([, v]) => v),
      },
    ],
  };
}

export interface LogLine {
  timeMs: number;
  line: string;
  /** Stream labels, structured metadata and parsed labels, merged as Grafana does. */
  labels: Record<string, string>;
  /** Per label: `I` indexed, `S` structured metadata, `P` parsed. */
  labelTypes?: Record<string, 'I' | 'S' | 'P'>;
}

/** A Loki logs frame as Grafana 11 to 13 return it (non-dataplane: `labels`, `Time`, `Line`, `tsNs`, `labelTypes`, `id`). */
export function lokiLogsFrame(refId: string, lines: LogLine[]): DataFrame {
  return {
    refId,
    length: lines.length,
    meta: { custom: { frameType: 'LabeledTimeValues' }, typeVersion: [0, 0] },
    fields: [
      { name: 'labels', type: FieldType.other, config: {}, values: lines.map((l) => l.labels) },
      { name: 'Time', type: FieldType.time, config: {}, values: lines.map((l) => l.timeMs) },
      { name: 'Line', type: FieldType.string, config: {}, values: lines.map((l) => l.line) },
      { name: 'tsNs', type: FieldType.string, config: {}, values: lines.map((l) => `${l.timeMs}000000`) },
      {
        name: 'labelTypes',
        type: FieldType.other,
        config: { custom: { hidden: true } },
        values: lines.map((l) => l.labelTypes ?? Object.fromEntries(Object.keys(l.labels).map((k) => [k, 'I']))),
      },
      { name: 'id', type: FieldType.string, config: {}, values: lines.map((l, i) => `${l.timeMs}000000_${i}`) },
    ],
  };
}

/** The dataplane variant of a Loki logs frame (`meta.type = 'log-lines'`: `labels`, `timestamp`, `body`, `id`). */
export function lokiDataplaneFrame(refId: string, lines: LogLine[]): DataFrame {
  return {
    refId,
    length: lines.length,
    meta: { type: DataFrameType.LogLines, typeVersion: [0, 0] },
    fields: [
      { name: 'labels', type: FieldType.other, config: {}, values: lines.map((l) => l.labels) },
      { name: 'timestamp', type: FieldType.time, config: {}, values: lines.map((l) => l.timeMs) },
      { name: 'body', type: FieldType.string, config: {}, values: lines.map((l) => l.line) },
      { name: 'id', type: FieldType.string, config: {}, values: lines.map((l, i) => `${l.timeMs}000000_${i}`) },
    ],
  };
}

export interface SearchTrace {
  traceID: string;
  startTimeMs: number;
  service: string;
  name: string;
  durationMs: number;
}

/** Tempo's search frame `Traces` (docs/conventions.md#tempo-search-frame); the nested span subframes are left empty. */
export function tempoTracesFrame(refId: string, traces: SearchTrace[]): DataFrame {
  return {
    refId,
    name: 'Traces',
    length: traces.length,
    meta: { preferredVisualisationType: 'table', uniqueRowIdFields: [0] },
    fields: [
      { name: 'traceID', type: FieldType.string, config: { unit: 'string' }, values: traces.map((t) => t.traceID) },
      { name: 'startTime', type: FieldType.time, config: {}, values: traces.map((t) => t.startTimeMs) },
      { name: 'traceService', type: FieldType.string, config: {}, values: traces.map((t) => t.service) },
      { name: 'traceName', type: FieldType.string, config: {}, values: traces.map((t) => t.name) },
      {
        name: 'traceDuration',
        type: FieldType.number,
        config: { unit: 'ms' },
        values: traces.map((t) => t.durationMs),
      },
      { name: 'nested', type: FieldType.nestedFrames, config: {}, values: traces.map(() => []) },
    ],
  };
}
