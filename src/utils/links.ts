import { ROUTES } from '../constants';
import type { DataSourceSummary } from '../datasources/lookup';
import { choiceParams, currentDataSources, DataSourceChoice } from './dataSourceChoice';
import { prefixRoute } from './routing';

/**
 * Links between Pivot's pages. Every page reads the same URL keys, so a link built here
 * and a URL pasted into an incident channel open the same view. Every value is
 * percent-encoded (`$` as `%24`, `[` as `%5B`), so a link Grafana interpolates, such as a
 * data link, keeps it as it is. Every link carries the page's data sources (`var-metrics`,
 * `var-logs`, `var-traces`, src/utils/dataSourceChoice.ts): the page it is made on, unless the
 * builder is given a choice (`{}`: none, the page's own `url` that Scenes adds state to).
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
  /** Graph page: the edge (client → server) whose failing traces are open. */
  client: 'client',
  server: 'server',
  /** Service page: the section brought into view on load (`logs`: its error logs). */
  section: 'section',
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

function withQuery(path: string, params: Params, ds: DataSourceChoice = currentDataSources()): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...params, ...choiceParams(ds) })) {
    if (value !== undefined && value !== '' && value !== false) {
      query.set(key, String(value));
    }
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

// `.` and `..` are dot segments: the browser's URL parser removes them, and `%2E`, `.%2e` or
// `%2e%2e` too (it reads them the same way), so a service named `..` would open the Services
// list. They are written with a `~` in front, and every name of `~`s then one or two dots gets one
// more `~`: `.` → `~.`, `~.` → `~~.`; no other name changes, and each decodes back to itself.
const DOT_SEGMENT = /^~*\.{1,2}$/;
const ESCAPED_DOT_SEGMENT = /^~+\.{1,2}$/;

/** A value as one path segment of a Pivot URL; the route reads it back with `fromPathSegment`. */
export function pathSegment(value: string): string {
  return encodeURIComponent(DOT_SEGMENT.test(value) ? `~${value}` : value);
}

/** The value `pathSegment` wrote, from the route parameter (which the router has percent-decoded). */
export function fromPathSegment(param: string): string {
  return ESCAPED_DOT_SEGMENT.test(param) ? param.slice(1) : param;
}

function rangeParams(range?: UrlTimeRange): Params {
  return range ? { [URL_KEYS.from]: range.from, [URL_KEYS.to]: range.to } : {};
}

export function servicesUrl(range?: UrlTimeRange, ds?: DataSourceChoice): string {
  return withQuery(prefixRoute(ROUTES.Services), rangeParams(range), ds);
}

export function serviceUrl(service: string, range?: UrlTimeRange, ds?: DataSourceChoice): string {
  return withQuery(`${prefixRoute(ROUTES.Services)}/${pathSegment(service)}`, rangeParams(range), ds);
}

/**
 * The Service page's error-logs section, by its name (the PillarSection `name` serviceScene.ts
 * gives it): `section=logs` brings it into view on load.
 */
export const SERVICE_LOGS_SECTION = 'logs';

/** The Service page scrolled to one of its sections on load (`logs`: the error logs). */
export function serviceSectionUrl(
  service: string,
  section: string,
  range?: UrlTimeRange,
  ds?: DataSourceChoice
): string {
  return withQuery(
    `${prefixRoute(ROUTES.Services)}/${pathSegment(service)}`,
    { ...rangeParams(range), [URL_KEYS.section]: section },
    ds
  );
}

export function traceUrl(
  traceId: string,
  options: { range?: UrlTimeRange; spanId?: string; ds?: DataSourceChoice } = {}
): string {
  return withQuery(
    `${prefixRoute(ROUTES.Trace)}/${pathSegment(traceId)}`,
    { ...rangeParams(options.range), [URL_KEYS.span]: options.spanId },
    options.ds
  );
}

export interface GraphUrlOptions {
  range?: UrlTimeRange;
  focus?: string;
  depth?: number;
  unhealthy?: boolean;
  ds?: DataSourceChoice;
}

function graphParams(options: GraphUrlOptions): Params {
  return {
    ...rangeParams(options.range),
    [URL_KEYS.focus]: options.focus,
    [URL_KEYS.depth]: options.depth,
    [URL_KEYS.unhealthy]: options.unhealthy,
  };
}

export function graphUrl(options: GraphUrlOptions = {}): string {
  return withQuery(prefixRoute(ROUTES.Graph), graphParams(options), options.ds);
}

/** An edge of the service graph, by its two ends. */
export interface GraphEdgeRef {
  client: string;
  server: string;
}

/** The edge's URL keys, `client=…&server=…`, each name percent-encoded (application/x-www-form-urlencoded). */
export function graphEdgeRowValue(edge: GraphEdgeRef): string {
  return new URLSearchParams({ [URL_KEYS.client]: edge.client, [URL_KEYS.server]: edge.server }).toString();
}

/**
 * The Graph page with the edge's failing traces open (its controls and window as given). The
 * edge's keys come last of the page's own, so `graphEdgeUrlTemplate` can swap them for a row's.
 */
export function graphEdgeUrl(edge: GraphEdgeRef, options: GraphUrlOptions = {}): string {
  return withQuery(
    prefixRoute(ROUTES.Graph),
    { ...graphParams(options), [URL_KEYS.client]: edge.client, [URL_KEYS.server]: edge.server },
    options.ds
  );
}

export function slosUrl(range?: UrlTimeRange, ds?: DataSourceChoice): string {
  return withQuery(prefixRoute(ROUTES.Slos), rangeParams(range), ds);
}

export function sloUrl(name: string, range?: UrlTimeRange, ds?: DataSourceChoice): string {
  return withQuery(`${prefixRoute(ROUTES.Slos)}/${pathSegment(name)}`, rangeParams(range), ds);
}

/** Placeholder Grafana replaces with the clicked row's value (URI-encoded in URLs). */
export const ROW_VALUE = '${__value.raw}';

// A name no service has: a builder encodes it, and the encoded form is then swapped for
// Grafana's row placeholder, so the link keeps the builder's path and query.
const SENTINEL = '\u0000pivot-node\u0000';

/**
 * Placeholder Grafana replaces with the clicked row's value as it is (format `raw`): for rows
 * that hold a part of a URL already encoded by the builders here (`graphEdgeRowValue`,
 * `serviceRowValue`). A data link's default format would encode it a second time.
 */
export const ROW_URL_PART = '${__value.raw:raw}';

/** `url` with the one occurrence of `part` swapped for ROW_URL_PART (a function replacement: no `$` patterns). */
function withRowPart(url: string, part: string): string {
  if (url.split(part).length !== 2) {
    throw new Error('a row template needs its placeholder exactly once');
  }
  return url.replace(part, () => ROW_URL_PART);
}

const SENTINEL_EDGE: GraphEdgeRef = { client: SENTINEL, server: SENTINEL };

/**
 * `graphEdgeUrl` as a data-link template: the clicked row's value (`graphEdgeRowValue` of its
 * edge) in place of the edge's keys. Filled in, it is `graphEdgeUrl` of that edge, character
 * for character.
 */
export function graphEdgeUrlTemplate(options: GraphUrlOptions = {}): string {
  return withRowPart(graphEdgeUrl(SENTINEL_EDGE, options), graphEdgeRowValue(SENTINEL_EDGE));
}

/** The service as the path segment `serviceUrl` writes (dot segments escaped, `pathSegment`). */
export function serviceRowValue(service: string): string {
  return pathSegment(service);
}

/**
 * `serviceSectionUrl` (or `serviceUrl` without a section) as a data-link template: the clicked
 * row's value (`serviceRowValue` of its service) as the path segment. Every Service page link
 * Grafana fills (node menus, edge menus, the waterfall's span services) is this template on a
 * field of such values: filled in, it is the builder's URL character for character, and a
 * service named `.` or `..` keeps its escape (a name filled in with `percentencode` would not:
 * the browser reads `%2e%2e` as `..`).
 */
export function serviceRowUrlTemplate(range: UrlTimeRange, ds?: DataSourceChoice, section?: string): string {
  const url = section ? serviceSectionUrl(SENTINEL, section, range, ds) : serviceUrl(SENTINEL, range, ds);
  return withRowPart(url, serviceRowValue(SENTINEL));
}

/**
 * An Explore link running `query` on `ds` over `range` (Grafana 10+ URL form: `panes` holds
 * one pane as JSON). The query is passed as is: it comes from the builders in src/datasources.
 */
export function exploreUrl(ds: DataSourceSummary, query: Record<string, unknown>, range: UrlTimeRange): string {
  const pane = {
    datasource: ds.uid,
    queries: [{ refId: 'A', datasource: { uid: ds.uid, type: ds.type }, ...query }],
    range: { from: String(range.from), to: String(range.to) },
  };
  const params = new URLSearchParams({ schemaVersion: '1', panes: JSON.stringify({ pivot: pane }) });
  return `/explore?${params.toString()}`;
}
