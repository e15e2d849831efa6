/**
 * A span's own interval less the union of its children's intervals clipped to it. Children
 * are merged in start order; they usually arrive in it and are sorted only when not (by
 * insertion for a few, else by the engine), so the cost is linear for such traces and
 * O(k log k) for a span with k children out of order.
 */
export class SelfTimes {
  private from: Float64Array;
  private to: Float64Array;

  constructor(n: number) {
    this.from = new Float64Array(Math.min(n, 64));
    this.to = new Float64Array(Math.min(n, 64));
  }

  of(
    v: number,
    start: Float64Array,
    end: Float64Array,
    parent: Int32Array,
    childStart: Int32Array,
    childList: Int32Array
  ): number {
    const spanFrom = start[v];
    const spanTo = end[v];
    const own = spanTo - spanFrom;
    const first = childStart[v];
    const last = childStart[v + 1];
    if (first === last || own <= 0) {
      return Math.max(0, own);
    }
    if (last - first > this.from.length) {
      this.from = new Float64Array(last - first);
      this.to = new Float64Array(last - first);
    }
    const from = this.from;
    const to = this.to;
    let count = 0;
    let sorted = true;
    for (let k = first; k < last; k++) {
      const c = childList[k];
      const s = Math.max(spanFrom, start[c]);
      const e = Math.min(spanTo, end[c]);
      if (parent[c] !== v || e <= s) {
        continue;
      }
      if (count > 0 && s < from[count - 1]) {
        sorted = false;
      }
      from[count] = s;
      to[count] = e;
      count++;
    }
    if (!sorted) {
      sortIntervals(from, to, count);
    }
    let covered = 0;
    // An empty run at the span's start: clipped children never start before it.
    let runStart = spanFrom;
    let runEnd = spanFrom;
    for (let k = 0; k < count; k++) {
      if (from[k] > runEnd) {
        covered += runEnd - runStart;
        runStart = from[k];
        runEnd = to[k];
      } else if (to[k] > runEnd) {
        runEnd = to[k];
      }
    }
    covered += runEnd - runStart;
    return Math.max(0, own - covered);
  }
}

const INSERTION_SORT_MAX = 24;

/** Sorts the first `count` intervals by start, keeping each end with its start. */
function sortIntervals(from: Float64Array, to: Float64Array, count: number): void {
  if (count <= INSERTION_SORT_MAX) {
    for (let i = 1; i < count; i++) {
      const f = from[i];
      const t = to[i];
      let j = i - 1;
      while (j >= 0 && from[j] > f) {
        from[j + 1] = from[j];
        to[j + 1] = to[j];
        j--;
      }
      from[j + 1] = f;
      to[j + 1] = t;
    }
    return;
  }
  const rows = Array.from({ length: count }, (_, i) => i).sort((a, b) => from[a] - from[b]);
  const f = Float64Array.from(rows, (r) => from[r]);
  const t = Float64Array.from(rows, (r) => to[r]);
  from.set(f);
  to.set(t);
}
