import type { SpanTable } from './spanTable';
import type { SpanTree } from './tree';

/** Tolerance for clock-skew detection: timestamps are fractional ms from nanoseconds. */
const SKEW_EPSILON_MS = 1e-6;

/**
 * Step 10, the trace's window and its clock skew: the earliest start and latest end over the
 * spans with usable times, and the spans starting before their parent or ending after it.
 */
export function timeWindow(table: SpanTable, tree: SpanTree): { startMs?: number; endMs?: number; clockSkew: number } {
  const { start, end, timed } = table;
  const { order, count, parent } = tree;
  let traceStart = Infinity;
  let traceEnd = -Infinity;
  let clockSkew = 0;
  for (let k = 0; k < count; k++) {
    const v = order[k];
    if (!timed[v]) {
      continue;
    }
    if (start[v] < traceStart) {
      traceStart = start[v];
    }
    if (end[v] > traceEnd) {
      traceEnd = end[v];
    }
    const p = parent[v];
    if (p >= 0 && timed[p] && (start[v] < start[p] - SKEW_EPSILON_MS || end[v] > end[p] + SKEW_EPSILON_MS)) {
      clockSkew++;
    }
  }
  return traceStart <= traceEnd ? { startMs: traceStart, endMs: traceEnd, clockSkew } : { clockSkew };
}
