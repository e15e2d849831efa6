/**
 * The Services table's sparklines: the request rate over time of the rows on screen only. The
 * table shows the first SERVICES_PAGE_SIZE rows of its order ("show more" adds as many), and
 * asks one range query for exactly those services, a `=~` matcher of their names each escaped
 * as a regex literal (regexAnyOf) inside a PromQL string (promqlString, via selector): at
 * 10,000 services the page draws 50 sparklines, not 10,000 (docs/scaling.md).
 */
import type { MetricConventions } from '../../datasources/conventions';
import { requestRate } from '../../datasources/promql';
import { RED_WINDOW, recordedRequestRate } from '../../datasources/redSeries';

/** Points on each sparkline: enough to show a trend, few enough to stay cheap. */
export const SPARKLINE_POINTS = 40;

/** The sparklines' refId (SERVICE_STAT_REFS.sparkline, pageRequests.ts). */
export const SPARKLINE_REF = 'sparkline';

/** Rows the table shows at first, and how many more each "show more" adds. */
export const SERVICES_PAGE_SIZE = 50;

export interface SparklineQuery {
  refId: string;
  expr: string;
  instant: false;
  range: true;
}

/**
 * The request rate over time of `services` (at least one), by service: from the raw series at
 * `$__rate_interval`, or from Pivot's recorded 5-minute rate.
 */
export function sparklineQuery(conv: MetricConventions, recorded: boolean, services: string[]): SparklineQuery {
  const expr = recorded
    ? recordedRequestRate(conv, { services, window: RED_WINDOW })
    : requestRate(conv, { services, window: '$__rate_interval' });
  return { refId: SPARKLINE_REF, expr, instant: false, range: true };
}
