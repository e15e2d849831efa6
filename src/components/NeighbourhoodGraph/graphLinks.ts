import type { GrafanaTheme2 } from '@grafana/data';
import { GraphLinks, GraphPalette } from '../../analysis/serviceGraphFrames';
import {
  graphEdgeUrlTemplate,
  GraphUrlOptions,
  serviceRowUrlTemplate,
  SERVICE_LOGS_SECTION,
  UrlTimeRange,
} from '../../utils/links';
import type { PivotContext } from '../../pivotContext';

/**
 * Links of the service graph's frames and lists, shared by the Graph page and the
 * neighbourhood graph of the Service page.
 */

/**
 * What the node graph links to: Service pages always; an edge's failing traces (the Graph page
 * with the edge open, in `view`'s focus and filter: the Graph page passes its own) and its
 * answering service's page when Tempo and Loki are set up, and their raw queries in Explore.
 */
export function graphLinks(
  ctx: PivotContext,
  range: UrlTimeRange,
  view: Pick<GraphUrlOptions, 'focus' | 'depth' | 'unhealthy'> = {}
): GraphLinks {
  const { tempo, loki } = ctx.datasources;
  return {
    serviceUrl: serviceRowUrlTemplate(range),
    edgeUrl: graphEdgeUrlTemplate({
      range,
      focus: view.focus,
      depth: view.depth === 2 ? 2 : undefined,
      unhealthy: view.unhealthy || undefined,
    }),
    logsServiceUrl: serviceRowUrlTemplate(range, undefined, SERVICE_LOGS_SECTION),
    tempo: tempo.ok ? { uid: tempo.ds.uid, name: tempo.ds.name } : undefined,
    loki: loki.ok ? { uid: loki.ds.uid, name: loki.ds.name, conventions: ctx.settings.logs } : undefined,
  };
}

/** Health colours from the theme, so the graph reads the same in dark and light themes. */
export function graphPalette(theme: GrafanaTheme2): GraphPalette {
  const named = (name: string) => theme.visualization.getColorByName(name);
  return { ok: named('green'), warning: named('orange'), critical: named('red'), idle: theme.colors.text.disabled };
}
