import type { GrafanaTheme2 } from '@grafana/data';
import { GraphLinks, GraphPalette, ROW_VALUE } from '../../analysis/serviceGraphFrames';
import type { DataSourceSummary } from '../../datasources/lookup';
import { serviceUrl, UrlTimeRange } from '../../utils/links';
import type { PivotContext } from '../../pivotContext';

/**
 * Links of the service graph's frames and lists, shared by the Graph page and the
 * neighbourhood graph of the Service page.
 */

// A name no service has: `serviceUrl` encodes it, and the encoded form is then swapped for
// Grafana's row placeholder, so the link keeps the builder's path and query.
const SENTINEL = '\u0000pivot-node\u0000';
const ROW_VALUE_IN_URL = ROW_VALUE.replace(/\}$/, ':percentencode}');

/**
 * The Service page link with the clicked node's id in place of the service, percent-encoded: a
 * data link's default format (`encodeURI`) would leave a `/`, `?` or `#` of a name as it is.
 */
export function serviceUrlTemplate(range: UrlTimeRange): string {
  return serviceUrl(SENTINEL, range).replace(encodeURIComponent(SENTINEL), ROW_VALUE_IN_URL);
}

/** What the node graph links to: Service pages always, Tempo and Loki when they are set up. */
export function graphLinks(ctx: PivotContext, range: UrlTimeRange): GraphLinks {
  const { tempo, loki } = ctx.datasources;
  return {
    serviceUrl: serviceUrlTemplate(range),
    tempo: tempo.ok ? { uid: tempo.ds.uid, name: tempo.ds.name } : undefined,
    loki: loki.ok ? { uid: loki.ds.uid, name: loki.ds.name, conventions: ctx.settings.logs } : undefined,
  };
}

/** Health colours from the theme, so the graph reads the same in dark and light themes. */
export function graphPalette(theme: GrafanaTheme2): GraphPalette {
  const named = (name: string) => theme.visualization.getColorByName(name);
  return { ok: named('green'), warning: named('orange'), critical: named('red'), idle: theme.colors.text.disabled };
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
