import type { DataFrame } from '@grafana/data';
import { ConnectionType, CONNECTION_TYPES, GRAPH_REFS } from '../datasources/serviceGraph';

/**
 * The service dependency graph as a plain model (docs/service-graph.md): built from the
 * service-graph metrics (Tempo metrics-generator or the OTel Collector `servicegraph`
 * connector, docs/conventions.md#service-graph-metrics) or from the edges of sampled traces, then narrowed to a
 * view (focus, depth, unhealthy edges, the panel's node limit). Pure: no React, no scenes.
 */

/** The most nodes Grafana's node graph panel draws (docs/conventions.md#panels-and-node-graph-frames). */
export const NODE_GRAPH_LIMIT = 1500;

/** Error ratios from which an edge or a node counts as degraded, then failing. */
export const HEALTH_THRESHOLDS = { warning: 0.01, critical: 0.05 } as const;

export type Health = 'ok' | 'warning' | 'critical' | 'idle';

/**
 * service: writes spans (instrumented). database: a peer reached over a database connection.
 * uninstrumented: a virtual node, a caller or peer that writes no spans (`user`, an external API).
 */
export type NodeKind = 'service' | 'database' | 'uninstrumented';

export interface GraphEdge {
  id: string;
  client: string;
  server: string;
  connectionType: ConnectionType;
  /** Requests per second (metrics) or calls seen (sampled traces). */
  requests: number;
  /** Failed requests per second, or failed calls seen. */
  failed: number;
  /** failed / requests; undefined without requests. */
  errorRatio?: number;
  /** Server-side p95 latency in seconds; metrics only. */
  p95?: number;
  /** Set when p95 is a bucket's bound rather than a measurement (quantileBucketEdge). */
  p95Edge?: QuantileEdge;
}

/**
 * A quantile that fell in the histogram's lowest bucket (the value is at most `bound`: the
 * interpolation between 0 and the bound is a guess) or past its highest finite bucket (at
 * least `bound`: histogram_quantile returns that bound).
 */
export interface QuantileEdge {
  side: 'lowest' | 'highest';
  bound: number;
}

/**
 * Where `value` lies against the histogram's finite bucket bounds: in the lowest bucket
 * (at or below the lowest bound), past the highest (at or above the highest bound), or
 * measured between (undefined). Unknown bounds say nothing.
 */
export function quantileBucketEdge(value: number | undefined, bounds: number[]): QuantileEdge | undefined {
  const finite = bounds.filter((b) => Number.isFinite(b) && b > 0).sort((a, b) => a - b);
  if (value === undefined || !Number.isFinite(value) || finite.length === 0) {
    return undefined;
  }
  const lowest = finite[0];
  const highest = finite[finite.length - 1];
  if (value <= lowest) {
    return { side: 'lowest', bound: lowest };
  }
  if (value >= highest) {
    return { side: 'highest', bound: highest };
  }
  return undefined;
}

export interface GraphNode {
  id: string;
  kind: NodeKind;
  /** Requests it served (sum of its incoming edges); undefined when its stats are not known here. */
  served?: number;
  failed?: number;
  errorRatio?: number;
  /** p95 of the requests it served, in seconds. */
  p95?: number;
  /** Set when p95 is a bucket's bound rather than a measurement. */
  p95Edge?: QuantileEdge;
  /** Requests it sent (sum of its outgoing edges). */
  sent: number;
}

export interface ServiceGraph {
  /** Where the numbers come from: rates from metrics, or counts from a sample of traces. */
  source: 'metrics' | 'sampled';
  /** Traces the sampled graph was built from. */
  sampledTraces?: number;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** One series of an instant query: its labels and its value. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export function health(errorRatio: number | undefined, requests: number): Health {
  if (!(requests > 0) || errorRatio === undefined || !Number.isFinite(errorRatio)) {
    return 'idle';
  }
  if (errorRatio >= HEALTH_THRESHOLDS.critical) {
    return 'critical';
  }
  return errorRatio >= HEALTH_THRESHOLDS.warning ? 'warning' : 'ok';
}

export function isUnhealthy(edge: Pick<GraphEdge, 'errorRatio' | 'requests'>): boolean {
  const h = health(edge.errorRatio, edge.requests);
  return h === 'warning' || h === 'critical';
}

function lastFinite(values: unknown[]): number | undefined {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) {
      return v;
    }
  }
  return undefined;
}

/**
 * The samples of Grafana's Prometheus frames, by refId. Two shapes: one frame per series
 * (time series: `Time` and a number field whose `labels` hold the series' labels), or one
 * table frame (`format: table`: a string field per label, the value in a number field).
 */
export function samplesByRefId(frames: DataFrame[]): Map<string, Sample[]> {
  const byRef = new Map<string, Sample[]>();
  for (const frame of frames) {
    const refId = frame.refId ?? '';
    let out = byRef.get(refId);
    if (!out) {
      out = [];
      byRef.set(refId, out);
    }
    readSamples(frame, out);
  }
  return byRef;
}

export function samplesOf(frames: DataFrame[], refId: string): Sample[] {
  return samplesByRefId(frames.filter((f) => f.refId === refId)).get(refId) ?? [];
}

function readSamples(frame: DataFrame, out: Sample[]): void {
  const numbers = frame.fields.filter((f) => f.type === 'number');
  const strings = frame.fields.filter((f) => f.type === 'string');
  if (strings.length > 0 && numbers.length > 0) {
    const value = numbers[numbers.length - 1];
    for (let row = 0; row < value.values.length; row++) {
      const labels: Record<string, string> = {};
      for (const s of strings) {
        labels[s.name] = String(s.values[row] ?? '');
      }
      const v = value.values[row];
      if (typeof v === 'number') {
        out.push({ labels, value: v });
      }
    }
    return;
  }
  for (const field of numbers) {
    const value = lastFinite(field.values as unknown[]);
    if (value !== undefined || (field.values as unknown[]).some((v) => typeof v === 'number')) {
      out.push({ labels: { ...(field.labels ?? {}) }, value: value ?? NaN });
    }
  }
}

function connectionType(value: string | undefined): ConnectionType {
  return CONNECTION_TYPES.includes((value ?? '') as ConnectionType) ? ((value ?? '') as ConnectionType) : '';
}

const SEP = '\u0000';
const pairKey = (client: string, server: string) => `${client}${SEP}${server}`;

export function edgeId(client: string, server: string): string {
  return `${client} → ${server}`;
}

export interface EdgeInput {
  client: string;
  server: string;
  connectionType?: ConnectionType;
  requests: number;
  failed?: number;
  p95?: number;
}

/**
 * Which ends of the edges write spans. Tempo and the connector mark an edge `virtual_node`
 * when one end wrote no span: the caller (named `user`, or after its peer attributes) or the
 * callee (named after its peer attributes). The end that shows up instrumented elsewhere is
 * the instrumented one; otherwise the client `user` is virtual, else the server is.
 */
function classifyNodes(edges: EdgeInput[]): Map<string, NodeKind> {
  const instrumented = new Set<string>();
  const database = new Set<string>();
  for (const e of edges) {
    const ct = e.connectionType ?? '';
    if (ct === '' || ct === 'messaging_system') {
      instrumented.add(e.client);
      instrumented.add(e.server);
    } else if (ct === 'database') {
      instrumented.add(e.client);
      database.add(e.server);
    }
  }
  const virtual = new Set<string>();
  for (const e of edges) {
    if ((e.connectionType ?? '') !== 'virtual_node') {
      continue;
    }
    const clientKnown = instrumented.has(e.client);
    const serverKnown = instrumented.has(e.server);
    if (clientKnown && !serverKnown) {
      virtual.add(e.server);
    } else if (serverKnown && !clientKnown) {
      virtual.add(e.client);
    } else if (!clientKnown && !serverKnown) {
      if (e.client === 'user') {
        virtual.add(e.client);
        instrumented.add(e.server);
      } else {
        virtual.add(e.server);
        instrumented.add(e.client);
      }
    }
  }
  const kinds = new Map<string, NodeKind>();
  for (const e of edges) {
    for (const id of [e.client, e.server]) {
      if (kinds.has(id)) {
        continue;
      }
      kinds.set(
        id,
        instrumented.has(id) && !virtual.has(id)
          ? 'service'
          : database.has(id)
            ? 'database'
            : virtual.has(id)
              ? 'uninstrumented'
              : 'service'
      );
    }
  }
  return kinds;
}

export interface BuildOptions {
  source: ServiceGraph['source'];
  sampledTraces?: number;
  /** Served p95 per service, in seconds. */
  nodeP95?: Map<string, number>;
  /**
   * Compute served stats only for these nodes: in a neighbourhood, a neighbour's other
   * traffic is not in the data, so its sums would mislead.
   */
  statsFor?: Set<string>;
}

/**
 * The graph from its edges. Edges between the same client and server (several connection
 * types) are merged: rates add up, the p95 kept is the higher one, the connection type of the
 * busier one is kept. Edges without requests are left out.
 */
export function buildGraph(inputs: EdgeInput[], options: BuildOptions): ServiceGraph {
  const merged = new Map<string, EdgeInput>();
  for (const e of inputs) {
    if (!(e.requests > 0) || !e.client || !e.server) {
      continue;
    }
    const key = pairKey(e.client, e.server);
    const prior = merged.get(key);
    if (!prior) {
      merged.set(key, { ...e, failed: e.failed ?? 0 });
      continue;
    }
    const p95 = [prior.p95, e.p95].filter((v): v is number => v !== undefined && Number.isFinite(v));
    merged.set(key, {
      client: e.client,
      server: e.server,
      connectionType: e.requests > prior.requests ? e.connectionType : prior.connectionType,
      requests: prior.requests + e.requests,
      failed: (prior.failed ?? 0) + (e.failed ?? 0),
      p95: p95.length > 0 ? Math.max(...p95) : undefined,
    });
  }
  const edgeInputs = [...merged.values()];
  // Classified before merging: a merged edge keeps one connection type only.
  const kinds = classifyNodes(inputs.filter((e) => e.requests > 0 && e.client && e.server));
  const edges: GraphEdge[] = edgeInputs.map((e) => {
    const failed = Math.min(e.failed ?? 0, e.requests);
    return {
      id: edgeId(e.client, e.server),
      client: e.client,
      server: e.server,
      connectionType: e.connectionType ?? '',
      requests: e.requests,
      failed,
      errorRatio: failed / e.requests,
      p95: e.p95 !== undefined && Number.isFinite(e.p95) ? e.p95 : undefined,
    };
  });

  const nodes = new Map<string, GraphNode & { servedSum: number; failedSum: number }>();
  const node = (id: string) => {
    let n = nodes.get(id);
    if (!n) {
      n = { id, kind: kinds.get(id) ?? 'service', sent: 0, servedSum: 0, failedSum: 0 };
      nodes.set(id, n);
    }
    return n;
  };
  for (const e of edges) {
    node(e.client).sent += e.requests;
    const s = node(e.server);
    s.servedSum += e.requests;
    s.failedSum += e.failed;
  }
  const out: GraphNode[] = [];
  for (const n of nodes.values()) {
    const known = options.statsFor === undefined || options.statsFor.has(n.id);
    const p95 = options.nodeP95?.get(n.id);
    out.push({
      id: n.id,
      kind: n.kind,
      sent: n.sent,
      served: known && n.servedSum > 0 ? n.servedSum : undefined,
      failed: known && n.servedSum > 0 ? n.failedSum : undefined,
      errorRatio: known && n.servedSum > 0 ? n.failedSum / n.servedSum : undefined,
      p95: known && p95 !== undefined && Number.isFinite(p95) ? p95 : undefined,
    });
  }
  return { source: options.source, sampledTraces: options.sampledTraces, nodes: out, edges };
}

/**
 * The graph from the frames of `graphQueries` (src/datasources/serviceGraph.ts): request
 * rate, failed rate and p95 per edge, p95 per server. An edge without a failed series never
 * failed in the window.
 */
export function graphFromMetrics(frames: DataFrame[], options: Pick<BuildOptions, 'statsFor'> = {}): ServiceGraph {
  const key = (s: Sample) =>
    [s.labels.client ?? '', s.labels.server ?? '', connectionType(s.labels.connection_type)].join(SEP);
  const byRef = samplesByRefId(frames);
  const of = (refId: string) => byRef.get(refId) ?? [];
  const failed = new Map(of(GRAPH_REFS.failed).map((s) => [key(s), s.value]));
  const p95 = new Map(of(GRAPH_REFS.edgeP95).map((s) => [key(s), s.value]));
  const nodeP95 = new Map(of(GRAPH_REFS.nodeP95).map((s) => [s.labels.server ?? '', s.value]));
  const inputs: EdgeInput[] = of(GRAPH_REFS.requests).map((s) => ({
    client: s.labels.client ?? '',
    server: s.labels.server ?? '',
    connectionType: connectionType(s.labels.connection_type),
    requests: s.value,
    failed: failed.get(key(s)) ?? 0,
    p95: p95.get(key(s)),
  }));
  const graph = buildGraph(inputs, { source: 'metrics', nodeP95, statsFor: options.statsFor });
  const bounds = of(GRAPH_REFS.latencyBuckets).map((s) => Number(s.labels.le));
  const edgeOf = <T extends { p95?: number }>(item: T): T => {
    const p95Edge = quantileBucketEdge(item.p95, bounds);
    return p95Edge ? { ...item, p95Edge } : item;
  };
  return { ...graph, nodes: graph.nodes.map(edgeOf), edges: graph.edges.map(edgeOf) };
}

/** The edges of analysed traces (`analyzeTrace(frame).edges`). */
export interface TraceEdges {
  edges: Array<{ client: string; server: string; calls: number; errors: number }>;
}

/** The graph of a sample of traces: calls and failed calls counted over the sample, no rates. */
export function graphFromTraces(traces: TraceEdges[]): ServiceGraph {
  const inputs: EdgeInput[] = [];
  for (const t of traces) {
    for (const e of t.edges) {
      inputs.push({ client: e.client, server: e.server, requests: e.calls, failed: e.errors });
    }
  }
  return buildGraph(inputs, { source: 'sampled', sampledTraces: traces.length });
}

export interface ViewOptions {
  /** The service in focus: only it and its neighbours to `depth`. */
  focus?: string;
  /** 1: direct callers and callees; 2: also their callers' callers and callees' callees. */
  depth?: number;
  /** Only edges whose error ratio is at least the warning threshold (and their ends). */
  unhealthyOnly?: boolean;
  /** The most nodes drawn; the node graph panel's limit by default. */
  limit?: number;
}

export type Collapse = 'unhealthy' | 'busiest';

export interface GraphView {
  graph: ServiceGraph;
  /** Nodes and edges before narrowing. */
  total: { nodes: number; edges: number };
  /** How the view was narrowed to fit the limit, when it had to be. */
  collapsed?: Collapse;
  /** The focus is not a node of the graph. */
  focusMissing?: boolean;
  /** What the view shows, when it is not the whole graph, in one or two sentences. */
  message?: string;
}

function subgraph(
  graph: ServiceGraph,
  keep: Set<string>,
  edgeFilter: (e: GraphEdge) => boolean = () => true
): ServiceGraph {
  return {
    ...graph,
    nodes: graph.nodes.filter((n) => keep.has(n.id)),
    edges: graph.edges.filter((e) => keep.has(e.client) && keep.has(e.server) && edgeFilter(e)),
  };
}

/**
 * The focus and its neighbours to `depth`, following edges against their direction for the
 * callers (upstream) and along it for the callees (downstream). Siblings (other callers of a
 * callee) are not neighbours: they are not on a path through the focus.
 */
export function neighbourhood(graph: ServiceGraph, focus: string, depth: number): Set<string> {
  const incoming = new Map<string, string[]>();
  const outgoing = new Map<string, string[]>();
  for (const e of graph.edges) {
    (outgoing.get(e.client) ?? outgoing.set(e.client, []).get(e.client)!).push(e.server);
    (incoming.get(e.server) ?? incoming.set(e.server, []).get(e.server)!).push(e.client);
  }
  const keep = new Set<string>([focus]);
  for (const adjacency of [incoming, outgoing]) {
    let frontier = [focus];
    const seen = new Set<string>([focus]);
    for (let d = 0; d < depth && frontier.length > 0; d++) {
      const next: string[] = [];
      for (const id of frontier) {
        for (const other of adjacency.get(id) ?? []) {
          if (!seen.has(other)) {
            seen.add(other);
            keep.add(other);
            next.push(other);
          }
        }
      }
      frontier = next;
    }
  }
  return keep;
}

function onlyUnhealthy(graph: ServiceGraph, focus?: string): ServiceGraph {
  const edges = graph.edges.filter(isUnhealthy);
  const keep = new Set<string>(focus !== undefined ? [focus] : []);
  for (const e of edges) {
    keep.add(e.client);
    keep.add(e.server);
  }
  return subgraph(graph, keep, isUnhealthy);
}

const traffic = (n: GraphNode) => (n.served ?? 0) + n.sent;

function busiest(graph: ServiceGraph, limit: number, focus?: string): ServiceGraph {
  const ranked = [...graph.nodes].sort((a, b) => traffic(b) - traffic(a) || a.id.localeCompare(b.id));
  const keep = new Set<string>(focus !== undefined && graph.nodes.some((n) => n.id === focus) ? [focus] : []);
  for (const n of ranked) {
    if (keep.size >= limit) {
      break;
    }
    keep.add(n.id);
  }
  return subgraph(graph, keep);
}

const count = (n: number, what: string) => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;

/**
 * What to draw: the focus's neighbourhood, then only unhealthy edges when asked, then, above
 * `limit` nodes, the unhealthy edges only (when the user had not narrowed the graph), and
 * if still too many, the busiest nodes with the focus kept.
 */
export function viewGraph(graph: ServiceGraph, options: ViewOptions = {}): GraphView {
  const limit = options.limit ?? NODE_GRAPH_LIMIT;
  const depth = options.depth === 2 ? 2 : 1;
  const total = { nodes: graph.nodes.length, edges: graph.edges.length };
  const { focus } = options;
  const notes: string[] = [];
  let view = graph;

  if (focus !== undefined && focus !== '') {
    if (!graph.nodes.some((n) => n.id === focus)) {
      return {
        graph: { ...graph, nodes: [], edges: [] },
        total,
        focusMissing: true,
        message: `${focus} has no edges in the service graph for this time range: widen the range, or check that it is the service name the traces carry.`,
      };
    }
    view = subgraph(graph, neighbourhood(graph, focus, depth));
  }
  if (options.unhealthyOnly) {
    view = onlyUnhealthy(view, focus || undefined);
  }

  let collapsed: Collapse | undefined;
  if (view.nodes.length > limit && !options.unhealthyOnly && !focus) {
    view = onlyUnhealthy(view);
    collapsed = 'unhealthy';
    notes.push(
      `The graph has ${count(total.nodes, 'service')}, more than the ${limit.toLocaleString('en-US')} the node graph can draw: showing only the unhealthy edges (error ratio ${HEALTH_THRESHOLDS.warning * 100}% or more). Focus on a service to see its neighbourhood.`
    );
  }
  if (view.nodes.length > limit) {
    const before = view.nodes.length;
    view = busiest(view, limit, focus || undefined);
    collapsed = 'busiest';
    notes.push(
      `${count(before, 'service')} to show, more than the ${limit.toLocaleString('en-US')} the node graph can draw: showing the ${limit.toLocaleString('en-US')} with the most traffic. Focus on a service or filter to unhealthy edges to see the rest.`
    );
  }
  return { graph: view, total, collapsed, message: notes.length > 0 ? notes.join(' ') : undefined };
}
