import type { SpanTable } from './spanTable';
import type { SpanTree } from './tree';

/** Step 8, the critical path: from the main root, the child that finishes last, down to a leaf. */
export function criticalPathOf(table: SpanTable, tree: SpanTree): string[] {
  const { ids, end } = table;
  const { parent, childStart, childList } = tree;
  const path: string[] = [];
  for (let v = tree.mainRoot; v >= 0;) {
    path.push(ids[v]);
    let next = -1;
    for (let k = childStart[v]; k < childStart[v + 1]; k++) {
      const c = childList[k];
      if (parent[c] === v && (next < 0 || end[c] > end[next])) {
        next = c;
      }
    }
    v = next;
  }
  return path;
}
