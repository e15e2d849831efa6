import type { DataFrame, Field } from '@grafana/data';

/**
 * Reading Grafana's Tempo trace frame (docs/conventions.md#tempo-trace-frame: one row per
 * span, fields looked up by name) into plain columns, and the value readers that tolerate
 * whatever a cell holds.
 */

const FIELDS = {
  traceId: 'traceID',
  spanId: 'spanID',
  parentSpanId: 'parentSpanID',
  operationName: 'operationName',
  serviceName: 'serviceName',
  kind: 'kind',
  statusCode: 'statusCode',
  statusMessage: 'statusMessage',
  startTime: 'startTime',
  duration: 'duration',
} as const;

type Column = unknown[] | undefined;

/** The frame's columns the analysis reads, each undefined when the frame lacks it. */
export type TraceColumns = Record<keyof typeof FIELDS, Column>;

function fieldByName(frame: DataFrame, name: string): Field | undefined {
  return frame.fields.find((f) => f.name === name);
}

export function traceColumns(frame: DataFrame | undefined): TraceColumns {
  const col = (name: string): Column => (frame ? (fieldByName(frame, name)?.values as Column) : undefined);
  return {
    traceId: col(FIELDS.traceId),
    spanId: col(FIELDS.spanId),
    parentSpanId: col(FIELDS.parentSpanId),
    operationName: col(FIELDS.operationName),
    serviceName: col(FIELDS.serviceName),
    kind: col(FIELDS.kind),
    statusCode: col(FIELDS.statusCode),
    statusMessage: col(FIELDS.statusMessage),
    startTime: col(FIELDS.startTime),
    duration: col(FIELDS.duration),
  };
}

export function text(values: Column, i: number): string {
  const v = values?.[i];
  if (typeof v === 'string') {
    return v;
  }
  return v === undefined || v === null ? '' : String(v);
}

export function number(values: Column, i: number): number {
  const raw = values?.[i];
  const v = typeof raw === 'number' ? raw : Number(raw);
  return Number.isFinite(v) ? v : 0;
}

/** The value as a number, NaN when absent (`Number(null)` is 0, which is a time here). */
export function numberOrNaN(values: Column, i: number): number {
  const raw = values?.[i];
  if (typeof raw === 'number') {
    return raw;
  }
  return raw === undefined || raw === null || raw === '' ? NaN : Number(raw);
}

/** The last instant a JavaScript Date can hold, in epoch ms: later "times" cannot be shown or queried. */
export const MAX_EPOCH_MS = 8.64e15;

/**
 * Rows of the frame: its `length`, else the longest column (frames built by hand may omit
 * it). A length that is not a whole number, or more rows than the columns hold, is a
 * malformed frame: reported, rather than allocating for rows that do not exist.
 */
export function traceFrameRows(frame: DataFrame): { rows: number } | { problem: string } {
  const longest = frame.fields.reduce((max, f) => Math.max(max, f.values?.length ?? 0), 0);
  const length: unknown = frame.length;
  if (length === undefined || length === null || length === 0) {
    return { rows: longest };
  }
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
    const shown = typeof length === 'number' ? String(length) : JSON.stringify(length);
    return { problem: `The trace frame's length is ${shown}, not a whole number of rows.` };
  }
  if (length > longest) {
    return {
      problem: `The trace frame says it has ${length.toLocaleString('en')} rows but its columns hold ${longest.toLocaleString('en')}.`,
    };
  }
  return { rows: length };
}
