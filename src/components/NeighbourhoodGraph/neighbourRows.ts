import type { NodeKind, ServiceGraph } from '../../analysis/serviceGraph';

export interface Neighbour {
  service: string;
  /** A database or an uninstrumented peer has no Service page: it is listed without a link. */
  kind: NodeKind;
  /** Requests per second on the edge between the two services. */
  requestRate: number;
  /** Failed / all requests on the edge. */
  errorRatio: number;
}

export interface Neighbours {
  /** Services that call this one (it is the edge's server). */
  upstream: Neighbour[];
  /** Services this one calls (it is the edge's client). */
  downstream: Neighbour[];
}

/**
 * The service's callers and callees, busiest first: the text version of the neighbourhood
 * graph, read from the same graph model the node graph is drawn from (edges already merged
 * across connection types, idle edges left out). A call to itself is not a neighbour.
 */
export function neighbourRows(graph: ServiceGraph, service: string): Neighbours {
  const kinds = new Map<string, NodeKind>(graph.nodes.map((n) => [n.id, n.kind]));
  const upstream: Neighbour[] = [];
  const downstream: Neighbour[] = [];
  for (const e of graph.edges) {
    if (e.client === e.server) {
      continue;
    }
    const row = (other: string): Neighbour => ({
      service: other,
      kind: kinds.get(other) ?? 'service',
      requestRate: e.requests,
      errorRatio: e.errorRatio ?? 0,
    });
    if (e.server === service) {
      upstream.push(row(e.client));
    } else if (e.client === service) {
      downstream.push(row(e.server));
    }
  }
  const busiestFirst = (a: Neighbour, b: Neighbour) =>
    b.requestRate - a.requestRate || (a.service < b.service ? -1 : 1);
  return { upstream: upstream.sort(busiestFirst), downstream: downstream.sort(busiestFirst) };
}
