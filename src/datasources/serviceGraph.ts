/**
 * Queries of the service dependency graph (docs/service-graph.md).
 *
 * PromQL over the service-graph metrics that Tempo's metrics-generator and the OTel Collector
 * `servicegraph` connector write under the same names (docs/conventions.md#service-graph-metrics): one instant
 * query per statistic for the whole graph (never one per edge), grouped by `client`, `server`
 * and `connection_type`, so the graph costs five requests however many edges it has.
 *
 * TraceQL and LogQL for an edge's pivots: the failing calls between a client and a server,
 * and the server's error logs.
 */
import type { LogConventions } from './conventions';
import { serviceLogs } from './logql';
import { checkWindow, LabelMatcher, rate, selector, sumBy } from './promql';
import { traceqlString } from './strings';

/** Calls on each edge (client → server). */
export const SERVICE_GRAPH_REQUESTS = 'traces_service_graph_request_total';
/** The failed calls of each edge. */
export const SERVICE_GRAPH_FAILED = 'traces_service_graph_request_failed_total';
/** Server-side latency of each call, as the server's span measured it. */
export const SERVICE_GRAPH_SERVER_SECONDS_BUCKET = 'traces_service_graph_request_server_seconds_bucket';

/** The labels an edge is identified by. `connection_type` is absent for a plain RPC/HTTP call. */
export const EDGE_LABELS = ['client', 'server', 'connection_type'] as const;

/** Tempo's and the connector's `connection_type` values; '' when the label is absent. */
export type ConnectionType = '' | 'virtual_node' | 'messaging_system' | 'database';
export const CONNECTION_TYPES: readonly ConnectionType[] = ['', 'virtual_node', 'messaging_system', 'database'];

export interface GraphQueryOptions {
  /** A PromQL duration or a Grafana variable such as `$__range`. */
  window: string;
  /**
   * Only the edges touching this service: where it is the server (its callers, upstream) or
   * the client (its callees, downstream). The whole graph when absent.
   */
  service?: string;
}

/**
 * `inner(matchers)` over every edge, or over the edges touching `service` on either side. A
 * service calling itself matches both sides; `or` keeps that series once.
 */
export function touching(service: string | undefined, inner: (matchers: LabelMatcher[]) => string): string {
  if (service === undefined) {
    return inner([]);
  }
  return `${inner([{ label: 'server', op: '=', value: service }])} or ${inner([{ label: 'client', op: '=', value: service }])}`;
}

/** Requests per second on each edge, by client, server and connection type. */
export function edgeRequestRate({ window, service }: GraphQueryOptions): string {
  return touching(service, (m) => sumBy([...EDGE_LABELS], rate(selector(SERVICE_GRAPH_REQUESTS, m), window)));
}

/**
 * Failed requests per second on each edge. An edge that never failed has no series: the
 * frame builder reads it as 0 (the ratio is computed there, with the request rate).
 */
export function edgeFailedRate({ window, service }: GraphQueryOptions): string {
  return touching(service, (m) => sumBy([...EDGE_LABELS], rate(selector(SERVICE_GRAPH_FAILED, m), window)));
}

export interface GraphQuantileOptions extends GraphQueryOptions {
  /** 0 to 1, e.g. 0.95. */
  quantile: number;
}

export function checkQuantile(quantile: number): string {
  if (typeof quantile !== 'number' || !Number.isFinite(quantile) || quantile < 0 || quantile > 1) {
    throw new Error(`Invalid quantile ${String(quantile)}: use a number from 0 to 1, e.g. 0.95`);
  }
  return String(quantile);
}

/** Server-side latency quantile of each edge, in seconds. */
export function edgeLatencyQuantile({ window, service, quantile }: GraphQuantileOptions): string {
  const q = checkQuantile(quantile);
  const buckets = touching(service, (m) =>
    sumBy(['le', ...EDGE_LABELS], rate(selector(SERVICE_GRAPH_SERVER_SECONDS_BUCKET, m), window))
  );
  return `histogram_quantile(${q}, ${buckets})`;
}

/**
 * Latency quantile of the requests each service served (all its incoming edges together), in
 * seconds, by `server`. A quantile cannot be combined from the edges' quantiles, hence a
 * query of its own. With `service`, that service's alone: its neighbours also serve calls
 * that the neighbourhood does not show.
 */
export function nodeLatencyQuantile({ window, service, quantile }: GraphQuantileOptions): string {
  const q = checkQuantile(quantile);
  const matchers: LabelMatcher[] = service === undefined ? [] : [{ label: 'server', op: '=', value: service }];
  return `histogram_quantile(${q}, ${sumBy(['le', 'server'], rate(selector(SERVICE_GRAPH_SERVER_SECONDS_BUCKET, matchers), window))})`;
}

/**
 * The bucket bounds (`le`) of the latency histogram in the window: a quantile at or
 * below the lowest bound, or at the highest, is the bucket's bound, not a measurement
 * (docs/service-graph.md#latency-buckets).
 */
export function latencyBucketBounds({ window, service }: GraphQueryOptions): string {
  const w = checkWindow(window);
  // The series of the edges in view (either side of a focused service), as the quantiles read.
  const series = touching(service, (m) => `last_over_time(${selector(SERVICE_GRAPH_SERVER_SECONDS_BUCKET, m)}[${w}])`);
  return `group by (le) (${series})`;
}

/** The refIds of the graph's queries, shared by the scenes and the frame builder. */
export const GRAPH_REFS = {
  requests: 'graphRequests',
  failed: 'graphFailed',
  edgeP95: 'graphEdgeP95',
  nodeP95: 'graphNodeP95',
  latencyBuckets: 'graphLatencyBuckets',
} as const;

export type GraphRef = (typeof GRAPH_REFS)[keyof typeof GRAPH_REFS];

export interface GraphQuery {
  refId: GraphRef;
  expr: string;
  /** Every graph query is one value per edge over the whole window. */
  instant: true;
  range: false;
}

/** The five instant queries of a graph (whole, or one service's neighbourhood) over `window`. */
export function graphQueries(options: GraphQueryOptions): GraphQuery[] {
  const instant = { instant: true, range: false } as const;
  return [
    { refId: GRAPH_REFS.requests, expr: edgeRequestRate(options), ...instant },
    { refId: GRAPH_REFS.failed, expr: edgeFailedRate(options), ...instant },
    { refId: GRAPH_REFS.edgeP95, expr: edgeLatencyQuantile({ ...options, quantile: 0.95 }), ...instant },
    { refId: GRAPH_REFS.nodeP95, expr: nodeLatencyQuantile({ ...options, quantile: 0.95 }), ...instant },
    { refId: GRAPH_REFS.latencyBuckets, expr: latencyBucketBounds(options), ...instant },
  ];
}

const SERVICE = 'resource.service.name';
/** Span attributes Tempo's generator and the connector read a peer's name from, by default. */
const PEER_ATTRIBUTES = ['span.peer.service', 'span.db.name', 'span.db.system'];

export interface EdgeEnds {
  client: string;
  server: string;
}

/**
 * The failing calls from `client` to `server`: a client span of `client` whose child is a
 * failing server span of `server` (TraceQL's `>` is "direct child of"; the right-hand spans are
 * returned).
 */
export function failingBetween({ client, server }: EdgeEnds): string {
  return (
    `{ ${SERVICE} = ${traceqlString(client)} && kind = client } > ` +
    `{ ${SERVICE} = ${traceqlString(server)} && kind = server && status = error }`
  );
}

/**
 * The failing calls from `client` to a peer that writes no spans (a database, a virtual
 * node): the client's failing client spans naming the peer in one of the attributes the
 * service graph takes peer names from.
 */
export function failingToPeer({ client, server }: EdgeEnds): string {
  const peer = PEER_ATTRIBUTES.map((a) => `${a} = ${traceqlString(server)}`).join(' || ');
  return `{ ${SERVICE} = ${traceqlString(client)} && kind = client && status = error && (${peer}) }`;
}

/** The failing server spans of `server`, for an edge whose caller writes no spans (`user`). */
export function failingFromUninstrumented({ server }: Pick<EdgeEnds, 'server'>): string {
  return `{ ${SERVICE} = ${traceqlString(server)} && kind = server && status = error }`;
}

export const traceql = { failingBetween, failingToPeer, failingFromUninstrumented };

/** The error logs of the service that answers on an edge: the server, or the client when the server writes no logs. */
export function edgeErrorLogs(conv: LogConventions, service: string): string {
  return serviceLogs(conv, { service, errorsOnly: true });
}
