/**
 * "Investigate in Pivot": the synchronous half, run by Grafana in `configure(context)` of the
 * panel-menu and Explore links. It ships in the preloaded module, so it does not parse queries:
 * it keeps the Prometheus, Loki and Tempo queries of the panel (variables interpolated, since
 * only here are the dashboard's variables known) and links to Pivot's `investigate` route, which
 * parses them with the official grammars and opens the right page (docs/embedding.md).
 */
import type { RawTimeRange, ScopedVars } from '@grafana/data';
import type { DataQuery, DataSourceRef } from '@grafana/schema';
import { ROUTES } from '../constants';
import { regexAnyOf } from '../datasources/strings';
import { URL_KEYS, UrlTimeRange } from '../utils/links';
import { prefixRoute } from '../utils/routing';
import { QUERY_FIELDS, QueryLanguageSource } from './ids';

/**
 * One query to investigate: its language (by data source type), its text, variables
 * interpolated, and the uid of the data source it ran on when Grafana knows it.
 */
export interface InvestigateTarget {
  source: QueryLanguageSource;
  query: string;
  uid?: string;
}

/** What Grafana's panel-menu and Explore-toolbar contexts have in common. */
export interface InvestigateContext {
  targets?: DataQuery[];
  timeRange?: RawTimeRange;
  scopedVars?: ScopedVars;
  /**
   * The panel's last request (panel menu only): its targets carry the data source each query ran
   * on, the panel's own filled in for queries that inherit it (Grafana's query runners do so).
   */
  data?: { request?: { targets?: DataQuery[] } };
}

export interface InvestigateDeps {
  /**
   * Grafana's interpolation (`getTemplateSrv().replace`) of dashboard and scoped variables;
   * `formatMulti` turns a multi-value variable into text. Unknown variables stay as written,
   * and the investigate page then reads them as "no concrete service".
   */
  interpolate(text: string, scopedVars: ScopedVars | undefined, formatMulti: (value: unknown) => string): string;
  /** The plugin type of a data source reference, when Grafana knows it (`getInstanceSettings`). */
  dataSourceType(ref: DataSourceRef | string): string | undefined;
  /**
   * The uid a reference resolves to (`getInstanceSettings`: a `${ds}` variable becomes the
   * dashboard's current data source), when Grafana knows it.
   */
  dataSourceUid?(ref: DataSourceRef | string): string | undefined;
}

function isSource(type: unknown): type is QueryLanguageSource {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(QUERY_FIELDS, type);
}

/** A multi-value variable's values as the RE2 alternation Grafana's Prometheus and Loki sources write. */
export function formatMultiValue(value: unknown): string {
  if (Array.isArray(value)) {
    const values = value.map(String);
    return values.length === 0 ? '' : regexAnyOf(values);
  }
  return String(value ?? '');
}

type Ref = DataSourceRef | string;

/**
 * The data source a query ran on: its own reference, else (it inherits the panel's) the one
 * the panel's last request ran it on, found by refId. Undefined when neither says.
 */
function refOf(target: DataQuery, context: InvestigateContext | undefined): Ref | undefined {
  const own = target.datasource as Ref | null | undefined;
  if (own) {
    return own;
  }
  const ran = context?.data?.request?.targets?.find((t) => t && t.refId === target.refId);
  return (ran?.datasource as Ref | null | undefined) ?? undefined;
}

function sourceOf(ref: Ref | undefined, deps: InvestigateDeps): QueryLanguageSource | undefined {
  if (!ref) {
    return undefined;
  }
  if (typeof ref !== 'string' && isSource(ref.type)) {
    return ref.type;
  }
  const type = deps.dataSourceType(typeof ref === 'string' ? ref : { uid: ref.uid, type: ref.type });
  return isSource(type) ? type : undefined;
}

/** The uid of a reference as Grafana resolves it; a reference to a variable Grafana cannot resolve has none. */
function uidOf(ref: Ref, deps: InvestigateDeps): string | undefined {
  const resolved = deps.dataSourceUid?.(typeof ref === 'string' ? ref : { uid: ref.uid, type: ref.type });
  const written = typeof ref === 'string' ? ref : ref.uid;
  const uid = resolved ?? (written && !written.includes('$') ? written : undefined);
  return uid ? uid : undefined;
}

function queryText(target: DataQuery, source: QueryLanguageSource): string {
  const value = (target as unknown as Record<string, unknown>)[QUERY_FIELDS[source]];
  return typeof value === 'string' ? value.trim() : '';
}

/** The visible, non-empty Prometheus, Loki and Tempo queries of a context, variables interpolated. */
export function investigateTargets(
  context: InvestigateContext | undefined,
  deps: InvestigateDeps
): InvestigateTarget[] {
  const out: InvestigateTarget[] = [];
  for (const target of context?.targets ?? []) {
    if (!target || target.hide) {
      continue;
    }
    const ref = refOf(target, context);
    const source = sourceOf(ref, deps);
    if (!ref || !source) {
      continue;
    }
    const raw = queryText(target, source);
    if (!raw) {
      continue;
    }
    const query = deps.interpolate(raw, context?.scopedVars, formatMultiValue).trim();
    if (query) {
      out.push({ source, query, uid: uidOf(ref, deps) });
    }
  }
  return out;
}

/** Grafana's raw time range as URL text: relative ranges stay relative, absolute ones become epoch ms. */
export function urlTimeRange(range: RawTimeRange | undefined): UrlTimeRange | undefined {
  if (!range || range.from === undefined || range.to === undefined) {
    return undefined;
  }
  const text = (v: RawTimeRange['from']) => (typeof v === 'string' ? v : v.valueOf());
  return { from: text(range.from), to: text(range.to) };
}

const SOURCES = Object.keys(QUERY_FIELDS) as QueryLanguageSource[];

/** The URL parameter holding, in step with a language's queries, the uid each ran on (empty: unknown). */
export function uidParam(source: QueryLanguageSource): string {
  return `${source}-ds`;
}

/**
 * The investigate route's URL: one repeated parameter per language (`prometheus`, `loki`,
 * `tempo`), in step with it the data source each query ran on (`prometheus-ds`…), and the range.
 */
export function investigateUrl(targets: InvestigateTarget[], range?: UrlTimeRange): string {
  const params = new URLSearchParams();
  for (const t of targets) {
    params.append(t.source, t.query);
    params.append(uidParam(t.source), t.uid ?? '');
  }
  if (range) {
    params.set(URL_KEYS.from, String(range.from));
    params.set(URL_KEYS.to, String(range.to));
  }
  return `${prefixRoute(ROUTES.Investigate)}?${params.toString()}`;
}

/** The targets and range the investigate route was opened with. */
export function readInvestigateUrl(search: string | URLSearchParams): {
  targets: InvestigateTarget[];
  range?: UrlTimeRange;
} {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search;
  const targets: InvestigateTarget[] = [];
  for (const source of SOURCES) {
    const uids = params.getAll(uidParam(source));
    params.getAll(source).forEach((query, i) => {
      if (query.trim()) {
        const uid = uids[i]?.trim();
        targets.push(uid ? { source, query, uid } : { source, query });
      }
    });
  }
  const from = params.get(URL_KEYS.from);
  const to = params.get(URL_KEYS.to);
  return { targets, range: from && to ? { from, to } : undefined };
}

/**
 * The link's `configure`: a path to the investigate route, or undefined (link hidden) when no
 * query of the context is a Prometheus, Loki or Tempo query with text in it.
 */
export function configureInvestigateLink(
  context: InvestigateContext | undefined,
  deps: InvestigateDeps
): { path: string } | undefined {
  const targets = investigateTargets(context, deps);
  if (targets.length === 0) {
    return undefined;
  }
  return { path: investigateUrl(targets, urlTimeRange(context?.timeRange)) };
}
