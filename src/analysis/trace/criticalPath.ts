import type { SpanTable } from './spanTable';
import type { SpanTree } from './tree';
import type { CriticalPathColumns, CriticalPathSection } from './types';
import { scratchFloat64, scratchInt32 } from './scratch';

/**
 * Step 8, the critical path, by the standard definition (the one Jaeger UI and Grafana's trace
 * view draw; docs/trace-page.md#critical-path). From the main root's end, take the child that
 * finishes last and follow it down; when a span has no child left, its time back to its start
 * is on the path, and the walk returns to its parent at that start, where the child that
 * finished last by that moment is next. The walk ends at the root's start. Children are
 * first clipped to their parent, as Jaeger's "sanitize" step does: a child that overflows its
 * parent (clock skew) is cut to the parent's interval, and one entirely outside it is left
 * out with its subtree.
 *
 * One deliberate difference: a child ending exactly when the later one starts counts as
 * before it. Jaeger asks for strictly before, which hands abutting sequential calls (one
 * starting as the previous ends) to the parent and drops them from the path.
 *
 * Iterative (the walk keeps its place in typed arrays, not on the call stack), and linear
 * but for sorting the children of the spans it visits by end time: each child is taken at
 * most once, through a cursor that only moves forward as the walk's moment moves back.
 */
export function criticalPathOf(table: SpanTable, tree: SpanTree): CriticalPathColumns {
  const root = tree.mainRoot;
  if (root < 0 || !table.timed[root]) {
    return { length: 0, spanIds: [], startMs: new Float64Array(0), endMs: new Float64Array(0) };
  }
  const walk = new CriticalPathWalk(table, tree);
  walk.run(root);
  // Found from the end backwards: returned in time order, as columns. A 100,000-span chain has
  // 199,999 sections: as objects (each with two boxed numbers) they were half the step's time.
  const { rows, starts, ends, count } = walk;
  const ids = table.ids;
  const spanIds: string[] = new Array(count);
  const startMs = new Float64Array(count);
  const endMs = new Float64Array(count);
  for (let i = count - 1, k = 0; i >= 0; i--, k++) {
    spanIds[k] = ids[rows[i]];
    startMs[k] = starts[i];
    endMs[k] = ends[i];
  }
  return { length: count, spanIds, startMs, endMs };
}

/** The sections as objects, in time order (`TraceAnalysis.criticalPath`). */
export function sectionsOf(path: CriticalPathColumns): CriticalPathSection[] {
  const { length, spanIds, startMs, endMs } = path;
  const sections: CriticalPathSection[] = new Array(length);
  for (let i = 0; i < length; i++) {
    sections[i] = { spanId: spanIds[i], startMs: startMs[i], endMs: endMs[i] };
  }
  return sections;
}

/**
 * The walk of `criticalPathOf`. Sections are found from the end backwards, kept as three
 * columns of numbers rather than objects: a 100,000-span chain has 199,999 of them (at most
 * two per span: one each time a child is taken, one when a span has none left). Children are
 * clipped when the walk first reaches their parent (a parent's interval is clipped before its
 * children are looked at), so only the children of spans on the path are clipped: a few
 * hundred of a 100,000-span random tree.
 */
class CriticalPathWalk {
  /** Each reached span's interval cut to its parent's, and each of its kept children's. */
  private readonly from: Float64Array;
  private readonly to: Float64Array;
  /** Per span, its kept children sorted by clipped end, latest first: in the CSR slots of the tree. */
  private readonly byEnd: Int32Array;
  /** Per span, the next child of `byEnd` to consider; -1 until the span's children are sorted. */
  private readonly cursor: Int32Array;
  /** Per span, where its kept children end in `byEnd`. */
  private readonly keptEnd: Int32Array;
  readonly rows: Int32Array;
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  count = 0;

  constructor(
    private readonly table: SpanTable,
    private readonly tree: SpanTree
  ) {
    // Working arrays (./scratch.ts). Each is written before it is read but `cursor`, which
    // says which spans' children are sorted (and so which slots of the others are written).
    const n = table.n;
    this.from = scratchFloat64('clipFrom', n);
    this.to = scratchFloat64('clipTo', n);
    this.byEnd = scratchInt32('byEnd', tree.childList.length);
    this.cursor = scratchInt32('cursor', n, -1);
    this.keptEnd = scratchInt32('keptEnd', n);
    // At most two sections per span of the root's subtree: one per child taken, one when none is left.
    const most = 2 * tree.subtree[tree.mainRoot];
    this.rows = scratchInt32('pathRows', most);
    this.starts = scratchFloat64('pathStarts', most);
    this.ends = scratchFloat64('pathEnds', most);
  }

  run(root: number): void {
    const { from, to } = this;
    const parent = this.tree.parent;
    from[root] = this.table.start[root];
    to[root] = this.table.end[root];
    let v = root;
    let moment = to[root];
    for (;;) {
      const child = this.nextChild(v, moment);
      if (child >= 0) {
        this.add(v, to[child], moment);
        v = child;
        moment = to[child];
        continue;
      }
      this.add(v, from[v], moment);
      if (v === root) {
        return;
      }
      moment = from[v];
      v = parent[v];
    }
  }

  /**
   * The child of `v` not taken yet that finishes last by `moment`: `v`'s end on the way down
   * (every clipped child qualifies), the start of the child just walked on the way back up.
   * -1 when none is left. Children passed over finish after every later moment too.
   */
  private nextChild(v: number, moment: number): number {
    if (this.cursor[v] < 0) {
      this.sortChildren(v);
    }
    const { byEnd, keptEnd, to } = this;
    let at = this.cursor[v];
    while (at < keptEnd[v] && to[byEnd[at]] > moment) {
      at++;
    }
    this.cursor[v] = at + 1;
    return at < keptEnd[v] ? byEnd[at] : -1;
  }

  /**
   * Clips the children of `v` to its clipped interval, as Jaeger's "sanitize" step does, and
   * copies the ones kept into its slots of `byEnd`, latest end first (ties: row order). Left
   * out: a child without a usable time, or with no instant inside `v` (starting at or after
   * its end, or ending at or before its start).
   */
  private sortChildren(v: number): void {
    const { childStart, childList, parent } = this.tree;
    const { start, end, timed } = this.table;
    const { from, to } = this;
    const vFrom = from[v];
    const vTo = to[v];
    const first = childStart[v];
    let last = first;
    for (let k = first; k < childStart[v + 1]; k++) {
      const c = childList[k];
      const s = start[c];
      const e = end[c];
      if (parent[c] !== v || !timed[c] || s >= vTo || (s < vFrom && e <= vFrom)) {
        continue;
      }
      from[c] = Math.max(s, vFrom);
      to[c] = Math.min(e, vTo);
      this.byEnd[last++] = c;
    }
    if (last - first > 1) {
      this.byEnd.subarray(first, last).sort((a, b) => to[b] - to[a] || a - b);
    }
    this.cursor[v] = first;
    this.keptEnd[v] = last;
  }

  /** Records `v` on the path from `startMs` to `endMs`, unless that is no time at all (as Jaeger does). */
  private add(v: number, startMs: number, endMs: number): void {
    if (startMs !== endMs) {
      const at = this.count++;
      this.rows[at] = v;
      this.starts[at] = startMs;
      this.ends[at] = endMs;
    }
  }
}

/** The critical path's length in ms: its sections summed, in time order (the main root's duration once clipped). */
export function criticalPathMs(path: CriticalPathColumns): number {
  let ms = 0;
  for (let i = 0; i < path.length; i++) {
    ms += path.endMs[i] - path.startMs[i];
  }
  return ms;
}

export interface CriticalPathShare {
  spanId: string;
  /** The span's sections on the critical path, summed. */
  ms: number;
}

/**
 * Where the critical path's time went, by span (a span's several sections summed), longest
 * first; ties keep the order of first appearance. Takes the sections as objects or as columns.
 */
export function timeOnCriticalPath(path: CriticalPathSection[] | CriticalPathColumns): CriticalPathShare[] {
  const bySpan = new Map<string, CriticalPathShare>();
  const add = (spanId: string, ms: number) => {
    const share = bySpan.get(spanId);
    if (share) {
      share.ms += ms;
    } else {
      bySpan.set(spanId, { spanId, ms });
    }
  };
  if (Array.isArray(path)) {
    path.forEach(({ spanId, startMs, endMs }) => add(spanId, endMs - startMs));
  } else {
    for (let i = 0; i < path.length; i++) {
      add(path.spanIds[i], path.endMs[i] - path.startMs[i]);
    }
  }
  // Array sort is stable: equal shares stay in order of first appearance.
  return [...bySpan.values()].sort((a, b) => b.ms - a.ms);
}
