import type { SceneObjectUrlValues } from '@grafana/scenes';
import type { GraphEdge } from '../../analysis/serviceGraph';
import { GraphEdgeRef, URL_KEYS } from '../../utils/links';

/**
 * The edge whose failing traces are open on the Graph page, in the URL as `client=…&server=…`
 * (src/utils/links.ts `graphEdgeUrl`): the edge list's "Failing traces" button writes it, the
 * node graph's edge menu links to it, a reload opens the same list.
 */

function text(values: SceneObjectUrlValues, key: string): string | undefined {
  const v = values[key];
  const first = typeof v === 'string' ? v : Array.isArray(v) ? v[0] : undefined;
  return first ? first : undefined;
}

/** The open edge of the URL; none unless both ends are named. */
export function openEdgeFromUrl(values: SceneObjectUrlValues): GraphEdgeRef | undefined {
  const client = text(values, URL_KEYS.client);
  const server = text(values, URL_KEYS.server);
  return client !== undefined && server !== undefined ? { client, server } : undefined;
}

export function openEdgeToUrl(edge: GraphEdgeRef | undefined): SceneObjectUrlValues {
  return { [URL_KEYS.client]: edge?.client, [URL_KEYS.server]: edge?.server };
}

export function sameEdge(a: GraphEdgeRef | undefined, b: GraphEdgeRef | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.client === b.client && a.server === b.server);
}

/** The graph's edge with these ends, if it has one. */
export function findEdge(edges: GraphEdge[], edge: GraphEdgeRef): GraphEdge | undefined {
  return edges.find((e) => e.client === edge.client && e.server === edge.server);
}
