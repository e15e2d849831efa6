import type { SpanTable } from './spanTable';
import type { SpanTree } from './tree';

/**
 * Step 7, the failure origin: among failing spans with no failing descendant, the deepest,
 * then the earliest. Returns its row (-1 when no span failed) and the failing spans counted.
 */
export function findFailureOrigin(table: SpanTable, tree: SpanTree): { origin: number; failingSpanCount: number } {
  const { failed, start } = table;
  const { order, count, depth, failingBelow } = tree;
  let origin = -1;
  let failingSpanCount = 0;
  for (let k = 0; k < count; k++) {
    const v = order[k];
    if (!failed[v]) {
      continue;
    }
    failingSpanCount++;
    if (failingBelow[v]) {
      continue;
    }
    if (origin < 0 || depth[v] > depth[origin] || (depth[v] === depth[origin] && start[v] < start[origin])) {
      origin = v;
    }
  }
  return { origin, failingSpanCount };
}
