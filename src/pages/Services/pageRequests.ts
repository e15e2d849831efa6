/**
 * The Services page's two requests (docs/scaling.md#which-pages-read-them), built here for the
 * page (servicesScene.ts, ServicesTable.tsx) and for `npm run bench:queries`
 * (scripts/benchPage.ts), which cannot load @grafana/data: this module imports none.
 *
 * 1. The list, for every service: only what lists the services and orders them. Raw, the
 *    request rate (the raw error ratio has no series for a service that never failed) and the
 *    sort column if it is another; recorded, Pivot's recorded error ratio lists every service
 *    (0 for one that never failed), so it alone with the default order, and the sort column if
 *    it is another.
 * 2. The details of the rows shown (at most SERVICES_PAGE_SIZE at a time): the statistics the
 *    first request did not ask, and the sparkline, for exactly those services (a `=~` matcher of
 *    their names, each escaped as a regex literal).
 */
import type { MetricConventions } from '../../datasources/conventions';
import * as promql from '../../datasources/promql';
import {
  recordedErrorRatio,
  recordedLatencyQuantile,
  recordedRequestRate,
  recordedWindowFor,
} from '../../datasources/redSeries';
import { SPARKLINE_REF, sparklineQuery } from './sparklines';

/** The refIds of the Services page's queries: one per statistic, and the sparklines. */
export const SERVICE_STAT_REFS = {
  requestRate: 'requestRate',
  errorRatio: 'errorRatio',
  p95: 'p95',
  sparkline: SPARKLINE_REF,
} as const;

/** The statistics of a row, named by their refIds. */
export type ServiceStat = 'requestRate' | 'errorRatio' | 'p95';
export const SERVICE_STATS: readonly ServiceStat[] = ['requestRate', 'errorRatio', 'p95'];

/** The latency quantile the table shows. */
const P95 = 0.95;

export interface StatQuery {
  refId: string;
  expr: string;
  instant: boolean;
  range: boolean;
}

/**
 * The window the statistics are over: `$__range`, or with recorded series and a time range of
 * exactly a recorded window's length (1 hour, 5 minutes), that window, read as one recorded
 * sample per service (redSeries.ts recordedWindowFor). Raw queries always use `$__range`.
 */
export function statisticsWindow(recorded: boolean, rangeSeconds: number): string {
  return (recorded && recordedWindowFor(rangeSeconds)) || '$__range';
}

/** The statistics the first request asks for every service, given the column the table sorts by. */
export function listStats(sortKey: string, recorded: boolean): ServiceStat[] {
  // What lists every service: the raw request rate, or the recorded error ratio.
  const list: ServiceStat = recorded ? 'errorRatio' : 'requestRate';
  return SERVICE_STATS.filter((s) => s === list || s === sortKey);
}

/** One statistic over `window`, for every service or for `services` only, raw or recorded. */
export function statisticQuery(
  conv: MetricConventions,
  recorded: boolean,
  stat: ServiceStat,
  window: string,
  services?: string[]
): StatQuery {
  const options = { window, services };
  let expr: string;
  switch (stat) {
    case 'requestRate':
      expr = recorded ? recordedRequestRate(conv, options) : promql.requestRate(conv, options);
      break;
    case 'errorRatio':
      expr = recorded ? recordedErrorRatio(conv, options) : promql.errorRatio(conv, options);
      break;
    case 'p95':
      expr = recorded
        ? recordedLatencyQuantile(conv, { ...options, quantile: P95 })
        : promql.latencyQuantile(conv, { ...options, quantile: P95 });
      break;
  }
  return { refId: SERVICE_STAT_REFS[stat], expr, instant: true, range: false };
}

/** The statistics of the first request: `listStats`, for every service. */
export function listQueries(conv: MetricConventions, recorded: boolean, sortKey: string, window: string): StatQuery[] {
  return listStats(sortKey, recorded).map((stat) => statisticQuery(conv, recorded, stat, window));
}

/**
 * The second request: for `services` (the rows shown, at least one), every statistic not in
 * `listed` (what the first request asked), then the sparkline.
 */
export function rowDetailsQueries(
  conv: MetricConventions,
  recorded: boolean,
  window: string,
  listed: readonly string[],
  services: string[]
): StatQuery[] {
  return [
    ...SERVICE_STATS.filter((s) => !listed.includes(s)).map((stat) =>
      statisticQuery(conv, recorded, stat, window, services)
    ),
    sparklineQuery(conv, recorded, services),
  ];
}
