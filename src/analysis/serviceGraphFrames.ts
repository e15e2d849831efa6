import { t } from '@grafana/i18n';
import { DataFrame, Field, FieldColorModeId, FieldType, NodeGraphDataFrameFieldNames as N } from '@grafana/data';
import type { LogConventions } from '../datasources/conventions';
import { edgeErrorLogs, failingBetween, failingFromUninstrumented, failingToPeer } from '../datasources/serviceGraph';
import { GraphEdge, GraphNode, health, Health, NodeKind, QuantileEdge, ServiceGraph } from './serviceGraph';
import { graphEdgeRowValue, ROW_VALUE, serviceRowValue } from '../utils/links';

/** The node graph's context menu groups its items by the text before the first `/`. */
function menuItem(group: string, title: string): string {
  return `${group}/${title}`;
}

/**
 * Grafana node graph frames (docs/conventions.md#panels-and-node-graph-frames) of a service graph view: `nodes` and
 * `edges`, with `meta.preferredVisualisationType = 'nodeGraph'`. The panel prints numbers with
 * their unit's id rather than formatting them, so stats are written here as text.
 */

/** CSS colours for health, resolved from the theme by the caller (tests use names). */
export interface GraphPalette {
  ok: string;
  warning: string;
  critical: string;
  /** No traffic, or stats not known. */
  idle: string;
}

export const NAMED_PALETTE: GraphPalette = { ok: 'green', warning: 'orange', critical: 'red', idle: 'gray' };

export interface DataSourceRef {
  uid: string;
  name: string;
}

export interface GraphLinks {
  /**
   * The Service page with `ROW_URL_PART` in place of the service (`serviceRowUrlTemplate`): the
   * node menu's "Open the service page", filled with the node's `pivot_service` value.
   */
  serviceUrl?: string;
  /**
   * The Graph page with an edge's failing traces open, as a template with `ROW_URL_PART` in
   * place of the edge (`graphEdgeUrlTemplate`); its menu item needs `tempo` too.
   */
  edgeUrl?: string;
  /**
   * The Service page with `ROW_URL_PART` in place of the service (`serviceRowUrlTemplate`): the
   * edge menu's error logs of the answering service (the page's error-logs section); needs `loki` too.
   */
  logsServiceUrl?: string;
  tempo?: DataSourceRef;
  loki?: DataSourceRef & { conventions: LogConventions };
}

export interface FrameOptions {
  palette?: GraphPalette;
  links?: GraphLinks;
  /** Highlighted in the panel. */
  focus?: string;
}

const THICKNESS = { min: 1, max: 8 } as const;

const KIND_TEXT: Record<NodeKind, string> = {
  service: '',
  database: 'database',
  uninstrumented: 'uninstrumented',
};

const KIND_ICON: Record<NodeKind, string> = {
  service: '',
  database: 'database',
  uninstrumented: 'cloud',
};

const CONNECTION_TEXT: Record<GraphEdge['connectionType'], string> = {
  '': 'direct call',
  database: 'database',
  messaging_system: 'messaging (asynchronous)',
  virtual_node: 'uninstrumented end',
};

function trimmed(n: number, digits: number): string {
  return Number(n.toFixed(digits)).toString();
}

/** Thousands separated by commas; `toLocaleString` costs ~10x more, which shows at 10,000 edges. */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatRequests(value: number, source: ServiceGraph['source']): string {
  if (source === 'sampled') {
    return `${grouped(Math.round(value))} call${Math.round(value) === 1 ? '' : 's'}`;
  }
  if (value >= 100) {
    return `${grouped(Math.round(value))} req/s`;
  }
  return `${trimmed(value, value >= 1 ? 2 : 3)} req/s`;
}

export function formatRatio(ratio: number): string {
  if (ratio === 0) {
    return '0%';
  }
  const pct = ratio * 100;
  return `${pct < 0.01 ? '<0.01' : trimmed(pct, pct >= 10 ? 1 : 2)}%`;
}

export function formatSeconds(seconds: number): string {
  if (seconds < 0.001) {
    return '<1 ms';
  }
  return seconds < 1 ? `${trimmed(seconds * 1000, seconds < 0.01 ? 2 : 0)} ms` : `${trimmed(seconds, 2)} s`;
}

/**
 * A latency quantile as text: `≤ 100 ms` when it fell in the lowest bucket, `≥ 10 s` past the
 * highest (the bucket's bound, not a measurement), the value otherwise.
 */
export function formatQuantile(seconds: number, edge?: QuantileEdge): string {
  if (edge?.side === 'lowest') {
    return `≤ ${formatSeconds(edge.bound)}`;
  }
  if (edge?.side === 'highest') {
    return `≥ ${formatSeconds(edge.bound)}`;
  }
  return formatSeconds(seconds);
}

/** Line width by volume: log scale from the quietest edge (1) to the busiest (8). */
export function thickness(requests: number, busiest: number): number {
  if (!(busiest > 0) || !(requests > 0)) {
    return THICKNESS.min;
  }
  const scale = Math.log1p(requests) / Math.log1p(busiest);
  return Math.round((THICKNESS.min + (THICKNESS.max - THICKNESS.min) * Math.min(1, scale)) * 10) / 10;
}

export function healthColor(h: Health, palette: GraphPalette): string {
  return palette[h];
}

/** What an edge's pivots query: TraceQL for its failing calls, and whose error logs to read. */
export function edgePivots(edge: GraphEdge, kinds: Map<string, NodeKind>): { traceql: string; logsService: string } {
  const serverKind = kinds.get(edge.server) ?? 'service';
  const clientKind = kinds.get(edge.client) ?? 'service';
  if (serverKind !== 'service') {
    // The server writes no spans and no logs: the client's failing calls and logs tell the story.
    return { traceql: failingToPeer(edge), logsService: edge.client };
  }
  if (clientKind !== 'service') {
    return { traceql: failingFromUninstrumented(edge), logsService: edge.server };
  }
  return { traceql: failingBetween(edge), logsService: edge.server };
}

function field(name: string, type: FieldType, values: unknown[], config: Field['config'] = {}): Field {
  return { name, type, values, config };
}

const arc = (name: string, displayName: string, values: number[], color: string) =>
  field(`${N.arc}${name}`, FieldType.number, values, {
    displayName,
    color: { mode: FieldColorModeId.Fixed, fixedColor: color },
  });

const detail = (name: string, displayName: string, values: string[]) =>
  field(`${N.detail}${name}`, FieldType.string, values, { displayName });

/** The node's arcs: served successfully, failed, and unknown (nothing served or not known here); they sum to 1. */
export function nodeArcs(n: GraphNode): { success: number; failed: number; unknown: number } {
  if (n.errorRatio === undefined || !Number.isFinite(n.errorRatio)) {
    return { success: 0, failed: 0, unknown: 1 };
  }
  const failed = Math.min(1, Math.max(0, n.errorRatio));
  return { success: 1 - failed, failed, unknown: 0 };
}

/** A frame of the node graph panel: `nodes` or `edges`, by name (docs/conventions.md). */
function nodeGraphFrame(name: 'nodes' | 'edges', length: number, fields: Field[]): DataFrame {
  return { name, refId: name, length, meta: { preferredVisualisationType: 'nodeGraph' }, fields };
}

/** Field names of the nodes frame's pivots (looked up by name in tests). */
export const NODE_PIVOT_FIELDS = {
  /** Each node's service as a path segment (`serviceRowValue`): its Service page. */
  pivotService: 'pivot_service',
} as const;

/**
 * The node menu's "Open the service page", on a field holding each node's service already
 * written as the URL's path segment (`serviceRowValue`: percent-encoded, `.`/`..` escaped),
 * which the template takes as it is (`${__value.raw:raw}`): the node id filled in by Grafana
 * (`percentencode`) would let a service named `..` open the Services list.
 *
 * Grafana's node graph (docs/conventions.md, Panels and node graph frames) makes a node's menu from the data
 * links of every field of the `nodes` frame that has links, each filled on the node's row
 * (`useLinks`: `getFieldLinksForExplore` per field); it shows in the menu's header only the
 * title, subtitle and the `detail__` fields, and draws only the fields it knows by name (id,
 * title, subtitle, mainstat, secondarystat, arc__*, color, icon, noderadius, highlighted), so
 * this field is neither drawn nor listed as a detail.
 */
function nodeServiceLinkField(nodes: GraphNode[], serviceUrl: string): Field {
  return field(
    NODE_PIVOT_FIELDS.pivotService,
    FieldType.string,
    nodes.map((n) => serviceRowValue(n.id)),
    {
      displayName: 'Service (Pivot link)',
      links: [
        {
          title: menuItem('Pivot', t('pivot.graph.node-link.service-page', 'Open the service page')),
          url: serviceUrl,
        },
      ],
    }
  );
}

/** What a node is: its id, title, kind, icon, the focus mark, and its Service page link. */
function nodeIdentityFields(nodes: GraphNode[], options: FrameOptions): { head: Field[]; marks: Field[] } {
  const serviceUrl = options.links?.serviceUrl;
  return {
    head: [
      field(
        N.id,
        FieldType.string,
        nodes.map((n) => n.id)
      ),
      field(
        N.title,
        FieldType.string,
        nodes.map((n) => n.id)
      ),
      field(
        N.subTitle,
        FieldType.string,
        nodes.map((n) => KIND_TEXT[n.kind])
      ),
    ],
    marks: [
      field(
        N.icon,
        FieldType.string,
        nodes.map((n) => KIND_ICON[n.kind])
      ),
      field(
        N.highlighted,
        FieldType.boolean,
        nodes.map((n) => n.id === options.focus)
      ),
      ...(serviceUrl ? [nodeServiceLinkField(nodes, serviceUrl)] : []),
    ],
  };
}

/** The two lines under a node: requests served (or sent), then error ratio and p95. */
function nodeStatFields(nodes: GraphNode[], source: ServiceGraph['source']): Field[] {
  const rate = (v: number) => formatRequests(v, source);
  return [
    field(
      N.mainStat,
      FieldType.string,
      nodes.map((n) =>
        n.served !== undefined ? rate(n.served) : n.sent > 0 && n.kind === 'service' ? `sends ${rate(n.sent)}` : ''
      )
    ),
    field(
      N.secondaryStat,
      FieldType.string,
      nodes.map((n) =>
        [
          n.errorRatio !== undefined ? `${formatRatio(n.errorRatio)} err` : '',
          n.p95 !== undefined ? `p95 ${formatQuantile(n.p95, n.p95Edge)}` : '',
        ]
          .filter(Boolean)
          .join(' · ')
      )
    ),
  ];
}

/** The ring around a node: success, errors and no data, in the palette's colours. */
function nodeArcFields(nodes: GraphNode[], palette: GraphPalette): Field[] {
  const arcs = nodes.map(nodeArcs);
  return [
    arc(
      'success',
      'Success',
      arcs.map((a) => a.success),
      palette.ok
    ),
    arc(
      'failed',
      'Errors',
      arcs.map((a) => a.failed),
      palette.critical
    ),
    arc(
      'unknown',
      'No data',
      arcs.map((a) => a.unknown),
      palette.idle
    ),
  ];
}

/** The node's details, shown in its menu. */
function nodeDetailFields(nodes: GraphNode[], source: ServiceGraph['source']): Field[] {
  const rate = (v: number | undefined) => (v === undefined ? '' : formatRequests(v, source));
  const sampled = source === 'sampled';
  return [
    detail(
      'kind',
      'Kind',
      nodes.map((n) => n.kind)
    ),
    detail(
      'served',
      sampled ? 'Calls served (sample)' : 'Requests served',
      nodes.map((n) => rate(n.served))
    ),
    detail(
      'error_ratio',
      'Error ratio',
      nodes.map((n) => (n.errorRatio === undefined ? '' : formatRatio(n.errorRatio)))
    ),
    detail(
      'p95',
      'p95 latency (served)',
      nodes.map((n) => (n.p95 === undefined ? '' : formatQuantile(n.p95, n.p95Edge)))
    ),
    detail(
      'sent',
      sampled ? 'Calls sent (sample)' : 'Requests sent',
      nodes.map((n) => rate(n.sent))
    ),
  ];
}

export function nodesFrame(graph: ServiceGraph, options: FrameOptions = {}): DataFrame {
  const { nodes, source } = graph;
  const identity = nodeIdentityFields(nodes, options);
  return nodeGraphFrame('nodes', nodes.length, [
    ...identity.head,
    ...nodeStatFields(nodes, source),
    ...nodeArcFields(nodes, options.palette ?? NAMED_PALETTE),
    ...identity.marks,
    ...nodeDetailFields(nodes, source),
  ]);
}

/** How an edge is drawn: its ends, its two lines of figures, its thickness, colour and dashes. */
function edgeDrawingFields(edges: GraphEdge[], source: ServiceGraph['source'], palette: GraphPalette): Field[] {
  const busiest = edges.reduce((max, e) => Math.max(max, e.requests), 0);
  return [
    field(
      N.id,
      FieldType.string,
      edges.map((e) => e.id)
    ),
    field(
      N.source,
      FieldType.string,
      edges.map((e) => e.client)
    ),
    field(
      N.target,
      FieldType.string,
      edges.map((e) => e.server)
    ),
    field(
      N.mainStat,
      FieldType.string,
      edges.map((e) => formatRequests(e.requests, source))
    ),
    field(
      N.secondaryStat,
      FieldType.string,
      edges.map((e) => (e.errorRatio === undefined ? '' : `${formatRatio(e.errorRatio)} err`))
    ),
    field(
      N.thickness,
      FieldType.number,
      edges.map((e) => thickness(e.requests, busiest))
    ),
    field(
      N.color,
      FieldType.string,
      edges.map((e) => healthColor(health(e.errorRatio, e.requests), palette))
    ),
    field(
      N.strokeDasharray,
      FieldType.string,
      edges.map((e) => (e.connectionType === '' ? '' : '6 4'))
    ),
  ];
}

/** The edge's details, shown in its menu. */
function edgeDetailFields(edges: GraphEdge[], source: ServiceGraph['source']): Field[] {
  return [
    detail(
      'connection',
      'Connection',
      edges.map((e) => CONNECTION_TEXT[e.connectionType])
    ),
    detail(
      'requests',
      source === 'sampled' ? 'Calls (sample)' : 'Request rate',
      edges.map((e) => formatRequests(e.requests, source))
    ),
    detail(
      'error_ratio',
      'Error ratio',
      edges.map((e) => (e.errorRatio === undefined ? '' : formatRatio(e.errorRatio)))
    ),
    detail(
      'p95',
      'p95 latency (server)',
      edges.map((e) => (e.p95 === undefined ? '' : formatQuantile(e.p95, e.p95Edge)))
    ),
  ];
}

/** Field names of the edges frame's pivots (looked up by name in tests). */
export const EDGE_PIVOT_FIELDS = {
  /** Each edge's URL keys (`graphEdgeRowValue`): the Graph page with its failing traces open. */
  pivotEdge: 'pivot_edge',
  /** The answering service as a path segment (`serviceRowValue`): its Service page. */
  pivotLogsService: 'pivot_logs_service',
  traceql: 'traceql',
  logql: 'logql',
} as const;

/**
 * The edge menu's "Failing traces on this edge": Pivot's list of the edge's failing traces on
 * the Graph page (each trace to the Trace page, Explore one link away), in the same tab. Grafana
 * fills the template per clicked edge with this field's value, already URL-encoded.
 */
function edgePivotField(edges: GraphEdge[], edgeUrl: string): Field {
  return field(
    EDGE_PIVOT_FIELDS.pivotEdge,
    FieldType.string,
    edges.map((e) => graphEdgeRowValue(e)),
    {
      displayName: 'Edge (Pivot link)',
      links: [
        {
          title: menuItem('Pivot', t('pivot.graph.edge-link.failing-traces', 'Failing traces on this edge')),
          url: edgeUrl,
          targetBlank: false,
        },
      ],
    }
  );
}

/**
 * The edge menu's "Error logs of the answering service": its Service page, whose error-logs
 * section runs the same errors-only query (`edgeErrorLogs` is `serviceLogs` with errorsOnly),
 * each line linking to its trace; the page's other sections (failing traces, neighbours) are
 * the next steps of the same investigation.
 */
function edgeLogsServiceField(services: string[], serviceUrl: string): Field {
  return field(EDGE_PIVOT_FIELDS.pivotLogsService, FieldType.string, services.map(serviceRowValue), {
    displayName: 'Answering service (Pivot link)',
    links: [
      {
        title: menuItem('Pivot', t('pivot.graph.edge-link.error-logs', 'Error logs of the answering service')),
        url: serviceUrl,
        targetBlank: false,
      },
    ],
  });
}

/** Each edge's failing calls as TraceQL, linked to Tempo in Explore: the raw query, labelled as such. */
function edgeTracesField(queries: string[], tempo: DataSourceRef): Field {
  return field(EDGE_PIVOT_FIELDS.traceql, FieldType.string, queries, {
    displayName: 'Failing calls (TraceQL)',
    links: [
      {
        title: menuItem(
          'Explore',
          t('pivot.graph.edge-link.failing-traces-explore', 'Failing traces query (TraceQL) in Explore')
        ),
        url: '',
        internal: {
          datasourceUid: tempo.uid,
          datasourceName: tempo.name,
          query: { refId: 'A', queryType: 'traceql', query: ROW_VALUE, limit: 20, tableType: 'traces' },
        },
      },
    ],
  });
}

/** Each edge's answering service's error logs as LogQL, linked to Loki in Explore: the raw query, labelled as such. */
function edgeLogsField(queries: string[], loki: DataSourceRef): Field {
  return field(EDGE_PIVOT_FIELDS.logql, FieldType.string, queries, {
    displayName: 'Error logs (LogQL)',
    links: [
      {
        title: menuItem(
          'Explore',
          t('pivot.graph.edge-link.error-logs-explore', 'Error logs query (LogQL) in Explore')
        ),
        url: '',
        internal: {
          datasourceUid: loki.uid,
          datasourceName: loki.name,
          query: { refId: 'A', expr: ROW_VALUE, queryType: 'range' },
        },
      },
    ],
  });
}

export function edgesFrame(graph: ServiceGraph, options: FrameOptions = {}): DataFrame {
  const { edges, source } = graph;
  const kinds = new Map(graph.nodes.map((n) => [n.id, n.kind]));
  const pivots = edges.map((e) => edgePivots(e, kinds));
  const { tempo, loki, edgeUrl, logsServiceUrl } = options.links ?? {};
  const fields = [
    ...edgeDrawingFields(edges, source, options.palette ?? NAMED_PALETTE),
    ...edgeDetailFields(edges, source),
  ];
  // Pivot's pages first in the menu, the raw queries in Explore after them.
  if (tempo && edgeUrl) {
    fields.push(edgePivotField(edges, edgeUrl));
  }
  if (loki && logsServiceUrl) {
    fields.push(
      edgeLogsServiceField(
        pivots.map((p) => p.logsService),
        logsServiceUrl
      )
    );
  }
  if (tempo) {
    fields.push(
      edgeTracesField(
        pivots.map((p) => p.traceql),
        tempo
      )
    );
  }
  if (loki) {
    fields.push(
      edgeLogsField(
        pivots.map((p) => edgeErrorLogs(loki.conventions, p.logsService)),
        loki
      )
    );
  }
  return nodeGraphFrame('edges', edges.length, fields);
}

export function graphFrames(graph: ServiceGraph, options: FrameOptions = {}): [DataFrame, DataFrame] {
  return [nodesFrame(graph, options), edgesFrame(graph, options)];
}
