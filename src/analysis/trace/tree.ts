import { scratchInt32, scratchUint8 } from './scratch';
import type { SpanTable } from './spanTable';
import type { TraceAnomalies } from './types';

/**
 * Steps 2 to 6, the tree: parents, children, a breadth-first order from every root, parent
 * cycles broken, and what each subtree holds. All with arrays and explicit queues, never
 * recursion, so a 100,000-span chain cannot overflow the stack. All but `parent` and `depth`
 * are working arrays (./scratch.ts), valid until the next analysis.
 */
export interface SpanTree {
  /** The parent row kept, -1 for a root (true root, orphan or broken cycle). */
  parent: Int32Array;
  /** 1 for a span with an empty (or all-zero) parent id. */
  trueRoot: Uint8Array;
  /** Children as one flat array (CSR): children of i are childList[childStart[i] .. childStart[i+1]). */
  childStart: Int32Array;
  /**
   * May still hold a span made a root to break a cycle, under its old parent: a child c of v
   * is one only when `parent[c] === v`.
   */
  childList: Int32Array;
  /** The spans in breadth-first order, roots in row order, each followed by its subtree. */
  order: Int32Array;
  /** Spans visited: the length of `order` that is filled. */
  count: number;
  /** 1 for the spans in `order`: every span (every row kept) once cycles are broken. */
  visited: Uint8Array;
  /** Depth below its own root (roots are 0). */
  depth: Int32Array;
  roots: number[];
  /** Spans in each span's subtree, itself included. */
  subtree: Int32Array;
  /** 1 when a descendant of the span failed. */
  failingBelow: Uint8Array;
  /** The main root (see `chooseMainRoot`), -1 for no span. */
  mainRoot: number;
}

const ALL_ZEROS = /^0+$/;

/** Read in place of a column the frame lacks: every cell undefined. */
const NO_VALUES: unknown[] = [];

export function buildTree(table: SpanTable, parentCol: unknown[] | undefined, anomalies: TraceAnomalies): SpanTree {
  const { parent, trueRoot } = linkParents(table, parentCol, anomalies);
  const { childStart, childList } = childrenOf(parent);
  const walk = new BreadthFirst(parent, childStart, childList);
  for (let i = 0; i < table.n; i++) {
    if (table.alive[i] && parent[i] < 0) {
      walk.fromRoot(i);
    }
  }
  anomalies.cycles += breakCycles(table, parent, walk);
  const { order, count, visited, depth, roots } = walk;
  const { subtree, failingBelow } = summariseSubtrees(order, count, parent, table.failed);
  const mainRoot = chooseMainRoot(roots, trueRoot, subtree, table.start);
  return {
    parent,
    trueRoot,
    childStart,
    childList,
    order,
    count,
    visited,
    depth,
    roots,
    subtree,
    failingBelow,
    mainRoot,
  };
}

/** Step 2, parents. A span whose parent id is absent from the trace is an orphan: it becomes a root. */
function linkParents(table: SpanTable, parentCol: unknown[] | undefined, anomalies: TraceAnomalies) {
  const { n, alive, index } = table;
  const parent = new Int32Array(n).fill(-1);
  const trueRoot = scratchUint8('trueRoot', n, 0);
  // The cell read in the loop itself, by `text`'s rule: see `indexSpans`.
  const parentIds = parentCol ?? NO_VALUES;
  for (let i = 0; i < n; i++) {
    if (!alive[i]) {
      continue;
    }
    const raw = parentIds[i];
    const pid = typeof raw === 'string' ? raw : raw === undefined || raw === null ? '' : String(raw);
    if (pid === '') {
      trueRoot[i] = 1;
      continue;
    }
    const p = index.get(pid);
    if (p === i) {
      anomalies.cycles++;
    } else if (p >= 0) {
      parent[i] = p;
    } else if (ALL_ZEROS.test(pid)) {
      // Some exporters write the absent parent as zeros rather than leaving it empty.
      trueRoot[i] = 1;
    } else {
      anomalies.orphans++;
    }
  }
  return { parent, trueRoot };
}

/** Step 3, children: counted per parent, then placed (a counting sort, in row order). */
function childrenOf(parent: Int32Array): { childStart: Int32Array; childList: Int32Array } {
  const n = parent.length;
  const childStart = scratchInt32('childStart', n + 1, 0);
  for (let i = 0; i < n; i++) {
    if (parent[i] >= 0) {
      childStart[parent[i] + 1]++;
    }
  }
  for (let i = 0; i < n; i++) {
    childStart[i + 1] += childStart[i];
  }
  const childList = scratchInt32('childList', childStart[n]);
  const fill = scratchInt32('childFill', n);
  fill.set(childStart.subarray(0, n));
  for (let i = 0; i < n; i++) {
    if (parent[i] >= 0) {
      childList[fill[parent[i]]++] = i;
    }
  }
  return { childStart, childList };
}

/** Step 4, breadth-first order from each root. `order` is the queue itself. */
class BreadthFirst {
  readonly order: Int32Array;
  readonly visited: Uint8Array;
  readonly depth: Int32Array;
  readonly roots: number[] = [];
  count = 0;

  constructor(
    private readonly parent: Int32Array,
    private readonly childStart: Int32Array,
    private readonly childList: Int32Array
  ) {
    const n = parent.length;
    this.order = scratchInt32('order', n);
    this.visited = scratchUint8('visited', n, 0);
    this.depth = new Int32Array(n);
  }

  /** Visits `root` and every span below it not visited yet. */
  fromRoot(root: number): void {
    const { order, visited, depth, parent, childStart, childList } = this;
    visited[root] = 1;
    depth[root] = 0;
    this.roots.push(root);
    let head = this.count;
    let tail = head;
    order[tail++] = root;
    while (head < tail) {
      const v = order[head++];
      for (let k = childStart[v]; k < childStart[v + 1]; k++) {
        const c = childList[k];
        // A span made a root to break a cycle stays in its old parent's list: skip it there.
        if (!visited[c] && parent[c] === v) {
          visited[c] = 1;
          depth[c] = depth[v] + 1;
          order[tail++] = c;
        }
      }
    }
    this.count = tail;
  }
}

/**
 * Step 5: spans still unvisited hang below a parent cycle. Walk up from each to find the
 * cycle, make its earliest-starting span a root, and visit from there. Every walk climbs
 * through unvisited spans only, and the visit then covers them all, so each span is walked
 * once. Returns the cycles broken.
 */
function breakCycles(table: SpanTable, parent: Int32Array, walk: BreadthFirst): number {
  const { n, alive, start } = table;
  // Made when a span is left unvisited, which only a parent cycle does.
  let walkStamp: Int32Array | undefined;
  let cycles = 0;
  for (let i = 0; i < n; i++) {
    if (!alive[i] || walk.visited[i]) {
      continue;
    }
    walkStamp ??= new Int32Array(n).fill(-1);
    let v = i;
    while (walkStamp[v] !== i) {
      walkStamp[v] = i;
      v = parent[v];
    }
    let earliest = v;
    for (let u = parent[v]; u !== v; u = parent[u]) {
      if (start[u] < start[earliest]) {
        earliest = u;
      }
    }
    parent[earliest] = -1;
    cycles++;
    walk.fromRoot(earliest);
  }
  return cycles;
}

/** Step 6, bottom-up (reverse breadth-first): subtree sizes and whether a descendant failed. */
function summariseSubtrees(order: Int32Array, count: number, parent: Int32Array, failed: Uint8Array) {
  const n = parent.length;
  const subtree = scratchInt32('subtree', n, 0);
  const failingBelow = scratchUint8('failingBelow', n, 0);
  for (let k = count - 1; k >= 0; k--) {
    const v = order[k];
    subtree[v] += 1;
    const p = parent[v];
    if (p >= 0) {
      subtree[p] += subtree[v];
      if (failed[v] || failingBelow[v]) {
        failingBelow[p] = 1;
      }
    }
  }
  return { subtree, failingBelow };
}

/**
 * The main root when a trace has several (missing parents, broken cycles, several true roots):
 * a true root (empty parent id) before an orphan, then the one heading the most spans, then
 * the earliest to start, then the first row. The page draws the others as extra roots.
 */
function chooseMainRoot(roots: number[], trueRoot: Uint8Array, subtree: Int32Array, start: Float64Array): number {
  let best = -1;
  for (const r of roots) {
    if (
      best < 0 ||
      trueRoot[r] > trueRoot[best] ||
      (trueRoot[r] === trueRoot[best] &&
        (subtree[r] > subtree[best] || (subtree[r] === subtree[best] && start[r] < start[best])))
    ) {
      best = r;
    }
  }
  return best;
}
