/**
 * OpenMetrics text for backfilling a test Prometheus (`startPrometheus({ openMetrics })`):
 * counters and histograms with escaped label values, timestamps in seconds, `# EOF` at the end.
 * Each series' points must be in time order; promtool rejects out-of-order samples.
 */
import { checkLabelName } from '../datasources/strings';

export type Labels = Record<string, string>;

/** OpenMetrics label values escape only backslash, double quote and newline. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

export function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) {
    return '';
  }
  return `{${entries.map(([k, v]) => `${checkLabelName(k)}="${escapeLabelValue(v)}"`).join(',')}}`;
}

function formatNumber(value: number): string {
  if (value === Infinity) {
    return '+Inf';
  }
  if (value === -Infinity) {
    return '-Inf';
  }
  return Number.isNaN(value) ? 'NaN' : String(value);
}

function checkMetricName(name: string): string {
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) {
    throw new Error(`Invalid metric name ${JSON.stringify(name)}`);
  }
  return name;
}

export interface CounterSeries {
  labels: Labels;
  /** [time in seconds, cumulative value], in time order. */
  points: Array<[number, number]>;
}

/** A counter family `name`, written as `name_total` samples. */
export function counterFamily(name: string, series: CounterSeries[]): string[] {
  const base = checkMetricName(name.replace(/_total$/, ''));
  const lines = [`# TYPE ${base} counter`];
  for (const s of series) {
    const labels = formatLabels(s.labels);
    for (const [t, v] of s.points) {
      lines.push(`${base}_total${labels} ${formatNumber(v)} ${t}`);
    }
  }
  return lines;
}

export interface HistogramPoint {
  time: number;
  /** Cumulative counts per upper bound, increasing bounds; `+Inf` is added from `count`. */
  buckets: Array<[number, number]>;
  count: number;
  sum: number;
}

export interface HistogramSeries {
  labels: Labels;
  points: HistogramPoint[];
}

/** A histogram family `name`: `name_bucket{le}`, `name_count` and `name_sum` series. */
export function histogramFamily(name: string, series: HistogramSeries[]): string[] {
  const base = checkMetricName(name);
  const lines = [`# TYPE ${base} histogram`];
  for (const s of series) {
    const bounds = s.points[0]?.buckets.map(([le]) => le).filter((le) => le !== Infinity) ?? [];
    for (const le of [...bounds, Infinity]) {
      const labels = formatLabels({ ...s.labels, le: formatNumber(le) });
      for (const p of s.points) {
        const bucket = le === Infinity ? p.count : p.buckets.find(([b]) => b === le)?.[1];
        if (bucket === undefined) {
          throw new Error(`histogram ${base}: point at ${p.time} has no bucket le=${le}`);
        }
        lines.push(`${base}_bucket${labels} ${formatNumber(bucket)} ${p.time}`);
      }
    }
    const labels = formatLabels(s.labels);
    for (const p of s.points) {
      lines.push(`${base}_count${labels} ${formatNumber(p.count)} ${p.time}`);
    }
    for (const p of s.points) {
      lines.push(`${base}_sum${labels} ${formatNumber(p.sum)} ${p.time}`);
    }
  }
  return lines;
}

/** The whole exposition: families in order, then `# EOF`. */
export function openMetricsText(families: string[][]): string {
  return [...families.flat(), '# EOF', ''].join('\n');
}
