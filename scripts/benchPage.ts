/**
 * The queries of one Services page load, as `npm run bench:queries` sends them
 * (scripts/bench-queries.ts): the metric-family probe, then the page's two requests (the list
 * of every service with its default order's column, then the rest of the rows shown), with raw
 * queries or Pivot's recorded RED series, and the per-service equivalent. Built with the
 * page's own builders (src/pages/Services/pageRequests.ts; scripts/benchPage.test.ts checks
 * they are the page's queries), with Grafana's variables filled in as Grafana would.
 */
import { METRIC_FAMILY_LIST, MetricConventions } from '../src/datasources/conventions';
import { prometheusProbeQueries } from '../src/datasources/probes';
import * as promql from '../src/datasources/promql';
import { SERVICES_PAGE_SIZE } from '../src/pages/Services/sparklines';
import { listQueries, listStats, rowDetailsQueries, statisticsWindow } from '../src/pages/Services/pageRequests';
import { recordedProbeQueries } from '../src/datasources/redSeries';
import { recordedEdgesProbeQuery } from '../src/datasources/recordedEdges';

export interface BenchQuery {
  refId: string;
  expr: string;
  /** Instant at the end of the range, or a range query over it. */
  range: boolean;
}

export interface PageWindow {
  /** `$__range` in seconds. */
  rangeSeconds: number;
  /** `$__rate_interval` in seconds (Grafana: max(interval + scrape interval, 4 x scrape interval)). */
  rateIntervalSeconds: number;
}

/**
 * The probe the app sends once per app load with the family `auto`: every family, their
 * recorded series, and the recorded service-graph edges.
 */
export function probeQueries(serviceLabel = ''): BenchQuery[] {
  return [
    ...prometheusProbeQueries(),
    ...recordedProbeQueries(METRIC_FAMILY_LIST, serviceLabel),
    recordedEdgesProbeQuery(),
  ].map((q) => ({ ...q, range: false }));
}

/** The page's default order's column (serviceRows.ts DEFAULT_SORT, which imports @grafana/data; the test checks). */
export const PAGE_SORT = 'errorRatio';

/** The statistics' window of a page load over `rangeSeconds`, as the page chooses it. */
export function pageWindow(recorded: boolean, rangeSeconds: number): string {
  return statisticsWindow(recorded, rangeSeconds);
}

function bench(q: { refId: string; expr: string; range: boolean }): BenchQuery {
  return { refId: q.refId, expr: q.expr, range: q.range };
}

/**
 * The Services page's first request in its default order: what lists every service and
 * orders them (servicesScene.ts `servicesQueries`, its statistics), variables as written.
 */
export function listTemplates(conv: MetricConventions, recorded: boolean, window: string): BenchQuery[] {
  return listQueries(conv, recorded, PAGE_SORT, window).map(bench);
}

/**
 * The page's second request, once the first answered: the other statistics and the sparklines
 * of the rows shown (pageRequests.ts rowDetailsQueries), variables as written.
 */
export function detailTemplates(
  conv: MetricConventions,
  recorded: boolean,
  window: string,
  services: string[]
): BenchQuery[] {
  return rowDetailsQueries(conv, recorded, window, listStats(PAGE_SORT, recorded), services).map(bench);
}

/** Grafana's interpolation of the two variables the page's queries hold. */
export function interpolate(queries: BenchQuery[], w: PageWindow): BenchQuery[] {
  return queries.map((q) => ({
    ...q,
    expr: q.expr
      .replace(/\$__range\b/g, `${w.rangeSeconds}s`)
      .replace(/\$__rate_interval\b/g, `${w.rateIntervalSeconds}s`),
  }));
}

/** The same four statistics asked for one service (the way Pivot does not do it). */
export function perServiceTemplates(conv: MetricConventions, service: string): BenchQuery[] {
  const whole = { window: '$__range', service };
  return [
    { refId: 'requestRate', expr: promql.requestRate(conv, whole), range: false },
    { refId: 'errorRatio', expr: promql.errorRatio(conv, whole), range: false },
    { refId: 'p95', expr: promql.latencyQuantile(conv, { ...whole, quantile: 0.95 }), range: false },
    { refId: 'sparkline', expr: promql.requestRate(conv, { window: '$__rate_interval', service }), range: true },
  ];
}

/** An instant query's answer: one sample per series. */
export type InstantAnswer = Array<{ metric: Record<string, string>; value: number }>;

/**
 * The rows the page shows first from its first request's answers (raw: request rate and error
 * ratio; recorded: the error ratio alone, which lists every service): its default order
 * (worst error ratio first; no ratio last; ties by name, as serviceRows.ts joinServiceRows and
 * sortRows, which scripts/benchPage.test.ts checks this against), the first SERVICES_PAGE_SIZE.
 */
export function shownServices(answers: Record<string, InstantAnswer>, serviceLabel: string): string[] {
  const ratio = new Map<string, number | undefined>();
  for (const s of answers.requestRate ?? []) {
    const service = s.metric[serviceLabel];
    if (service !== undefined) {
      // A service with requests and no error series never failed (serviceRows.ts joinServiceRows).
      ratio.set(service, s.value > 0 ? 0 : undefined);
    }
  }
  for (const s of answers.errorRatio ?? []) {
    const service = s.metric[serviceLabel];
    if (service !== undefined) {
      ratio.set(service, Number.isFinite(s.value) ? s.value : ratio.get(service));
    }
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...ratio.entries()]
    .sort(([a, ra], [b, rb]) => {
      if (ra === undefined || rb === undefined) {
        return ra === rb ? byName(a, b) : ra === undefined ? 1 : -1;
      }
      return ra === rb ? byName(a, b) : rb - ra;
    })
    .slice(0, SERVICES_PAGE_SIZE)
    .map(([service]) => service);
}
