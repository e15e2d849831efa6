import type { DataFrame } from '@grafana/data';
import { criticalPathOf, sectionsOf } from './criticalPath';
import { findFailureOrigin } from './failureOrigin';
import { number, text, TraceColumns, traceColumns, traceFrameRows } from './frame';
import { summariseServices } from './services';
import { indexSpans } from './spanTable';
import { timeWindow } from './timing';
import { buildTree } from './tree';
import type { CriticalPathSection, FailureOrigin, TraceAnalysis, TraceAnomalies, TraceSpan } from './types';

/**
 * Analysis of one trace as Grafana's Tempo data source returns it, in named steps: the index
 * of span ids, the tree, the failure origin, the critical path, services and their edges, the
 * time window and clock skew. Everything is computed with arrays and explicit queues, never
 * recursion, so a 100,000-span chain cannot overflow the stack. See docs/trace-page.md for
 * the rules in prose.
 */
export function analyzeTrace(frame: DataFrame | undefined): TraceAnalysis {
  const counted = frame ? traceFrameRows(frame) : { rows: 0 };
  if ('problem' in counted) {
    return { ...analyzeTrace(undefined), frameProblem: counted.problem };
  }
  const n = counted.rows;
  const columns = traceColumns(frame);
  const anomalies: TraceAnomalies = {
    orphans: 0,
    cycles: 0,
    duplicateSpanIds: 0,
    missingSpanIds: 0,
    clockSkew: 0,
    missingTimes: 0,
  };
  const table = indexSpans(columns, n, anomalies);
  const tree = buildTree(table, columns.parentSpanId, anomalies);
  const { origin, failingSpanCount } = findFailureOrigin(table, tree);
  const criticalPathColumns = criticalPathOf(table, tree);
  let criticalPath: CriticalPathSection[] | undefined;
  const { services, edges } = summariseServices(table, tree, columns.serviceName);
  const { startMs, endMs, clockSkew } = timeWindow(table, tree);
  anomalies.clockSkew = clockSkew;

  // What `getSpan` keeps: only arrays made for this analysis, none of the working arrays
  // (./scratch.ts) the next analysis reuses.
  const { ids, index, start, end } = table;
  const kept: KeptRows = { ids, start, end, parent: tree.parent, depth: tree.depth, columns };
  const spanAt = (v: number) => spanOf(v, kept);
  return {
    traceId: n > 0 && columns.traceId ? text(columns.traceId, 0) || undefined : undefined,
    spanCount: tree.count,
    rootSpanId: tree.mainRoot >= 0 ? ids[tree.mainRoot] : undefined,
    otherRootSpanIds: tree.roots.filter((r) => r !== tree.mainRoot).map((r) => ids[r]),
    failureOrigin: origin >= 0 ? failureOriginOf(spanAt(origin)) : undefined,
    failingSpanCount,
    get criticalPath() {
      criticalPath ??= sectionsOf(criticalPathColumns);
      return criticalPath;
    },
    criticalPathColumns,
    services,
    edges,
    startMs,
    endMs,
    durationMs: startMs !== undefined && endMs !== undefined ? endMs - startMs : 0,
    anomalies,
    getSpan(spanId: string) {
      const v = index.get(spanId);
      return v < 0 ? undefined : spanAt(v);
    },
  };
}

/** The rows' columns `getSpan` reads, kept after the analysis. */
interface KeptRows {
  ids: string[];
  start: Float64Array;
  end: Float64Array;
  parent: Int32Array;
  depth: Int32Array;
  columns: TraceColumns;
}

/** The span in row `v`, read from the frame on demand: only the spans the page shows are built. */
function spanOf(v: number, { ids, start, end, parent, depth, columns }: KeptRows): TraceSpan {
  return {
    spanId: ids[v],
    parentSpanId: parent[v] >= 0 ? ids[parent[v]] : '',
    operationName: text(columns.operationName, v),
    serviceName: text(columns.serviceName, v),
    kind: text(columns.kind, v),
    statusCode: number(columns.statusCode, v),
    statusMessage: text(columns.statusMessage, v),
    startMs: start[v],
    durationMs: end[v] - start[v],
    depth: depth[v],
  };
}

function failureOriginOf(span: TraceSpan): FailureOrigin {
  const { spanId, serviceName, operationName, statusMessage, durationMs, startMs, depth } = span;
  return { spanId, serviceName, operationName, statusMessage, durationMs, startMs, depth };
}
