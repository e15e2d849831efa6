import { DataFrame, LoadingState, PanelData } from '@grafana/data';
import { t } from '@grafana/i18n';
import {
  graphFromMetrics,
  graphFromTraces,
  GraphEdge,
  GraphView,
  health,
  ServiceGraph,
  viewGraph,
} from '../../analysis/serviceGraph';
import { analyzeTrace } from '../../analysis/traceAnalysis';
import type { SceneObjectUrlValues } from '@grafana/scenes';
import { URL_KEYS } from '../../utils/links';
import { sectionDataState } from '../../scenes/dataState';
import { textValues } from '../../utils/i18nValues';
import { isTraceFrame } from '../../datasources/tempoAnswers';

/**
 * The Graph page's decisions, out of React and scenes: what its URL says, which state the
 * page is in, what the edge list shows. docs/service-graph.md describes them in prose.
 */

export interface GraphControls {
  /** The service in focus; the whole graph when absent. */
  focus?: string;
  depth: 1 | 2;
  /** Only unhealthy edges. */
  unhealthy: boolean;
}

export const DEFAULT_CONTROLS: GraphControls = { depth: 1, unhealthy: false };

/** Traces asked of Tempo for the sampled graph: one search, then one request for all of them. */
export const SAMPLED_TRACES = 20;

export function controlsFromUrl(values: SceneObjectUrlValues): GraphControls {
  const text = (key: string) => {
    const v = values[key];
    return typeof v === 'string' ? v : Array.isArray(v) ? v[0] : undefined;
  };
  const focus = text(URL_KEYS.focus);
  const unhealthy = text(URL_KEYS.unhealthy);
  return {
    focus: focus ? focus : undefined,
    depth: text(URL_KEYS.depth) === '2' ? 2 : 1,
    unhealthy: unhealthy === 'true' || unhealthy === '1',
  };
}

/** The URL values of `controls`: defaults stay out, so plain links stay short. */
export function controlsToUrl(controls: GraphControls): SceneObjectUrlValues {
  return {
    [URL_KEYS.focus]: controls.focus || undefined,
    [URL_KEYS.depth]: controls.depth === 2 ? '2' : undefined,
    [URL_KEYS.unhealthy]: controls.unhealthy ? 'true' : undefined,
  };
}

export type GraphStatus =
  | { kind: 'loading'; what: string }
  | { kind: 'error'; message: string }
  /** The service-graph metrics have no series in this window. */
  | { kind: 'missing' }
  /** The sampled graph found no failing trace, or no edge in them. */
  | { kind: 'sampled-empty'; message: string }
  | { kind: 'ready'; graph: ServiceGraph; view: GraphView; warning?: string };

function viewOf(graph: ServiceGraph, controls: GraphControls): GraphView {
  return viewGraph(graph, { focus: controls.focus, depth: controls.depth, unhealthyOnly: controls.unhealthy });
}

/**
 * Whether a runner's data is not an answer yet: not started, or a query still running. The
 * graph is computed from answers only; while a query runs the page keeps what it shows (the
 * previous graph, or the loading state of a first load).
 */
export function isPending(data: PanelData | undefined): boolean {
  return !data || data.state === LoadingState.NotStarted || data.state === LoadingState.Loading;
}

/** The same answer seen through other controls: a new view of the graph already computed. */
export function withControls(status: GraphStatus, controls: GraphControls): GraphStatus {
  return status.kind === 'ready' ? { ...status, view: viewOf(status.graph, controls) } : status;
}

/** The page from the answers to the four service-graph queries. */
export function metricsStatus(data: PanelData | undefined, controls: GraphControls): GraphStatus {
  const state = sectionDataState(data);
  if (state.kind === 'loading') {
    return { kind: 'loading', what: t('pivot.graph.loading.metrics', 'the service-graph metrics') };
  }
  if (state.kind === 'error') {
    return { kind: 'error', message: state.message };
  }
  const graph = graphFromMetrics(data?.series ?? []);
  if (state.kind === 'empty' || graph.edges.length === 0) {
    return { kind: 'missing' };
  }
  return {
    kind: 'ready',
    graph,
    view: viewOf(graph, controls),
    warning: state.kind === 'data' ? state.warning : undefined,
  };
}

/** Trace ids of a Tempo search answer (`Traces` frame, field `traceID`), first seen first. */
export function traceIdsOf(frames: DataFrame[], limit = SAMPLED_TRACES): string[] {
  const ids = new Set<string>();
  for (const frame of frames) {
    const field = frame.fields.find((f) => f.name === 'traceID');
    for (const v of field?.values ?? []) {
      if (typeof v === 'string' && v !== '' && ids.size < limit) {
        ids.add(v);
      }
    }
  }
  return [...ids];
}

/** The search step of the sampled graph. */
export function sampleSearchStatus(
  data: PanelData | undefined
): { kind: 'pending'; status: GraphStatus } | { kind: 'ids'; ids: string[] } {
  const state = sectionDataState(data);
  if (state.kind === 'loading') {
    return {
      kind: 'pending',
      status: { kind: 'loading', what: t('pivot.graph.loading.failing-traces', 'recent failing traces') },
    };
  }
  if (state.kind === 'error') {
    return {
      kind: 'pending',
      status: {
        kind: 'error',
        message: t(
          'pivot.graph.sampled.search-failed',
          'Searching Tempo for failing traces failed: {{message}}',
          textValues({ message: state.message })
        ),
      },
    };
  }
  const ids = traceIdsOf(data?.series ?? []);
  if (ids.length === 0) {
    return {
      kind: 'pending',
      status: {
        kind: 'sampled-empty',
        message: t(
          'pivot.graph.sampled.no-traces',
          'Tempo has no failing trace in this window: widen the time range to sample more.'
        ),
      },
    };
  }
  return { kind: 'ids', ids };
}

/** The sampled graph from the trace frames (one per refId) of the traces fetched by id. */
export function sampledStatus(data: PanelData | undefined, controls: GraphControls): GraphStatus {
  const state = sectionDataState(data);
  if (state.kind === 'loading') {
    return { kind: 'loading', what: t('pivot.graph.loading.sampled-traces', 'the sampled traces') };
  }
  if (state.kind === 'error') {
    return {
      kind: 'error',
      message: t(
        'pivot.graph.sampled.fetch-failed',
        'Fetching the sampled traces failed: {{message}}',
        textValues({ message: state.message })
      ),
    };
  }
  const traces = (data?.series ?? []).filter(isTraceFrame);
  const graph = graphFromTraces(traces.map((frame) => analyzeTrace(frame)));
  if (graph.edges.length === 0) {
    return {
      kind: 'sampled-empty',
      message: t(
        'pivot.graph.sampled.no-boundary',
        'The {{traces}} sampled trace(s) cross no service boundary: each stays within one service.',
        textValues({ traces: traces.length })
      ),
    };
  }
  return {
    kind: 'ready',
    graph,
    view: viewOf(graph, controls),
    warning: state.kind === 'data' ? state.warning : undefined,
  };
}

const HEALTH_ORDER = { critical: 0, warning: 1, ok: 2, idle: 3 } as const;

/** The edge list's order: failing first, then by error ratio and volume. */
function compareEdges(a: GraphEdge, b: GraphEdge): number {
  return (
    HEALTH_ORDER[health(a.errorRatio, a.requests)] - HEALTH_ORDER[health(b.errorRatio, b.requests)] ||
    (b.errorRatio ?? 0) - (a.errorRatio ?? 0) ||
    b.requests - a.requests ||
    a.id.localeCompare(b.id)
  );
}

/**
 * The edges the list beside the graph shows: the first `limit` in the list's order, exactly as
 * sorting all of them would give (ties keep their order), but only the shown ones are kept in
 * order: one pass over the edges, each compared with the last shown, and inserted by binary
 * search when it comes before it (10,000 edges: about 10,000 comparisons, not 130,000).
 */
export function edgeRows(edges: GraphEdge[], limit = 50): GraphEdge[] {
  const rows: GraphEdge[] = [];
  if (!(limit >= 1)) {
    return rows;
  }
  for (const edge of edges) {
    if (rows.length >= limit && compareEdges(edge, rows[rows.length - 1]) >= 0) {
      continue;
    }
    // After every row it does not come before: equal edges stay in their order, as a stable sort keeps them.
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEdges(edge, rows[mid]) < 0) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    rows.splice(lo, 0, edge);
    if (rows.length > limit) {
      rows.pop();
    }
  }
  return rows;
}
