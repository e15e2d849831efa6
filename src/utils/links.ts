import { ROUTES } from '../constants';
import { prefixRoute } from './routing';

/**
 * Links between Pivot's pages. Every page reads the same URL keys, so a link built here
 * and a URL pasted into an incident channel open the same view.
 */
export const URL_KEYS = {
  from: 'from',
  to: 'to',
  /** Trace page: the focused span. */
  span: 'span',
  /** Graph page: the service in focus, the neighbourhood depth, unhealthy edges only. */
  focus: 'focus',
  depth: 'depth',
  unhealthy: 'unhealthy',
  /** Services page: search text and sort column. */
  search: 'search',
  sort: 'sort',
} as const;

/** A Grafana time range as it appears in URLs: epoch milliseconds or relative (`now-1h`). */
export interface UrlTimeRange {
  from: string | number;
  to: string | number;
}

type Params = Record<string, string | number | boolean | undefined>;

function withQuery(path: string, params: Params): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '' && value !== false) {
      query.set(key, String(value));
    }
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

function rangeParams(range?: UrlTimeRange): Params {
  return range ? { [URL_KEYS.from]: range.from, [URL_KEYS.to]: range.to } : {};
}

export function servicesUrl(range?: UrlTimeRange): string {
  return withQuery(prefixRoute(ROUTES.Services), rangeParams(range));
}

export function serviceUrl(service: string, range?: UrlTimeRange): string {
  return withQuery(`${prefixRoute(ROUTES.Services)}/${encodeURIComponent(service)}`, rangeParams(range));
}

export function traceUrl(traceId: string, options: { range?: UrlTimeRange; spanId?: string } = {}): string {
  return withQuery(`${prefixRoute(ROUTES.Trace)}/${encodeURIComponent(traceId)}`, {
    ...rangeParams(options.range),
    [URL_KEYS.span]: options.spanId,
  });
}

export function graphUrl(options: { range?: UrlTimeRange; focus?: string; depth?: number; unhealthy?: boolean } = {}): string {
  return withQuery(prefixRoute(ROUTES.Graph), {
    ...rangeParams(options.range),
    [URL_KEYS.focus]: options.focus,
    [URL_KEYS.depth]: options.depth,
    [URL_KEYS.unhealthy]: options.unhealthy,
  });
}

export function slosUrl(range?: UrlTimeRange): string {
  return withQuery(prefixRoute(ROUTES.Slos), rangeParams(range));
}

export function sloUrl(name: string, range?: UrlTimeRange): string {
  return withQuery(`${prefixRoute(ROUTES.Slos)}/${encodeURIComponent(name)}`, rangeParams(range));
}
