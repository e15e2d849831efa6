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

/** What one service served, to generate its RED metrics with known answers. */
export interface ServiceTraffic {
  service: string;
  requestsPerSecond: number;
  /** Fraction of requests that fail (server spans with error status, or 5xx). */
  errorRatio: number;
  /** Fraction of requests per latency bucket: one per bound of `LATENCY_BOUNDS_SECONDS`, then the +Inf bucket. */
  latencyFractions: number[];
}

/** Bucket bounds, in seconds, of the generated histograms (scaled to the family's unit). */
export const LATENCY_BOUNDS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface TimeGrid {
  /** Unix seconds of the first sample (counters are 0 there). */
  start: number;
  end: number;
  step: number;
}

function times({ start, end, step }: TimeGrid): number[] {
  const out: number[] = [];
  for (let t = start; t <= end; t += step) {
    out.push(t);
  }
  return out;
}

function histogramSeries(
  labels: Labels,
  grid: TimeGrid,
  perSecond: number,
  fractions: number[],
  bounds: number[]
): HistogramSeries {
  const cumulative = bounds.map((_, i) => fractions.slice(0, i + 1).reduce((a, b) => a + b, 0));
  // Each request's duration is taken as its bucket's upper bound (or twice the last bound).
  const meanDuration = fractions.reduce((acc, f, i) => acc + f * (bounds[i] ?? 2 * bounds[bounds.length - 1]), 0);
  return {
    labels,
    points: times(grid).map((time) => {
      const count = perSecond * (time - grid.start);
      return {
        time,
        buckets: bounds.map((le, i) => [le, count * cumulative[i]] as [number, number]),
        count,
        sum: count * meanDuration,
      };
    }),
  };
}

function counterSeries(labels: Labels, grid: TimeGrid, perSecond: number): CounterSeries {
  return { labels, points: times(grid).map((t) => [t, perSecond * (t - grid.start)] as [number, number]) };
}

/**
 * The RED metrics of `traffic` as the family writes them, with the label `serviceLabel`, plus
 * series the queries must ignore: client spans (span metrics; many errors, slow) and 4xx
 * responses counted as successes (HTTP). `info` is the family's METRIC_FAMILIES entry.
 */
export function redMetrics(
  info: { family: string; requests: string; latencyBucket: string; latencyToSeconds: number },
  serviceLabel: string,
  traffic: ServiceTraffic[],
  grid: TimeGrid
): string[][] {
  const bounds = LATENCY_BOUNDS_SECONDS.map((b) => b / info.latencyToSeconds);
  const histogram = info.latencyBucket.replace(/_bucket$/, '');
  if (info.family === 'tempo-spanmetrics' || info.family.startsWith('otel-spanmetrics')) {
    const calls: CounterSeries[] = [];
    const latency: HistogramSeries[] = [];
    for (const t of traffic) {
      const server = { [serviceLabel]: t.service, span_kind: 'SPAN_KIND_SERVER' };
      const client = { [serviceLabel]: t.service, span_kind: 'SPAN_KIND_CLIENT' };
      calls.push(
        counterSeries({ ...server, status_code: 'STATUS_CODE_UNSET' }, grid, t.requestsPerSecond * (1 - t.errorRatio))
      );
      if (t.errorRatio > 0) {
        calls.push(
          counterSeries({ ...server, status_code: 'STATUS_CODE_ERROR' }, grid, t.requestsPerSecond * t.errorRatio)
        );
      }
      calls.push(counterSeries({ ...client, status_code: 'STATUS_CODE_ERROR' }, grid, 7));
      latency.push(histogramSeries(server, grid, t.requestsPerSecond, t.latencyFractions, bounds));
      const slow = bounds.map(() => 0).concat([1]);
      latency.push(histogramSeries(client, grid, 7, slow, bounds));
    }
    return [counterFamily(info.requests, calls), histogramFamily(histogram, latency)];
  }
  const statusLabel = info.family === 'http-semconv' ? 'http_response_status_code' : 'http_status_code';
  const series: HistogramSeries[] = [];
  for (const t of traffic) {
    // Successes split between 200 and 404, failures between 500 and 503.
    const shares: Array<[string, number]> = [
      ['200', (1 - t.errorRatio) * 0.75],
      ['404', (1 - t.errorRatio) * 0.25],
      ['500', t.errorRatio * 0.5],
      ['503', t.errorRatio * 0.5],
    ];
    for (const [status, share] of shares) {
      if (share > 0) {
        const labels = { [serviceLabel]: t.service, [statusLabel]: status };
        series.push(histogramSeries(labels, grid, t.requestsPerSecond * share, t.latencyFractions, bounds));
      }
    }
  }
  return [histogramFamily(histogram, series)];
}

/**
 * The latency bucket, in seconds, holding quantile `q` of `fractions`, and the value Prometheus'
 * `histogram_quantile` interpolates in it (linear within the bucket, from 0 for the first).
 */
export function expectedQuantile(
  fractions: number[],
  q: number
): { lower: number; upper: number; interpolated: number } {
  const bounds = LATENCY_BOUNDS_SECONDS;
  let below = 0;
  for (let i = 0; i < bounds.length; i++) {
    const inBucket = fractions[i];
    if (below + inBucket >= q && inBucket > 0) {
      const lower = i === 0 ? 0 : bounds[i - 1];
      const upper = bounds[i];
      return { lower, upper, interpolated: lower + ((upper - lower) * (q - below)) / inBucket };
    }
    below += inBucket;
  }
  // In the +Inf bucket Prometheus answers the highest finite bound.
  const last = bounds[bounds.length - 1];
  return { lower: last, upper: last, interpolated: last };
}
