import { DataFrame, PanelData } from '@grafana/data';
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

/** The edges the list beside the graph shows: failing first, then by error ratio and volume. */
export function edgeRows(edges: GraphEdge[], limit = 50): GraphEdge[] {
  return [...edges]
    .sort(
      (a, b) =>
        HEALTH_ORDER[health(a.errorRatio, a.requests)] - HEALTH_ORDER[health(b.errorRatio, b.requests)] ||
        (b.errorRatio ?? 0) - (a.errorRatio ?? 0) ||
        b.requests - a.requests ||
        a.id.localeCompare(b.id)
    )
    .slice(0, limit);
}
