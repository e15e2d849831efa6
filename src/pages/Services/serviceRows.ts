import { DataFrame, Field, FieldType } from '@grafana/data';
import { ServiceSloStatus, sloBadness } from './serviceSlos';
import { SERVICE_STAT_REFS } from './pageRequests';

export { SERVICE_STAT_REFS } from './pageRequests';

/**
 * The Services page runs one query per statistic (pageRequests.ts). Prometheus answers each
 * with one frame per series (a time field and a number field whose `labels` name the
 * service); this module joins those frames into one row per service, then searches and
 * sorts the rows. Pure, so it is tested with frames shaped like Grafana's.
 */

export interface ServiceRow {
  service: string;
  /** Requests per second over the window. */
  requestRate?: number;
  /** Failed requests / requests over the window, 0..1. */
  errorRatio?: number;
  /** 95th percentile latency, seconds. */
  p95Seconds?: number;
  /** Request rate over time, for the sparkline: finite values in time order. */
  sparkline: number[];
  /** The service's worst SLO (serviceSlos.ts); undefined when it has none. */
  slo?: ServiceSloStatus;
}

function numberField(frame: DataFrame): Field | undefined {
  return frame.fields.find((f) => f.type === FieldType.number);
}

function timeField(frame: DataFrame): Field | undefined {
  return frame.fields.find((f) => f.type === FieldType.time);
}

/** The service a series belongs to: the service label on its value field (or, failing that, on the frame's fields). */
function seriesService(frame: DataFrame, serviceLabel: string): string | undefined {
  for (const field of [numberField(frame), ...frame.fields]) {
    const value = field?.labels?.[serviceLabel];
    if (value !== undefined) {
      return value;
    }
  }
  return undefined;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The last finite value of a series: an instant query has one row, a range query ends at the window's end. */
function lastValue(frame: DataFrame): number | undefined {
  const field = numberField(frame);
  if (!field) {
    return undefined;
  }
  for (let i = field.values.length - 1; i >= 0; i--) {
    const value = finite(field.values[i]);
    if (value !== undefined) {
      return value;
    }
  }
  return undefined;
}

function seriesValues(frame: DataFrame): number[] {
  const values = numberField(frame)?.values ?? [];
  const times = timeField(frame)?.values;
  const points: Array<[number, number]> = [];
  values.forEach((value, i) => {
    const v = finite(value);
    if (v !== undefined) {
      points.push([finite(times?.[i]) ?? i, v]);
    }
  });
  points.sort((a, b) => a[0] - b[0]);
  return points.map(([, v]) => v);
}

/**
 * Joins the per-statistic frames by the service label. A service that has a request rate but
 * no error-ratio series has served no failed request (Prometheus returns no series for an
 * empty error selector), so its error ratio is 0, unless the error-ratio query itself failed
 * (its refId in `failedRefIds`), when it stays unknown. A series without the service label
 * is ignored: it cannot be attributed to a service.
 */
export function joinServiceRows(frames: DataFrame[], serviceLabel: string, failedRefIds: string[] = []): ServiceRow[] {
  const rows = new Map<string, ServiceRow>();
  const row = (service: string): ServiceRow => {
    let r = rows.get(service);
    if (!r) {
      r = { service, sparkline: [] };
      rows.set(service, r);
    }
    return r;
  };

  for (const frame of frames) {
    const service = seriesService(frame, serviceLabel);
    if (service === undefined) {
      continue;
    }
    switch (frame.refId) {
      case SERVICE_STAT_REFS.requestRate:
        row(service).requestRate = lastValue(frame);
        break;
      case SERVICE_STAT_REFS.errorRatio:
        row(service).errorRatio = lastValue(frame);
        break;
      case SERVICE_STAT_REFS.p95:
        row(service).p95Seconds = lastValue(frame);
        break;
      case SERVICE_STAT_REFS.sparkline:
        row(service).sparkline = seriesValues(frame);
        break;
    }
  }

  if (!failedRefIds.includes(SERVICE_STAT_REFS.errorRatio)) {
    for (const r of rows.values()) {
      if (r.errorRatio === undefined && r.requestRate !== undefined && r.requestRate > 0) {
        r.errorRatio = 0;
      }
    }
  }
  return [...rows.values()];
}

export type SortKey = 'service' | 'requestRate' | 'errorRatio' | 'p95' | 'slo';
export type SortDirection = 'asc' | 'desc';
export interface ServiceSort {
  key: SortKey;
  direction: SortDirection;
}

const SORT_KEYS: SortKey[] = ['service', 'requestRate', 'errorRatio', 'p95', 'slo'];

/** Worst error ratio first: what an on-call engineer looks for first. */
export const DEFAULT_SORT: ServiceSort = { key: 'errorRatio', direction: 'desc' };

/** The sort as it appears in the URL, e.g. `errorRatio-desc`. */
export function formatSort(sort: ServiceSort): string {
  return `${sort.key}-${sort.direction}`;
}

/** Reads a sort from the URL; anything unknown falls back to the default. */
export function parseSort(text: string | null | undefined): ServiceSort {
  const match = /^(\w+)-(asc|desc)$/.exec(text ?? '');
  if (match && (SORT_KEYS as string[]).includes(match[1])) {
    return { key: match[1] as SortKey, direction: match[2] as SortDirection };
  }
  return DEFAULT_SORT;
}

/** Clicking a column: a new column starts in its natural order, the same column flips. */
export function nextSort(current: ServiceSort, key: SortKey): ServiceSort {
  if (current.key === key) {
    return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  }
  return { key, direction: key === 'service' ? 'asc' : 'desc' };
}

function sortValue(row: ServiceRow, key: Exclude<SortKey, 'service'>): number | undefined {
  switch (key) {
    case 'requestRate':
      return row.requestRate;
    case 'errorRatio':
      return row.errorRatio;
    case 'p95':
      return row.p95Seconds;
    case 'slo':
      // Worst first when descending: firing, then least budget left; no SLO goes last.
      return sloBadness(row.slo?.worst);
  }
}

/** Case-insensitive substring match on the service name; blank matches all. */
export function searchRows(rows: ServiceRow[], search: string): ServiceRow[] {
  const needle = search.trim().toLowerCase();
  return needle ? rows.filter((r) => r.service.toLowerCase().includes(needle)) : rows;
}

/**
 * Sorts a copy of the rows. Unknown values go last in either direction (a service with no
 * latency data is not the fastest one); ties are broken by name so the order is stable.
 */
export function sortRows(rows: ServiceRow[], sort: ServiceSort): ServiceRow[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  const byName = (a: ServiceRow, b: ServiceRow) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0);
  const key = sort.key;
  if (key === 'service') {
    return [...rows].sort((a, b) => sign * byName(a, b));
  }
  return [...rows].sort((a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    if (va === undefined || vb === undefined) {
      return va === vb ? byName(a, b) : va === undefined ? 1 : -1;
    }
    return va === vb ? byName(a, b) : sign * (va - vb);
  });
}

/** The SVG polyline points of a sparkline in a width x height box (y grows downwards). */
export function sparklinePoints(values: number[], width: number, height: number): string {
  if (values.length === 0) {
    return '';
  }
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values
    .map((v, i) => {
      // A flat series is drawn across the middle rather than on an edge.
      const y = span > 0 ? height - ((v - min) / span) * height : height / 2;
      return `${round(i * step)},${round(y)}`;
    })
    .join(' ');
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
