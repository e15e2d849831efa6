import type { GrafanaTheme2 } from '@grafana/data';
import { GraphLinks, GraphPalette } from '../../analysis/serviceGraphFrames';
import { serviceUrlTemplate, UrlTimeRange } from '../../utils/links';
import type { PivotContext } from '../../pivotContext';

/**
 * Links of the service graph's frames and lists, shared by the Graph page and the
 * neighbourhood graph of the Service page.
 */

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
